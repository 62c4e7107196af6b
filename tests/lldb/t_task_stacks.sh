#!/usr/bin/env bash
# TW_BACKTRACE=fp in lldb: `tw task ID` names the frames of the stack a philosopher blocked at
# through lldb's symbols — block_stack holds the example's philosopher function at its await
# line in deadlock.c — and the 'blocked at:' frames read exactly as gdb prints them.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin; need_attach
export TW_BACKTRACE=fp
start_example deadlock
unset TW_BACKTRACE
t=$(lldb_pid "$EX_PID" 'tw tasks --json')
id=$(echo "$t" | jsonq '[x["id"] for x in j["tasks"] if x["name"] == "philosopher-1"][0]') || fail "no philosopher-1: $t"
line=$(echo "$t" | jsonq "[x['await']['line'] for x in j['tasks'] if x['id'] == $id][0]") || fail "no await line"
blocked() { sed -n '/^  blocked at:$/,/^  [^ ]/p' | grep '^    #'; }
out=$(lldb_pid "$EX_PID" "tw task $id --json" "tw task $id")
echo "$out" | jsonq "[f for f in j['task']['block_stack'] if f['func'] == 'philosopher' and (f['file'] or '').endswith('deadlock.c') and f['line'] == $line]" >/dev/null \
  || fail "block_stack lacks philosopher (deadlock.c:$line): $(echo "$out" | grep '^{' | head -c 1500)"
echo "$out" | jsonq "[f for f in j['task']['spawn_stack'] if f['func'] == 'main']" >/dev/null || fail "spawn_stack lacks main"
l=$(echo "$out" | blocked)
echo "$l" | grep -qE "^    #[0-9]+ +0x[0-9a-f]+ philosopher \(deadlock\.c:$line\)$" || fail "text lacks philosopher (deadlock.c:$line): $l"
g=$(gdb_pid "$EX_PID" "tw task $id" | blocked)
[ "$l" = "$g" ] || fail "lldb's 'blocked at:' frames differ from gdb's:
$l
--- gdb:
$g"
pass "tw task $id: block_stack names philosopher (deadlock.c:$line), the same frames as gdb's"
