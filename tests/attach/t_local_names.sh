#!/usr/bin/env bash
# Names of synchronisation objects that are locals of a frame (DESIGN.md "Names"): mutexes that
# live in main's frame and are handed to the threads by pointer are named from main's DWARF,
# "main:mu1" / "main:mutex_resource[2]" / "main:acct.lock" (a member of a local struct), by
# libtwcore from the frames the collector unwound — attach-only, live (`tw deadlocks --pid`)
# and from a gcore core (`--core --exe`), at -O0 and -O1 (gcc's frame base is
# DW_OP_call_frame_cfa at both; -O1 drops the frame pointer). Before libtwcore read frames they
# were named by address ("0x7ffeec6ed730").
. "$(dirname "$0")/lib.sh"
if [ ! -x "$TW" ] || [ ! -e build/lib/libtwcore.so ]; then
  echo "FAIL: t_local_names: build/bin/tw or libtwcore is not built (make all builds them)"; exit 1
fi
mkdir -p "$FX"
. tests/lib/local_names.sh
n=0
for prog in local_abba local_ring local_member; do
  want=$(local_names_want $prog)
  for opt in O0 O1; do
    bin=$FX/$prog.$opt
    local_names_build $prog $opt "$bin" || fail "cannot build $prog"
    start "$bin"
    for try in $(seq 1 10); do # a loaded machine may need a moment to bring every thread to its lock
      got=$(timeout 30 "$TW" deadlocks --pid "$PID" --json | local_names_of)
      [ "$got" = "$want" ] && break
      sleep 0.3
    done
    [ "$got" = "$want" ] || fail "$prog -$opt live: resources named '$got', want '$want'"
    timeout 60 gcore -o "$bin.core" "$PID" >/dev/null 2>&1 || fail "gcore $prog"
    got=$(timeout 30 "$TW" deadlocks --core "$bin.core.$PID" --exe "$bin" --json | local_names_of)
    rm -f "$bin.core.$PID"
    [ "$got" = "$want" ] || fail "$prog -$opt core: resources named '$got', want '$want'"
    kill -9 "$PID"
    n=$((n + 2))
  done
done
echo "t_local_names: $n checks passed (locals of main named from its frame, -O0 and -O1, live and core)"
