#!/usr/bin/env bash
# Behaviour: on uninstrumented pthread programs (built here, with -g and with -O2 without -g),
# lldb's attach-only `tw deadlocks --json` finds a certain 3-thread mutex cycle named by mutex
# symbols (vault[1]...), the same chain as gdb, live and from a core; a semaphore held behind a
# mutex, a lost condvar signal and a join on a stuck thread are deadlocks too; a healthy
# producer/consumer sampled repeatedly never shows a certain deadlock; the process survives.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin; need_attach
gcc -g -O0 -pthread -o "$TW_TMP/hang" "$HERE/hang.c" || fail "cannot compile hang.c"
gcc -O2 -pthread -o "$TW_TMP/hang-O2" "$HERE/hang.c" || fail "cannot compile hang.c -O2"
# Compared with gdb by ids (task = TID, resource = address): inside gdb, libtwcore's DWARF
# naming can fall back to symbol+offset ("vault+0x28" for vault[1]), so names are checked on
# lldb's side only.
Q='[(d["certain"], [x[:2] for x in chain(d["chain"])]) for d in j["deadlocks"]]'

# Each debugger reads the live process and then its core in one session (lib.sh): gdb writes
# the core, lldb reads it after.
for bin in hang hang-O2; do
  start_prog "$TW_TMP/$bin" cycle3
  core=$TW_TMP/core.$PROG_PID
  g=$(gdb_live_core "$PROG_PID" "$TW_TMP/$bin" "$core" 'tw deadlocks --json')
  l=$(lldb_live_core "$PROG_PID" "$TW_TMP/$bin" "$core" 'tw deadlocks --json')
  echo "$l" | jsonq 'any(d["certain"] and sum(1 for e in d["chain"] if "task" in e) == 3 for d in j["deadlocks"])' >/dev/null \
    || fail "$bin cycle3 live: no certain 3-thread cycle: $(echo "$l" | grep -m1 '^{\|error:' | cut -c1-300)"
  echo "$l" | jsonq '[e["name"] for e in j["deadlocks"][0]["chain"] if "resource" in e]' | grep -q 'vault\[1\]' \
    || { [ "$bin" = hang-O2 ] && echo "$l" | grep -q '"vault'; } \
    || fail "$bin cycle3: mutexes not named from symbols: $(echo "$l" | grep -m1 '^{' | cut -c1-300)"
  [ "$(echo "$l" | jsonq "$Q")" = "$(echo "$g" | jsonq "$Q")" ] || fail "$bin cycle3 live: lldb $(echo "$l" | jsonq "$Q") gdb $(echo "$g" | jsonq "$Q")"
  [ "$(echo "$l" | jsonq --nth 1 "$Q")" = "$(echo "$l" | jsonq "$Q")" ] || fail "$bin cycle3 core: $(echo "$l" | jsonq --nth 1 "$Q")"
  [ "$(echo "$l" | jsonq --nth 1 "$Q")" = "$(echo "$g" | jsonq --nth 1 "$Q")" ] || fail "$bin cycle3 core: lldb differs from gdb"
  kill -0 "$PROG_PID" 2>/dev/null || fail "$bin cycle3 did not survive being attached"
  kill -9 "$PROG_PID"
done

for mode in semhold lostsignal join; do
  start_prog "$TW_TMP/hang" "$mode"
  core=$TW_TMP/core.$PROG_PID
  g=$(gdb_live_core "$PROG_PID" "$TW_TMP/hang" "$core" 'tw deadlocks --json')
  l=$(lldb_live_core "$PROG_PID" "$TW_TMP/hang" "$core" 'tw deadlocks --json')
  echo "$l" | jsonq 'len(j["deadlocks"]) >= 1' >/dev/null || fail "$mode live: no deadlock: $(echo "$l" | grep -m1 '^{\|error:' | cut -c1-300)"
  [ "$(echo "$l" | jsonq "$Q")" = "$(echo "$g" | jsonq "$Q")" ] || fail "$mode live: lldb $(echo "$l" | jsonq "$Q") gdb $(echo "$g" | jsonq "$Q")"
  c=$(echo "$l" | jsonq --nth 1 "$Q"); gc=$(echo "$g" | jsonq --nth 1 "$Q")
  [ -n "$c" ] && [ "$c" = "$gc" ] || fail "$mode core: lldb $c gdb $gc"
  kill -9 "$PROG_PID"
done

start_prog "$TW_TMP/hang" healthy
# three samples, each a fresh attach at its own instant, in one lldb session
l=$(lldb_pid "$PROG_PID" 'tw deadlocks --json' 'process detach' 'platform shell sleep 0.2' "process attach -p $PROG_PID" \
      'tw deadlocks --json' 'process detach' 'platform shell sleep 0.3' "process attach -p $PROG_PID" 'tw deadlocks --json')
for i in 1 2 3; do
  echo "$l" | jsonq --nth "$((i - 1))" 'j["deadlocks"] is not None' >/dev/null || fail "healthy: no JSON for sample $i: $(echo "$l" | tail -2)"
  echo "$l" | jsonq --nth "$((i - 1))" 'any(d["certain"] for d in j["deadlocks"])' >/dev/null && fail "healthy: a certain deadlock was reported (sample $i)"
done
kill -0 "$PROG_PID" 2>/dev/null || fail "healthy program did not survive"
kill -9 "$PROG_PID"

# Every stop of alarm_sem looks alike (one thread in sem_wait at 0), yet a signal handler posts
# five times a second: only the thread's context switches between the samples tell.
gcc -std=gnu11 -D_GNU_SOURCE -g -O2 -pthread -o "$TW_TMP/alarm_sem" tests/attach/progs/alarm_sem.c || fail "cannot compile alarm_sem"
start_prog "$TW_TMP/alarm_sem"
possible=0   # never certain; possible when a stop finds the thread in sem_wait (see gdb's test)
for i in 1 2 3 4 5 6; do
  l=$(lldb_pid "$PROG_PID" 'tw deadlocks --json')
  echo "$l" | jsonq 'not any(d["certain"] for d in j["deadlocks"])' >/dev/null \
    || fail "alarm_sem sample $i: certain, or no JSON: $(echo "$l" | grep -m1 '^{\|error:' | cut -c1-400)"
  echo "$l" | jsonq 'len(j["deadlocks"]) == 1' >/dev/null && possible=$((possible + 1))
  [ $i -ge 3 ] && [ $possible -ge 1 ] && break
done
[ $possible -ge 1 ] || fail "alarm_sem: no sample found the thread in sem_wait (6 samples), so none tested the proof"
kill -0 "$PROG_PID" 2>/dev/null || fail "alarm_sem did not survive"
pass "attach-only: 3-thread cycle (-g and -O2) = gdb live and core; semhold, lostsignal, join found; healthy clean x3; alarm_sem (alike stops, thread ran between) possible x3"
