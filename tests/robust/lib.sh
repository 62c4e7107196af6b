# tests/robust/lib.sh — helpers for the never-hurt-the-host tests (source it; runs from the
# project root). Every process a test starts is killed on exit, its files removed.
set -u
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." || exit 1
TW=${TW:-build/bin/tw}
BIN=build/tests/robust
TEST=$(basename "$0" .sh)
. tests/lib/procs.sh robust
FAILS=0
fail() { echo "  FAIL $TEST: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "  ok   $TEST: $*"; }
finish() { [ "$FAILS" -eq 0 ]; exit $?; }
# check DESCRIPTION CMD...: ok when CMD succeeds, else fail with its output
check() {
  local what=$1; shift
  local out; out=$("$@" 2>&1) && ok "$what" || fail "$what: $(echo "$out" | tail -3)"
}

# launch OUT LINE [ENV=V...] CMD...: start CMD (stdout+stderr to OUT) in the background and wait
# until OUT holds LINE (30 s guard against hangs). Sets PID.
launch() {
  local out=$1 line=$2; shift 2
  launch_until "$out" "$line" 30 env "$@" || { fail "$* $LAUNCH_ERR"; return 1; }
}
# wait_line OUT LINE [SECONDS]: wait until OUT holds LINE (hang guard, default 60 s)
wait_line() {
  for _ in $(seq 1 $((${3:-60} * 10))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
# field OUT KEY: the value of KEY=VALUE in the last line of OUT that has it
field() { grep -o "\b$2=[^ ]*" "$1" | tail -1 | cut -d= -f2; }

# jpy EXPR: a Python expression over the first JSON object on stdin (`j`); prints it, and
# exits 1 when it is false, None or empty
jpy() { python3 -c '
import json, sys
t = sys.stdin.read(); i = t.find("{")
j = json.loads(t[i:]) if i >= 0 else None
v = eval(sys.argv[1]); print(json.dumps(v) if not isinstance(v, str) else v)
sys.exit(0 if v not in (None, False, [], {}, "") else 1)' "$1"; }
# jpy_on JSON EXPR: jpy over a string
jpy_on() { echo "$1" | jpy "$2"; }
