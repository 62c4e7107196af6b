#!/usr/bin/env bash
# Healthy busy programs (condvar producer/consumer under load, a thread pool) sampled
# repeatedly, live and from cores: never a mutex cycle, never "everything blocked" in two
# agreeing samples. And being sampled must not harm them: the pool, given a job count,
# finishes with exactly the result it would have without us.
. "$(dirname "$0")/lib.sh"
for s in prodcons pool; do
  for variant in g O2; do
    flags="-g -O0"; [ $variant = O2 ] && flags="-g -O2"
    bin=$FX/$s.$variant
    gcc -std=gnu11 -D_GNU_SOURCE $flags -pthread -o "$bin" tests/attach/progs/$s.c || fail "cannot build $s"
    start "$bin"
    for i in $(seq 1 8); do
      out=$(timeout 20 "$DUMP" pid "$PID" 2) || fail "$s: collector failed: $out"
      echo "$out" | $CHECK "$s" live >/dev/null || { echo "$out"; fail "$s/$variant live sample $i"; }
    done
    for i in 1 2; do
      timeout 60 gcore -o "$FX/$s.core" "$PID" >/dev/null 2>&1 || fail "gcore $s"
      out=$(timeout 20 "$DUMP" core "$FX/$s.core.$PID" "$bin") || fail "$s core collector failed"
      echo "$out" | $CHECK "$s" core >/dev/null || { echo "$out"; fail "$s/$variant core $i"; }
      rm -f "$FX/$s.core.$PID"
    done
    kill -9 "$PID"
  done
done
echo "t_healthy: prodcons and pool (-g, -O2) sampled 8x live and 2x from cores: never stuck"

# The process continues unharmed: 200000 jobs with 30 samples taken while it works.
bin=$FX/pool.g
start "$bin" 200000
for i in $(seq 1 30); do
  kill -0 "$PID" 2>/dev/null || break
  timeout 20 "$DUMP" pid "$PID" 1 >/dev/null 2>&1
done
for _ in $(seq 1 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$PID" 2>/dev/null && fail "the sampled pool did not finish its jobs"
grep -q '^done 200000 total 600000$' "$bin.out" || fail "the sampled pool's result is wrong: $(tail -1 "$bin.out")"
echo "t_healthy: a pool sampled 30 times while working finished all 200000 jobs correctly"

# Every stop of alarm_sem looks alike (its one thread in sem_wait on a semaphore at 0), yet a
# signal handler posts it five times a second: two agreeing stops are not proof; the thread's
# context switches, read while it ran between them, are.
bin=$FX/alarm_sem
gcc -std=gnu11 -D_GNU_SOURCE -g -O2 -pthread -o "$bin" tests/attach/progs/alarm_sem.c || fail "cannot build alarm_sem"
start "$bin"
possible=0   # never certain; possible when a stop finds the thread in sem_wait (a loaded host may not)
for i in $(seq 1 10); do
  out=$(timeout 30 build/bin/tw deadlocks --pid "$PID" --json) || fail "alarm_sem: tw deadlocks failed: $out"
  echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin)["deadlocks"]; sys.exit(0 if not any(x["certain"] for x in d) else 1)' \
    || fail "alarm_sem sample $i: certain: $(echo "$out" | cut -c1-600)"
  echo "$out" | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin)["deadlocks"]) == 1 else 1)' && possible=$((possible + 1))
done
[ $possible -ge 1 ] || fail "alarm_sem: no sample of 10 found the thread in sem_wait, so none tested the proof"
kill -0 "$PID" 2>/dev/null || fail "alarm_sem died while sampled"
kill -9 "$PID"
echo "t_healthy: alarm_sem (alike stops, the thread ran between them) sampled 10x by tw: possible, never certain"
