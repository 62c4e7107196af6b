#!/usr/bin/env bash
# Exit statuses and argument mistakes (docs/console.md "Exit status"): every not-found is 2
# (task, resource, event, a running task's stack), usage mistakes are 1 with one sentence that
# helps (did you mean, at -3, a target given twice, a wrong --exe), a truncated core is 5 and
# says so, a script-mode console whose line failed exits non-zero, and --json is honoured by
# pause, resume, snapshot and export or refused in one sentence.
. tests/console/lib.sh
start_example deadlock || finish
P=$EX_PID

expect_status 2 "no task 999 is not found" -- $TW task 999 --pid $P
expect_status 2 "no resource 999 is not found" -- $TW resource 999 --pid $P
expect_status 2 "why of no task is not found" -- $TW why 999 --pid $P
expect_status 2 "an event outside the history is not found" -- $TW at 999999999 --pid $P
grep -q "no event #999999999" "$TMP/err" || fail "at: $(cat "$TMP/err")"
expect_status 2 "bt of a task that does not exist is not found" -- $TW bt 999 --pid $P
expect_status 2 "pause of a task that does not exist is not found" -- $TW pause 999 --pid $P
expect_status 1 "a typo gets a suggestion" -- $TW taks --pid $P
grep -q "did you mean 'tasks'" "$TMP/err" || fail "no suggestion: $(cat "$TMP/err")"
expect_status 1 "at -3 explains itself" -- $TW at -3 --pid $P
grep -q "back 3" "$TMP/err" && ! grep -q "is not a number" "$TMP/err" || fail "at -3: $(cat "$TMP/err")"
expect_status 1 "--pid given twice is refused" -- $TW tasks --pid $P --pid 1
grep -q "given twice" "$TMP/err" || fail "--pid twice: $(cat "$TMP/err")"

# a script-mode console: a failed line makes the status non-zero, later lines still run
out=$(printf 'taks\nsummary\n' | timeout 30 $TW console --pid $P 2>"$TMP/err"); rc=$?
[ "$rc" != 0 ] && echo "$out" | grep -q "^TurboWish" && grep -q "did you mean 'tasks'" "$TMP/err" \
  && ok "script console: a failed line gives exit $rc, the next line still runs" || fail "script console: rc=$rc out=$out err=$(cat "$TMP/err")"
out=$(printf 'summary\n' | timeout 30 $TW console --pid $P); rc=$?
[ "$rc" = 0 ] && ok "script console with no failed line exits 0" || fail "script console: rc=$rc"
printf 'ps\n' | timeout 30 $TW console --pid $P >/dev/null 2>"$TMP/err"
grep -q "command of the tw program" "$TMP/err" && ok "ps in the REPL says where it works" || fail "ps in the REPL: $(cat "$TMP/err")"
printf 'help\n' | timeout 30 $TW console --pid $P >"$TMP/help"
sed -n '/^TurboWish/,/^Commands of the tw program/p' "$TMP/help" | grep -qE '^  (ps|snapshot|export|top|console|run) ' \
  && fail "the REPL's help lists commands that do not work there: $(cat "$TMP/help")" || ok "the REPL's help lists only what works there"

# --json: answered, or refused in one sentence
j=$(timeout 30 $TW pause 1 --pid $P --json) && echo "$j" | jpy 'j["ok"] and j["op"] == "pause" and j["task"] == 1' >/dev/null \
  && ok "pause --json answers JSON" || fail "pause --json: $j"
j=$(timeout 30 $TW resume 1 --pid $P --json) && echo "$j" | jpy 'j["ok"] and j["op"] == "resume"' >/dev/null \
  && ok "resume --json answers JSON" || fail "resume --json: $j"
j=$(timeout 60 $TW snapshot --pid $P -o "$TMP/s.tw" --json) && echo "$j" | jpy 'j["file"].endswith("s.tw") and j["bytes"] > 0' >/dev/null \
  && ok "snapshot --json answers JSON" || fail "snapshot --json: $j"
j=$(timeout 60 $TW export --file "$TMP/s.tw" --format dot -o "$TMP/g.dot" --json) && echo "$j" | jpy 'j["format"] == "dot"' >/dev/null \
  && ok "export --json answers JSON" || fail "export --json: $j"
expect_status 1 "top --json is refused" -- $TW top --pid $P --json
expect_status 2 "bt of a snapshot's task: the stacks are not there" -- $TW bt 3 --file "$TMP/s.tw"

# cores: a nonexistent --exe, a wrong --exe, a truncated core
kill -STOP $P
timeout 300 gcore -o "$TMP/core" $P >/dev/null 2>&1
kill -CONT $P
C=$TMP/core.$P
if [ -s "$C" ]; then
  expect_status 2 "a nonexistent --exe is not found" -- $TW tasks --core "$C" --exe /nonexistent/prog
  expect_status 1 "a wrong --exe for a core is refused" -- $TW tasks --core "$C" --exe build/examples/busy
  grep -q "not the program of core file" "$TMP/err" || fail "wrong --exe: $(cat "$TMP/err")"
  expect_status 0 "the right --exe is accepted" -- $TW tasks --core "$C" --exe build/examples/deadlock
  head -c $(( $(stat -c %s "$C") / 2 )) "$C" > "$TMP/half.core"
  expect_status 5 "a truncated core says it is truncated" -- $TW tasks --core "$TMP/half.core"
  grep -q "truncated" "$TMP/err" || fail "truncated core: $(cat "$TMP/err")"
else
  fail "gcore wrote no core of $P"
fi
finish
