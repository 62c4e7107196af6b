#!/usr/bin/env bash
# Point 4 of issue 11: a task dereferences NULL while it runs (build/examples/crash); the kernel's
# core file, written with the default coredump_filter, holds the region, and tw, gdb and lldb
# all show the crashing task polling and the others as they were at the crash. Also pins down
# which coredump_filter bit decides whether the region is dumped (bit 1, shared anonymous:
# a memfd has no link, so a MAP_SHARED mapping of it counts as anonymous; bit 3 does not).
. "$(dirname "$0")/lib.sh"
EXE=$PWD/build/examples/crash
pattern=$(cat /proc/sys/kernel/core_pattern)
case "$pattern" in
  \|*) echo "  SKIP $TEST: core_pattern pipes cores to a program ($pattern), so no core file lands here"; exit 0 ;;
  core|core.%p) ;;
  *) echo "  SKIP $TEST: core_pattern '$pattern' is not a plain core file in the working directory"; exit 0 ;;
esac

# crash_with FILTER DIR: run the example in DIR with core dumps on and that coredump_filter
# (inherited across exec); prints the core's path
crash_with() {
  mkdir -p "$2"
  ( cd "$2" && ulimit -c unlimited && echo "$1" >/proc/self/coredump_filter && exec timeout 60 "$EXE" >out 2>&1 )
  local rc=$?
  [ $rc -eq 139 ] || grep -q 'dumped core' "$2/out" 2>/dev/null || { echo "crash exited $rc, not SIGSEGV" >&2; return 1; }
  ls "$2"/core "$2"/core.* 2>/dev/null | head -1
}

default=$(cat /proc/self/coredump_filter)
[ $((0x$default & 2)) -ne 0 ] && ok "this shell's coredump_filter is 0x$default: bit 1 (shared anonymous) is on" \
  || fail "coredump_filter 0x$default has bit 1 off: the region cannot be dumped"
CORE=$(crash_with "0x$default" "$TMP/default")
[ -n "$CORE" ] && [ -s "$CORE" ] || { fail "no core file in $TMP/default ($(cat "$TMP/default/out" 2>/dev/null))"; finish; }
grep -q 'tw-example: ready' "$TMP/default/out" && ok "crash reached ready, then died of SIGSEGV; kernel wrote $(basename "$CORE") ($(du -h "$CORE" | cut -f1))" \
  || fail "crash never reached ready: $(cat "$TMP/default/out")"

J=$(timeout 60 $TW tasks --core "$CORE" --exe "$EXE" --json)
echo "    tw tasks --core: $(echo "$J" | jpy '{t["name"]: t["state"] for t in j["tasks"]}')"
# state NAME EXPR: EXPR over the task named NAME (as `t`) in tw's JSON
state() { echo "$J" | jpy "(lambda t: $2)([t for t in j['tasks'] if t['name'] == '$1'][0])" >/dev/null; }
check "the core holds the region (tw summary --core reads it, not attach-only facts)" \
  bash -c "timeout 60 $TW summary --core '$CORE' --exe '$EXE' --json | grep -q '\"source\":\"region\"'"
vault=$(timeout 60 $TW resources --core "$CORE" --exe "$EXE" --json | jpy "[r['id'] for r in j['resources'] if r['name'] == 'vault'][0]")
check "crasher: polling (it was running when the fault hit)" state crasher "t['state'] == 'polling'"
check "holder: waiting on its timer, holding vault" state holder "t['state'] == 'waiting' and t['wait_kind'] == 'timer' and t['holds'] == [${vault:-0}]"
check "waiter: waiting to acquire vault at crash.c:32" state waiter "t['state'] == 'waiting' and t['wait_kind'] == 'acquire' and t['waiting_on'] == [${vault:-0}] and t['await']['line'] == 32"
check "sleeper: waiting on its timer" state sleeper "t['state'] == 'waiting' and t['wait_kind'] == 'timer'"
check "yielder: ready (queued behind the crasher on the one worker)" state yielder "t['state'] == 'ready'"
check "the kernel core validates (strict: a core is not a live target)" timeout 60 $TW validate --core "$CORE" --exe "$EXE"

# The faulting thread, as gdb sees it, is the thread the crasher was polling on.
G=$(timeout 180 gdb -batch -nx -x build/share/gdb/turbowish.py "$EXE" "$CORE" -ex 'tw tasks --json' 2>&1)
lwp=$(echo "$G" | sed -n 's/.*Current thread is .*(LWP \([0-9]*\)).*/\1/p' | head -1)
check "gdb: the core stopped in crasher() at the NULL store" bash -c "echo \"\$1\" | grep -q 'in crasher .*crash.c'" _ "$G"
check "crasher's os_tid is the faulting thread (LWP $lwp)" state crasher "t['os_tid'] == ${lwp:-0}"
check "gdb tw tasks --json on the core == tw tasks --core --json" test "$(echo "$G" | grep '^{"as_of"')" = "$J"
mkdir -p "$TMP/lldb" && cp build/lib/turbowish-lldb.so build/lib/libtwcore.so "$TMP/lldb/"   # a rebuild cannot pull them away
L=$(XDG_DATA_HOME=$TMP/xdg timeout 300 lldb -b -O 'settings set plugin.process.gdb-remote.packet-timeout 120' \
  -o "plugin load $TMP/lldb/turbowish-lldb.so" "$EXE" -c "$CORE" -o 'tw tasks --json' 2>&1)
check "lldb tw tasks --json on the core == tw tasks --core --json" test "$(echo "$L" | grep '^{"as_of"')" = "$J"
T=$(timeout 60 $TW tasks --core "$CORE" --exe "$EXE")
echo "$T" | sed 's/^/    /'
check "gdb and lldb print the same tw tasks table as tw" bash -c '
  g=$(timeout 180 gdb -batch -nx -x build/share/gdb/turbowish.py "$1" "$2" -ex "tw tasks" 2>&1 | grep -A8 "^      ID")
  l=$(XDG_DATA_HOME=$4/xdg timeout 300 lldb -b -o "plugin load $4/lldb/turbowish-lldb.so" "$1" -c "$2" -o "tw tasks" 2>&1 | grep -A8 "^      ID")
  [ "$g" = "$3" ] && [ "$l" = "$3" ]' _ "$EXE" "$CORE" "$T" "$TMP"

# Which bit: without bit 1 (0x39 keeps bit 3, shared file-backed) the region is not in the core;
# with bit 1 alone (0x02) it is.
C39=$(crash_with 0x39 "$TMP/f39") && out=$(timeout 60 $TW summary --core "$C39" --exe "$EXE" --json 2>&1)
check "coredump_filter 0x39 (bit 1 off, bit 3 on): region not dumped, tw says so" \
  bash -c "echo \"\$1\" | grep -q 'its contents were not dumped' && echo \"\$1\" | grep -q '\"source\":\"attach-only\"'" _ "$out"
C02=$(crash_with 0x02 "$TMP/f02") && out=$(timeout 60 $TW summary --core "$C02" --exe "$EXE" --json 2>&1)
check "coredump_filter 0x02 (bit 1 only): region dumped" bash -c "echo \"\$1\" | grep -q '\"source\":\"region\"'" _ "$out"
finish
