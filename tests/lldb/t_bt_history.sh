#!/usr/bin/env bash
# Behaviour: `tw bt ID` shows a parked philosopher's own stack, symbolised, innermost first,
# with its await site (deadlock.c:LINE) and ending at the task entry, live and from a core, with
# the same functions as gdb's; and the session keeps history: `tw back 5` then `tw tasks --json`
# is as of an event, `tw now` returns to the present.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin; need_attach
start_example deadlock
t=$(lldb_pid "$EX_PID" 'tw tasks --json' 'tw back 5' 'tw tasks --json' 'tw now' 'tw tasks --json')
id=$(echo "$t" | jsonq '[x["id"] for x in j["tasks"] if x["name"] == "philosopher-1"][0]') || fail "no philosopher-1: $t"
site=$(echo "$t" | jsonq "[x['await']['file'].split('/')[-1] + ':' + str(x['await']['line']) for x in j['tasks'] if x['id'] == $id][0]") || fail "no await site"
echo "$t" | jsonq --nth 1 'j["as_of"] is not None' >/dev/null || fail "tw back 5 then tw tasks: as_of is null"
echo "$t" | jsonq --nth 2 'j["as_of"] is None' >/dev/null || fail "tw now then tw tasks: as_of is not null"

funcs() { grep -E '^#[0-9]+ ' | sed -E 's/^#[0-9]+ +0x[0-9a-f]+ +(in +)?([A-Za-z0-9_]+).*/\2/' | tr '\n' ' '; }
bt=$(lldb_pid "$EX_PID" "tw bt $id")
echo "$bt" | grep -q "$site" || fail "lldb tw bt $id lacks $site: $bt"
[ "$(echo "$bt" | grep -cE '^#[0-9]+ +0x[0-9a-f]+ in [A-Za-z0-9_]+ \([A-Za-z0-9_/.-]+\.[chS]:[0-9]+\)$')" -ge 3 ] || fail "fewer than 3 symbolised frames: $bt"
echo "$bt" | grep -E '^#[0-9]+ ' | tail -1 | grep -q 'ctx_entry\|task_main\|entry' || fail "the walk does not end at the task entry: $(echo "$bt" | tail -2)"
g=$(gdb_pid "$EX_PID" "tw bt $id" | funcs)
l=$(echo "$bt" | funcs)
[ "$l" = "$g" ] || fail "lldb frames ($l) differ from gdb's ($g)"
# libtwcore renders bt for every frontend: lldb's text is gdb's, byte for byte
[ "$(echo "$bt" | grep -E '^#[0-9]+ ')" = "$(gdb_pid "$EX_PID" "tw bt $id" | grep -E '^#[0-9]+ ')" ] || fail "lldb's bt text differs from gdb's"
echo "$bt" | grep -q . && lldb_pid "$EX_PID" "tw bt $id --json" | jsonq 'len(j["frames"]) >= 3 and j["task"] == '"$id" >/dev/null || fail "tw bt --json"

core=$(make_core "$EX_PID")
c=$(lldb_core build/examples/deadlock "$core" "tw bt $id" 'tw back 5' 'tw tasks --json')
echo "$c" | grep -q "$site" || fail "lldb tw bt on the core lacks $site"
[ "$(echo "$c" | funcs)" = "$l" ] || fail "core stack differs from live: $(echo "$c" | funcs)"
echo "$c" | jsonq 'j["as_of"] is not None' >/dev/null || fail "core: tw back 5 then tw tasks: as_of is null"
pass "tw bt $id shows $site and ends at the entry (= gdb's frames), live and core; back/now keep as_of"
