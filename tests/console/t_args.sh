#!/usr/bin/env bash
# The command line: options anywhere mean the same, help exists for every command, tw run
# appends the adapter to LD_PRELOAD.
. tests/console/lib.sh
SNAP=build/scenarios/abba.tw
if [ -f "$SNAP" ]; then
  a=$($TW tasks --json --file "$SNAP"); b=$($TW --file "$SNAP" tasks --json); c=$($TW tasks --file="$SNAP" --json)
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] && ok "options anywhere give the same output" || fail "option order changes the output"
  s1=$($TW --file "$SNAP"); s2=$($TW summary --file "$SNAP")
  [ -n "$s1" ] && [ "$s1" = "$s2" ] && ok "no command means summary" || fail "tw TARGET is not the summary"
fi
$TW --help | grep -q "EXIT STATUS" && ok "tw --help documents exit statuses" || fail "tw --help lacks EXIT STATUS"
$TW --help | grep -q "^TARGET" && ok "tw --help documents targets" || fail "tw --help lacks TARGET"
# per-command help is libtwcore's command table, the same words gdb and lldb print
for c in ps snapshot export top console debug run bt tasks deadlocks why; do
  $TW help "$c" | grep -q "^Usage: tw $c" || fail "tw help $c has no usage line: $($TW help "$c" | head -3)"
  [ "$($TW "$c" --help)" = "$($TW help "$c")" ] || fail "tw $c --help differs from tw help $c"
done
ok "per-command help"
expect_status 1 "help for an unknown command suggests one" -- $TW help taks
grep -q "did you mean tasks" "$TMP/err" || fail "tw help taks: $(cat "$TMP/err")"
if [ -e build/lib/libtw-pthread.so ]; then
  out=$(LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6 $TW run -- printenv LD_PRELOAD)
  [[ "$out" == /lib/x86_64-linux-gnu/libm.so.6:*/libtw-pthread.so ]] && ok "tw run appends the adapter: $out" || fail "tw run LD_PRELOAD is '$out'"
  out=$($TW run sh -c 'echo $1' x 42)
  [ "$out" = 42 ] && ok "tw run passes the program's own arguments" || fail "tw run args: '$out'"
  expect_status 2 "tw run of a missing program is not found" -- $TW run /nonexistent/prog
fi
finish
