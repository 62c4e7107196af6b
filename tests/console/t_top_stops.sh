#!/usr/bin/env bash
# `tw top` asks libtwcore again before every refresh whether the threads' facts could change
# what it shows (twc_needs_thread_facts, through twc_snapshot_take): a healthy program
# (examples/hello) is never stopped however many times the view is redrawn, and one whose task
# is blocked inside a poll (examples/blocking-in-poll) is stopped again for each refresh, not
# once at open. Counted by strace over ~2 s of the live view (it redraws about 3 times a
# second), as PTRACE_SEIZE calls on the process's main thread: one per stop.
. tests/console/lib.sh
command -v strace >/dev/null || { echo "  skip: no strace"; finish; }
command -v tmux >/dev/null || { echo "  skip: no tmux"; finish; }
echo "t_top_stops:"
T="tmux -L $TMUX_SOCK"

# stops_in_top NAME PID: tw top --pid PID under strace in a tmux pane for ~2 s, then q;
# prints how many times the process was stopped
stops_in_top() {
  local name=$1 pid=$2
  rm -f "$TMP/$name.rc" "$TMP/$name.strace"
  $T new-session -d -s "$name" -x 120 -y 40 \
    "env TERM=xterm strace -f -qq -e trace=ptrace -o $TMP/$name.strace $TW top --pid $pid 2>$TMP/$name.err; echo \$? >$TMP/$name.rc; sleep 30"
  for _ in $(seq 1 50); do $T capture-pane -p -t "$name" | grep -q "tw top" && break; sleep 0.2; done
  sleep 2
  $T send-keys -t "$name" q
  for _ in $(seq 1 100); do [ -s "$TMP/$name.rc" ] && break; sleep 0.05; done
  grep -c "PTRACE_SEIZE, $pid," "$TMP/$name.strace"
}

start_example hello && {
  n=$(stops_in_top hello "$EX_PID")
  [ "$n" = 0 ] && ok "hello: 2 s of tw top, 0 stops" || fail "hello: tw top stopped a healthy program $n times"
  kill -9 "$EX_PID"
}
start_example blocking-in-poll && {
  sleep 0.2   # its config-reader's poll past the thresholds
  n=$(stops_in_top blocked "$EX_PID")
  [ "$n" -ge 2 ] && ok "blocking-in-poll: 2 s of tw top, $n stops (one per refresh)" \
    || fail "blocking-in-poll: $n stops in 2 s of tw top, want one per refresh ($(head -c 200 "$TMP/blocked.err"))"
}
finish
