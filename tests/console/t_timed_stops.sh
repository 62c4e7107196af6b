#!/usr/bin/env bash
# A look by the console that stops the process in the middle of a long poll no longer erases that
# poll: `tw` adds how long it held the process to the control area (ABI 1.7), and the shim takes
# that time off the poll's time not preempted. Before, any stop left the poll unmeasured, so
# looking at a 3.8 s redis EVAL while it ran made `tw alerts` say "no alerts" afterwards.
# progs/one_long_poll: one poll of 1.5 s asleep in usleep; `tw tasks` 0.4 s into it stops the
# process (the poll is past the blocking_in_poll threshold) for S ms. Slack, for two roundings:
# S is printed to 0.1 ms, and the poll's time is the TSC scaled by a ratio calibrated at start
# (tens of ppm: a 1.5 s poll once read 1,499,924,187 ns). So the poll must read at least 1.49 s
# and lose at least 0.9 S.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
. tests/console/lib.sh
echo "t_timed_stops:"
bin=$TMP/one_long_poll
gcc -std=gnu11 -g -Iinclude -o "$bin" tests/console/progs/one_long_poll.c -Lbuild/lib -ltwrt -lturbowish -lpthread \
  -Wl,-rpath,"$PWD/build/lib" || { fail "cannot build one_long_poll"; finish; }
launch_ready "$TMP/olp.out" 10 "$bin" || { fail "one_long_poll $LAUNCH_ERR"; finish; }
sleep 0.4
TW_SHOW_STOPS=1 $TW tasks --pid "$PID" >"$TMP/tasks" 2>"$TMP/stops"
stop_ms=$(sed -n 's/.*collection took \([0-9.]*\) ms.*/\1/p' "$TMP/stops" | head -1)
[ -n "$stop_ms" ] || fail "tw tasks did not stop the process in the middle of the 1.5 s poll: $(cat "$TMP/stops" "$TMP/tasks" | head -c 400)"
sleep 1.6
j=$($TW task 1 --pid "$PID" --json)
echo "$j" | jpy "j['task']['max_poll_ns'] >= 1490000000 and j['task']['longest_poll_ran_ns'] is not None \
  and 1000000000 <= j['task']['longest_poll_ran_ns'] <= j['task']['max_poll_ns'] - 0.9 * $stop_ms * 1e6" >/dev/null \
  && ok "the poll a ${stop_ms} ms look crossed is measured without the stop: $(echo "$j" | jpy "'%d of %d ns' % (j['task']['longest_poll_ran_ns'], j['task']['max_poll_ns'])")" \
  || fail "the poll the look crossed (stop ${stop_ms} ms): $(echo "$j" | jpy "'max %s ran %s' % (j['task']['max_poll_ns'], j['task']['longest_poll_ran_ns'])")"
$TW task 1 --pid "$PID" | grep -qE 'longest poll: 1\.[0-9]+s, at least 1\.[0-9]+s of it not preempted' \
  && ok "tw task tells that poll's own time not preempted" || fail "tw task 1: $($TW task 1 --pid "$PID" | grep -A1 'longest poll')"
kill -9 "$PID"
finish
