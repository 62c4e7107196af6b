#!/usr/bin/env bash
# TW_BACKTRACE=fp in gdb: `tw task ID` names the frames of the stack a philosopher blocked at
# through gdb's own symbols — its block_stack holds the example's philosopher function at its
# await line in deadlock.c — text and JSON, live and on a gcore core, and the 'blocked at:'
# frames read exactly as the console prints them.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/deadlock build/bin/tw
TW_BACKTRACE=fp start build/examples/deadlock; p=$PID
t=$(gdb_pid "$p" 'tw tasks --json')
id=$(echo "$t" | json '[x["id"] for x in j["tasks"] if x["name"]=="philosopher-1"][0]') || fail "no philosopher-1"
line=$(echo "$t" | json "[x['await']['line'] for x in j['tasks'] if x['id']==$id][0]") || fail "no await line"
has_philosopher="[f for f in j['task']['block_stack'] if f['func']=='philosopher' and (f['file'] or '').endswith('deadlock.c') and f['line']==$line]"
blocked() { sed -n '/^  blocked at:$/,/^  [^ ]/p' | grep '^    #'; }

out=$(gdb_pid "$p" "tw task $id --json" "tw task $id")
no_traceback "$out" || fail "traceback: $out"
echo "$out" | json "$has_philosopher" >/dev/null || fail "live: block_stack lacks philosopher (deadlock.c:$line): $(echo "$out" | grep '^{')"
echo "$out" | json "[f for f in j['task']['spawn_stack'] if f['func']=='main']" >/dev/null || fail "live: spawn_stack lacks main"
g=$(echo "$out" | blocked)
echo "$g" | grep -qE "^    #[0-9]+ +0x[0-9a-f]+ philosopher \(deadlock\.c:$line\)$" || fail "live text lacks philosopher (deadlock.c:$line): $out"
c=$(build/bin/tw task --pid "$p" "$id" | blocked)
[ "$g" = "$c" ] || fail "gdb's 'blocked at:' frames differ from the console's:
$g
--- console:
$c"
ok "live: tw task $id shows philosopher (deadlock.c:$line) in its blocking stack, as the console does"

core=$(core_of "$p")
out=$(gdb_core build/examples/deadlock "$core" "tw task $id --json")
no_traceback "$out" || fail "core: traceback: $out"
echo "$out" | json "$has_philosopher" >/dev/null || fail "core: block_stack lacks philosopher (deadlock.c:$line): $(echo "$out" | grep '^{')"
ok "gcore core: the same"
