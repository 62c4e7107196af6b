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

# The same program with the instrumentation compiled out has no region: one sentence saying
# what happened (not "a kernel thread"), exit 3.
plain=$TMP/main_exits_plain
gcc -std=gnu11 -g -Iinclude -DTW_DISABLE_INSTRUMENTATION -o "$plain" tests/console/progs/main_exits.c -lpthread \
  || { fail "cannot build main_exits_plain"; finish; }
launch_ready "$TMP/main_exits_plain.out" 10 "$plain" || { fail "main_exits_plain $LAUNCH_ERR"; finish; }
expect_status 3 "no region, main thread exited" -- $TW tasks --pid "$PID" &&
  { grep -q "main thread has exited" "$TMP/err" || fail "the sentence does not say the main thread exited: $(cat "$TMP/err")"; }
finish
