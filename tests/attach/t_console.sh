#!/usr/bin/env bash
# End to end through the console: `tw deadlocks --pid PID --json` and `--core CORE --exe EXE
# --json` on the hanging programs (a certain deadlock live; from a core, certain for mutex
# cycles and "possible" for the rest) and on healthy ones (never a certain deadlock).
# Fails when build/bin/tw or libtwcore is missing: make test builds them first.
. "$(dirname "$0")/lib.sh"
if [ ! -x "$TW" ] || [ ! -e build/lib/libtwcore.so ]; then
  echo "FAIL: t_console: build/bin/tw or libtwcore is not built (make all builds them)"; exit 1
fi
# jcheck EXPR: evaluates EXPR over the JSON object `j` read from stdin
jcheck() { python3 -c 'import json,sys; j=json.loads(sys.stdin.read().strip().splitlines()[-1]); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"; }
certain='any(d["certain"] for d in j["deadlocks"])'
cycle2='any(d["certain"] and sum(1 for e in d["chain"] if "task" in e)==2 for d in j["deadlocks"])'
cycle3='any(d["certain"] and sum(1 for e in d["chain"] if "task" in e)==3 for d in j["deadlocks"])'
possible='j["deadlocks"] and not any(d["certain"] for d in j["deadlocks"])'
named='any(e.get("name") in ("first","second") for d in j["deadlocks"] for e in d["chain"] if "resource" in e)'
check() { # NAME LIVE-EXPR CORE-EXPR
  local s=$1 live=$2 core=$3 bin=$FX/$1.tw
  gcc -std=gnu11 -D_GNU_SOURCE -g -O0 -pthread -o "$bin" tests/attach/progs/$s.c || fail "cannot build $s"
  start "$bin"
  for try in $(seq 1 10); do # let a loaded machine bring every thread to its blocking call
    out=$(timeout 30 "$TW" deadlocks --pid "$PID" --json) || fail "$s: tw deadlocks --pid exited $?: $out"
    echo "$out" | jcheck "$live" && break
    sleep 0.5
  done
  echo "$out" | jcheck "$live" || fail "$s live: $live does not hold: $(echo "$out" | cut -c1-300)"
  kill -0 "$PID" 2>/dev/null || fail "$s: the process did not survive tw"
  timeout 60 gcore -o "$bin.core" "$PID" >/dev/null 2>&1 || fail "gcore $s"
  out=$(timeout 30 "$TW" deadlocks --core "$bin.core.$PID" --exe "$bin" --json) || fail "$s: tw deadlocks --core exited $?"
  echo "$out" | jcheck "$core" || fail "$s core: $core does not hold: $(echo "$out" | cut -c1-300)"
  rm -f "$bin.core.$PID"
  kill -9 "$PID"
}
check abba "$cycle2 and $named" "$cycle2 and $named"
check cycle3 "$cycle3" "$cycle3"
check pi_robust "$cycle2" "$cycle2"
# a condvar wait reads as written, with the mutex read back from the caller's code
waitexpr='any(e["await"]["expr"]=="pthread_cond_wait(&done, &lock)" for d in j["deadlocks"] for e in d["chain"] if "task" in e)'
check cond_lost "$certain and $waitexpr" "$possible and $waitexpr"
for s in mutex_sem philosophers join_forever rw_starve; do
  check $s "$certain" "$possible"
done
check timed "not ($certain)" "not ($certain)"
for s in prodcons pool; do
  bin=$FX/$s.tw
  gcc -std=gnu11 -D_GNU_SOURCE -g -O2 -pthread -o "$bin" tests/attach/progs/$s.c || fail "cannot build $s"
  start "$bin"
  for i in 1 2 3 4 5; do
    out=$(timeout 30 "$TW" deadlocks --pid "$PID" --json) || fail "$s: tw exited $?"
    echo "$out" | jcheck "not ($certain)" || fail "$s: a certain deadlock on a healthy program: $out"
  done
  kill -9 "$PID"
done
echo "t_console: tw deadlocks --pid/--core --json right on 9 hanging and 2 healthy programs"
