#!/usr/bin/env bash
# A process whose main thread called pthread_exit: /proc/PID/fd of a zombie main thread reads
# empty, yet the region is open in the threads that run on — tw must find it there, not call
# the process regionless (or a kernel thread).
. tests/console/lib.sh
bin=$TMP/main_exits
gcc -std=gnu11 -g -Iinclude -o "$bin" tests/console/progs/main_exits.c -Lbuild/lib -lturbowish -lpthread \
  -Wl,-rpath,"$PWD/build/lib" || { fail "cannot build main_exits"; finish; }
launch_ready "$TMP/main_exits.out" 10 env -u TW_DISABLE "$bin" || { fail "main_exits $LAUNCH_ERR"; finish; }
grep -q 'State:.*Z' "/proc/$PID/status" || fail "main thread is not a zombie: $(grep State /proc/$PID/status)"
out=$(timeout 30 $TW tasks --pid "$PID" --json 2>&1)
echo "$out" | jpy 'sorted(t["name"] for t in j["tasks"])==["main-task","survivor"]' >/dev/null \
  && ok "region found through the surviving thread: tasks main-task and survivor" \
  || fail "tw tasks --pid on a process whose main thread exited: $out"

# The same program with the instrumentation compiled out has no region: tw falls back to
# attach-only, which reads the process through a thread that runs on (the main thread's
# /proc/PID/maps, exe and memory are gone): it finds the deadlock of the two threads left.
plain=$TMP/main_exits_plain
gcc -std=gnu11 -g -Iinclude -DTW_DISABLE_INSTRUMENTATION -o "$plain" tests/console/progs/main_exits.c -lpthread \
  || { fail "cannot build main_exits_plain"; finish; }
launch_ready "$TMP/main_exits_plain.out" 10 "$plain" abba || { fail "main_exits_plain $LAUNCH_ERR"; finish; }
grep -q 'State:.*Z' "/proc/$PID/status" || fail "main thread is not a zombie: $(grep State /proc/$PID/status)"
out=$(timeout 30 $TW deadlocks --pid "$PID" --json 2>&1)
echo "$out" | jpy 'len(j["deadlocks"])==1 and j["deadlocks"][0]["certain"] and sorted(e["name"] for e in j["deadlocks"][0]["chain"] if "resource" in e)==["left","right"]' >/dev/null \
  && ok "no region, main thread exited: attach-only names the deadlock on left and right" \
  || fail "tw deadlocks --pid, no region, main thread exited: $out"
kill "$PID" 2>/dev/null
finish
