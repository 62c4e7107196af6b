# tests/console/lib.sh — helpers for the console's integration tests (source it from the
# project root). Every process a test starts is killed on exit.
set -u
TW=${TW:-build/bin/tw}
. tests/lib/procs.sh con
TMUX_SOCK="tw-test-$$"
on_exit_extra() { tmux -L "$TMUX_SOCK" kill-server 2>/dev/null; }
FAILS=0
fail() { echo "  FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "  ok: $*"; }
finish() { [ "$FAILS" -eq 0 ]; exit $?; }

# start_example NAME -> EX_PID, waits for "tw-example: ready" (10 s guard against hangs)
start_example() {
  local bin=build/examples/$1
  [ -x "$bin" ] || { fail "$bin is not built (make all builds it)"; return 1; }
  launch_ready "$TMP/$1.out" 10 "$bin" || { fail "example $1 $LAUNCH_ERR"; return 1; }
  EX_PID=$PID
}

# expect_status WANT DESCRIPTION -- CMD...: runs CMD (10 s guard), checks exit status and
# that stderr is one line when it fails.
expect_status() {
  local want=$1 what=$2; shift 3
  timeout 10 "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ "$rc" != "$want" ]; then fail "$what: exit $rc, want $want ($(head -c 200 "$TMP/err"))"; return 1; fi
  if [ "$want" != 0 ] && [ "$(wc -l <"$TMP/err")" != 1 ]; then fail "$what: stderr is not one sentence: $(cat "$TMP/err")"; return 1; fi
  ok "$what -> $rc $(head -c 120 "$TMP/err")"
}

# jq-like: python expression over the first JSON object line on stdin
jpy() { python3 -c '
import json, sys
for line in sys.stdin:
    i = line.find("{")
    if i < 0: continue
    try: j = json.loads(line[i:])
    except Exception: continue
    v = eval(sys.argv[1]); print(json.dumps(v) if not isinstance(v, str) else v); sys.exit(0 if v not in (None, False, [], {}, "") else 1)
sys.exit(1)' "$1"; }

# A deadlock chain as (kind, id, name) rotated to its smallest task id, for comparing frontends.
NORM='(lambda c: (lambda t: t[min([i for i,x in enumerate(t) if x[0]=="task"], key=lambda i: t[i][1]):] + t[:min([i for i,x in enumerate(t) if x[0]=="task"], key=lambda i: t[i][1])])([("task",e["task"],e.get("name")) if "task" in e else ("resource",e.get("resource"),e.get("name")) for e in c]))'
