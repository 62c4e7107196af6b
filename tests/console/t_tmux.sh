#!/usr/bin/env bash
# The mock monitor: `tw top` and `tw console` driven through tmux on a scenario snapshot (no
# timing luck: the snapshot never changes), asserting on what the screen shows.
. tests/console/lib.sh
SNAP=build/scenarios/abba.tw
[ -f "$SNAP" ] || { fail "$SNAP is not built (make all builds it)"; finish; }
command -v tmux >/dev/null || { echo "  SKIP: no tmux"; finish; }
T="tmux -L $TMUX_SOCK"
screen() { $T capture-pane -p -t tw; }
# wait_for TEXT: poll the screen up to 10 s
wait_for() { for _ in $(seq 1 50); do screen | grep -q $GREPF -- "$1" && return 0; sleep 0.2; done; return 1; }
GREPF=
check() { if wait_for "$1"; then ok "$2"; else fail "$2: screen lacks '$1'"; screen | sed 's/^/    | /' | head -30; fi; }

# A session that outlives the others keeps the server up: killing the last session makes the
# server exit, and a new-session racing that exit fails ("server exited unexpectedly").
$T new-session -d -s keep "sleep 600"
$T new-session -d -s tw -x 160 -y 45 "$TW top --file $SNAP; sleep 30"
check "tw top" "top starts on a snapshot"
check "ALERT" "top shows the alert banner"
check "alpha" "top lists task alpha"
check "beta" "top lists task beta"
$T send-keys -t tw a
check "problem view" "a opens the problem view"
check "lock-b" "the problem view shows the deadlock chain through lock-b"
check "\\-\\-\\-\\- " "the problem view shows the alert's doc page section"
if [ -f docs/alerts/deadlock.md ]; then
  GREPF=-F check "$(grep -m1 -P '^[\x20-\x7e]{30,}$' docs/alerts/deadlock.md | cut -c1-30)" "the problem view shows the text of docs/alerts/deadlock.md"
fi
$T send-keys -t tw Escape
sleep 0.5
$T send-keys -t tw s
check "sorted by name" "s sorts the task list"
$T send-keys -t tw Enter
check "(Esc/q back" "Enter opens a task record"
$T send-keys -t tw q
sleep 0.3
$T send-keys -t tw d
check "deadlocks" "d shows the deadlocks"
$T send-keys -t tw q
$T send-keys -t tw b
check "as of event" "b steps history back (as of shown)"
$T send-keys -t tw n
$T send-keys -t tw p
check "snapshot\|live\|cannot\|not" "p on a snapshot says why it cannot pause"
$T send-keys -t tw q
sleep 0.5
$T kill-session -t tw 2>/dev/null

$T new-session -d -s tw -x 160 -y 45 "$TW console --file $SNAP; echo REPL-EXITED; sleep 30"
check "^tw>" "console shows its prompt"
$T send-keys -t tw "dead" Tab
check "tw> deadlocks" "tab completes a command"
$T send-keys -t tw Enter
check "lock-a" "deadlocks shows the cycle in the REPL"
$T send-keys -t tw "why 1" Enter
sleep 0.5
$T send-keys -t tw Up Up Enter
sleep 0.5
[ "$(screen | grep -c 'tw> deadlocks')" -ge 2 ] && ok "history recalls an earlier command" || fail "history recall"
$T send-keys -t tw "quit" Enter
check "REPL-EXITED" "quit leaves the REPL"
$T kill-session -t tw 2>/dev/null

# scripts: commands from stdin when it is not a terminal
out=$(printf 'tasks --json\nback 2\ntasks --json\nnow\nbogus\nquit\ntasks\n' | $TW console --file "$SNAP" 2>"$TMP/err")
[ "$(echo "$out" | grep -c '^{')" = 2 ] && ok "console reads commands from stdin" || fail "stdin console output: $out"
python3 - "$out" <<'PY' && ok "history moves persist between REPL commands" || fail "as_of did not change after back 2"
import json, sys
objs = [json.loads(l) for l in sys.argv[1].splitlines() if l.startswith("{")]
sys.exit(0 if objs[0].get("as_of") is None and objs[1].get("as_of") is not None else 1)
PY
grep -q "unknown command 'bogus'" "$TMP/err" && ok "an unknown REPL command is one sentence, and the REPL goes on" || fail "bogus: $(cat "$TMP/err")"
finish
