#!/usr/bin/env bash
# The console stops a process with a region only when the threads' facts could change an answer
# (issue 21 point 2, libtwcore's twc_needs_thread_facts): `tw tasks`, `tw deadlocks` and
# `tw alerts` on healthy, fast programs (examples/hello, the runtime's healthy ping-pong) make
# no ptrace call at all, counted by strace, and neither on a program under `tw run` whose
# blocked lock lives in malloc'd memory (tests/pthread/progs/heap_lock.c: named only by its
# address, yet on no thread's stack, so no frame could name it), nor, for deadlocks and alerts,
# on one with a thread asleep in pause() (`heap_lock pause`); on examples/blocking-in-poll, whose task has been
# blocked in pthread_mutex_lock inside its poll for longer than the threshold, the console
# still seizes the threads and the alert names the lock from their facts.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
. tests/console/lib.sh
command -v strace >/dev/null || { echo "  skip: no strace"; exit 0; }
echo "t_reader_stops:"

# seizes CMD...: how many threads CMD (a tw look) seized, with its output in $TMP/look
seizes() {
  timeout 30 strace -f -qq -e trace=ptrace -o "$TMP/strace" "$@" >"$TMP/look" 2>/dev/null
  grep -c 'PTRACE_SEIZE' "$TMP/strace"
}

healthy() { # NAME COMMAND...
  local name=$1; shift
  launch_ready "$TMP/$name.out" 10 "$@" || { fail "$name: $LAUNCH_ERR"; return; }
  set -- "$name"
  local pid=$PID cmd n
  sleep 0.3   # polls and waits well under way
  for cmd in "tasks --json" "deadlocks --json" "alerts --json"; do
    n=$(seizes "$TW" $cmd --pid "$pid")
    if [ "$n" != 0 ]; then fail "$1: tw $cmd stopped a healthy program ($n seizes): $(head -c 300 "$TMP/look")"; fi
  done
  [ "$n" = 0 ] && ok "$1: tasks, deadlocks, alerts: 0 ptrace seizes"
  kill -9 "$pid"
}
healthy hello build/examples/hello
healthy rt_pingpong build/tests/healthy/rt_pingpong
healthy heap_lock "$TW" run -- build/tests/pthread/heap_lock

# A thread asleep in pause(), which the adapter does not wrap: the region shows its task polling,
# the facts show it waiting in the kernel. That changes what `tw tasks` shows (it stops the
# process to say so) and no verdict or alert: /proc tells, without a stop, that the call is no
# futex wait, so `tw deadlocks` and `tw alerts` stop nothing.
launch_ready "$TMP/heap_pause.out" 10 "$TW" run -- build/tests/pthread/heap_lock pause && {
  pid=$PID
  sleep 0.3   # the pauser's poll past the thresholds
  for cmd in "deadlocks --json" "alerts --json"; do
    n=$(seizes "$TW" $cmd --pid "$pid")
    [ "$n" = 0 ] || fail "heap_lock pause: tw $cmd stopped the process for a wait in pause() ($n seizes): $(head -c 300 "$TMP/look")"
  done
  [ "$n" = 0 ] && ok "heap_lock pause: deadlocks, alerts: 0 ptrace seizes"
  n=$(seizes "$TW" tasks --pid "$pid")
  if [ "$n" -ge 1 ] && grep -q "pauser-0 .*waiting in the kernel" "$TMP/look"; then
    ok "heap_lock pause: tasks: $n seizes, pauser-0 waiting in the kernel"
  else
    fail "heap_lock pause: tasks: $n seizes; $(grep pauser "$TMP/look")"
  fi
  kill -9 "$pid"
} || fail "heap_lock pause: $LAUNCH_ERR"

start_example blocking-in-poll && {
  n=$(seizes "$TW" alerts --json --pid "$EX_PID")
  if [ "$n" -ge 1 ] && jpy '[a for a in j["alerts"] if a["kind"] == "blocking_in_poll" and "cfg_lock" in a["message"]]' <"$TMP/look" >/dev/null; then
    ok "blocking-in-poll: $n seizes, blocking_in_poll names cfg_lock"
  else
    fail "blocking-in-poll: $n seizes; $(head -c 300 "$TMP/look")"
  fi
}
finish
