#!/usr/bin/env bash
# How `tw top` ends: without a terminal it refuses in one sentence (status 1) instead of
# drawing into a pipe forever; with TERM unset the sentence is ours (tw:), not ncurses'; in a
# terminal q, Esc and Ctrl-C each leave with status 0, Esc promptly (ncurses' default Esc
# delay is a whole second).
. tests/console/lib.sh
SNAP=build/scenarios/abba.tw
[ -f "$SNAP" ] || { fail "$SNAP is not built (make all builds it)"; finish; }
command -v tmux >/dev/null || { echo "  SKIP: no tmux"; finish; }

expect_status 1 "tw top without a terminal refuses" -- $TW top --file "$SNAP" </dev/null
grep -q "needs a terminal" "$TMP/err" || fail "the refusal does not say a terminal is needed: $(cat "$TMP/err")"

T="tmux -L $TMUX_SOCK"
# run_top NAME ENV... : tw top in a tmux pane whose exit status lands in $TMP/NAME.rc
run_top() {
  local name=$1; shift
  rm -f "$TMP/$name.rc" "$TMP/$name.err"
  $T new-session -d -s "$name" -x 120 -y 40 "env $* $TW top --file $SNAP 2>$TMP/$name.err; echo \$? >$TMP/$name.rc; sleep 30"
}
drawn() { for _ in $(seq 1 50); do $T capture-pane -p -t "$1" | grep -q "tw top" && return 0; sleep 0.2; done; return 1; }
# ended NAME SECONDS: the status file appears within SECONDS
ended() { local n=$(( $2 * 20 )); for _ in $(seq 1 $n); do [ -s "$TMP/$1.rc" ] && return 0; sleep 0.05; done; return 1; }

run_top noterm -u TERM
if ended noterm 10; then
  [ "$(cat "$TMP/noterm.rc")" = 1 ] || fail "TERM unset: exit $(cat "$TMP/noterm.rc"), want 1"
  grep -q "^tw: .*TERM" "$TMP/noterm.err" && [ "$(wc -l <"$TMP/noterm.err")" = 1 ] \
    && ok "TERM unset: one tw: sentence, status 1" || fail "TERM unset: stderr is '$(cat "$TMP/noterm.err")'"
else fail "TERM unset: tw top did not end"; fi

for key in q Escape C-c; do
  name=k${key//-/}
  run_top "$name" TERM=xterm
  drawn "$name" || { fail "$key: top did not draw"; continue; }
  start=$(date +%s%N)
  $T send-keys -t "$name" "$key"
  # Esc must end well under ncurses' default 1 s delay; a slow shared machine gets 0.9 s
  if ended "$name" 5; then
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ "$(cat "$TMP/$name.rc")" != 0 ]; then fail "$key: exit $(cat "$TMP/$name.rc"), want 0"
    elif [ "$key" = Escape ] && [ "$ms" -ge 900 ]; then fail "Esc took ${ms} ms to leave top"
    else ok "$key leaves tw top with status 0 (${ms} ms)"; fi
  else fail "$key: tw top did not end"; fi
done
finish
