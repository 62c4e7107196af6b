#!/usr/bin/env bash
# Figures true at the moment shown, in lldb, on the deadlock example: philosopher-0's idle time
# includes the wait it is in (seconds, live in the target lldb stops and on its gcore'd core),
# the core gives lldb and the console the same figures, and `tw at SEQ` rewinds them.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb
start_example deadlock
sleep 2
live=$(lldb_pid "$EX_PID" 'tw tasks --json')
idle=$(echo "$live" | jsonq '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]') || fail "no tasks JSON live: $(echo "$live" | tail -3)"
[ "$idle" -ge 2000000000 ] || fail "live: philosopher-0 blocked for 2 s shows idle $idle ns"
core=$(make_core "$EX_PID")
l=$(lldb_core build/examples/deadlock "$core" 'tw tasks --json' | jsonq 'j["tasks"]')
c=$(build/bin/tw tasks --core "$core" --exe build/examples/deadlock --json | jsonq 'j["tasks"]')
[ "$l" = "$c" ] || fail "lldb and the console disagree on the core: $(diff <(echo "$l" | tr ',' '\n') <(echo "$c" | tr ',' '\n') | head -4 | tr '\n' ' ')"
li=$(echo "{\"t\":$l}" | jsonq '[t["idle_ns"] for t in j["t"] if t["id"]==2][0]')
[ "$li" -ge "$idle" ] || fail "core: idle $li ns, less than $idle read live before the gcore"
# a core's figures stay its newest timestamp's; summary says how much later the file was written
touch -d "@$(( $(stat -c %Y "$core") + 60 ))" "$core"
l2=$(lldb_core build/examples/deadlock "$core" 'tw tasks --json' 'tw summary --json')
c2=$(build/bin/tw summary --core "$core" --exe build/examples/deadlock --json | jsonq 'j["image_written_after_ns"]')
w2=$(echo "$l2" | jsonq --nth 1 'j["image_written_after_ns"]')
[ "$w2" = "$c2" ] && [ "$w2" -ge 59000000000 ] || fail "core touched a minute later: lldb says written $w2 ns after its newest timestamp, the console $c2"
[ "$(echo "$l2" | jsonq '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]')" = "$li" ] || fail "a core's file time changed lldb's figures"
seq=$(build/bin/tw log 100000 --core "$core" --exe build/examples/deadlock --json | jsonq '[e["seq"] for e in j["events"] if e["task"]==2 and e["type"]=="poll_end"][-1]')
at=$(lldb_core build/examples/deadlock "$core" "tw at $seq --json" 'tw tasks --json')
echo "$at" | jsonq "j['event']['seq']==$seq and j['event']['type']=='poll_end' and j['event']['task']==2" >/dev/null || fail "tw at $seq: $at"
ai=$(echo "$at" | jsonq --nth 1 '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]')
[ "$ai" -lt 100000000 ] || fail "at #$seq (philosopher-0's last poll_end) idle is $ai ns, the present's is $li"
figs="live idle $idle ns, core $li ns (= the console's), at #$seq (its last poll_end) $ai ns"

# lldb holding the process stopped is not the task's poll: stop long-poll's blocker in the middle
# of its 200 ms poll for 3 s; its longest poll not preempted stays near 200 ms afterwards.
start_example long-poll
mid=0
for _ in 1 2 3 4 5 6 7 8; do
  out=$(lldb_pid "$EX_PID" 'tw tasks --json' 'platform shell sleep 3')
  st=$(echo "$out" | jsonq '[t["state"] for t in j["tasks"] if t["name"]=="blocking-io"][0]') || fail "no tasks JSON: $(echo "$out" | tail -3)"
  [ "$st" = polling ] && { mid=1; break; }
done
[ $mid = 1 ] || fail "lldb never stopped long-poll while its blocker was polling (8 tries)"
sleep 0.6
id=$(build/bin/tw tasks --pid "$EX_PID" --json | jsonq '[t["id"] for t in j["tasks"] if t["name"]=="blocking-io"][0]')
ran=$(build/bin/tw task "$id" --pid "$EX_PID" --json | jsonq 'j["task"].get("max_poll_ran_ns") or 0')
[ "$ran" -lt 1000000000 ] || fail "a 3 s lldb stop counted as the blocker's poll: longest poll not preempted $ran ns"
pass "$figs; a 3 s lldb stop mid-poll is not the task's (longest poll not preempted $ran ns)"
