#!/usr/bin/env bash
# Calling context (TW_BACKTRACE): with fp, `tw task ID` shows where a philosopher blocked — its
# block_stack, innermost first, holds the example's philosopher function at its await line in
# deadlock.c — and where it was spawned from (main), live and identically from a gcore core;
# unwind (libunwind) records the same frame; off, the default, records no stack at all.
. tests/console/lib.sh
# frame KEY FUNC FILE [LINE]: a predicate over j["task"][KEY] for jpy
frame() { echo "[f for f in j['task']['$1'] if f['func']=='$2' and (f['file'] or '').endswith('$3')${4:+ and f['line']==$4}]"; }
ids() { # PID -> "ID LINE" of philosopher-1
  $TW tasks --pid "$1" --json | jpy "[str(x['id'])+' '+str(x['await']['line']) for x in j['tasks'] if x['name']=='philosopher-1'][0]"
}

export TW_BACKTRACE=fp
start_example deadlock || finish
unset TW_BACKTRACE
P=$EX_PID
read -r p1 line <<<"$(ids "$P")"
[ -n "$p1" ] && [ -n "$line" ] || { fail "no philosopher-1 in the fp run"; finish; }
j=$($TW task --pid "$P" "$p1" --json)
echo "$j" | jpy "$(frame block_stack philosopher deadlock.c "$line")" >/dev/null \
  && ok "live: block_stack has philosopher (deadlock.c:$line)" || fail "live block_stack: $(echo "$j" | jpy "j['task']['block_stack']")"
echo "$j" | jpy "j['task']['block_stack'][0]['func']!='philosopher' and all(f['pc'].startswith('0x') for f in j['task']['block_stack'])" >/dev/null \
  && ok "live: innermost first (the runtime's lock before philosopher), pcs in hex" || fail "block_stack order: $(echo "$j" | jpy "[f['func'] for f in j['task']['block_stack']]")"
echo "$j" | jpy "$(frame spawn_stack main deadlock.c)" >/dev/null \
  && ok "live: spawn_stack has main (deadlock.c)" || fail "live spawn_stack: $(echo "$j" | jpy "j['task']['spawn_stack']")"
$TW task --pid "$P" "$p1" | grep -A4 '^  blocked at:$' | grep -qE "^    #[0-9]+ +0x[0-9a-f]+ philosopher \(deadlock\.c:$line\)$" \
  && ok "live text: 'blocked at:' frames name philosopher (deadlock.c:$line)" || fail "text: $($TW task --pid "$P" "$p1" | grep -A5 'blocked at:')"

core=$TMP/core
timeout 60 gcore -o "$core" "$P" >/dev/null 2>&1 || fail "gcore of $P failed"
c=$($TW task --core "$core.$P" --exe build/examples/deadlock "$p1" --json)
[ -n "$c" ] && [ "$(echo "$c" | jpy "j['task']['block_stack']")" = "$(echo "$j" | jpy "j['task']['block_stack']")" ] \
  && ok "core: the same block_stack as live" || fail "core block_stack: $(echo "$c" | jpy "j['task']['block_stack']")"
echo "$c" | jpy "$(frame spawn_stack main deadlock.c)" >/dev/null && ok "core: spawn_stack has main" || fail "core spawn_stack"
rm -f "$core.$P"

export TW_BACKTRACE=unwind
start_example deadlock || finish
unset TW_BACKTRACE
read -r p1 line <<<"$(ids "$EX_PID")"
$TW task --pid "$EX_PID" "$p1" --json | jpy "$(frame block_stack philosopher deadlock.c "$line")" >/dev/null \
  && ok "unwind: block_stack has philosopher (deadlock.c:$line)" || fail "unwind block_stack: $($TW task --pid "$EX_PID" "$p1" --json | jpy "j['task']['block_stack']")"

unset TW_BACKTRACE
start_example deadlock || finish
read -r p1 line <<<"$(ids "$EX_PID")"
$TW task --pid "$EX_PID" "$p1" --json | jpy "j['task']['block_stack']==[] and j['task']['spawn_stack']==[]" >/dev/null \
  && ok "off (default): no stacks recorded" || fail "off: $($TW task --pid "$EX_PID" "$p1" --json | jpy "[j['task']['spawn_stack'], j['task']['block_stack']]")"
$TW task --pid "$EX_PID" "$p1" | grep -q 'blocked at:' && fail "off: text shows a stack" || ok "off: no 'blocked at:' section"
finish
