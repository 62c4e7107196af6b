#!/usr/bin/env bash
# Figures true at the moment shown, in gdb, on the deadlock example: philosopher-0's idle time
# includes the wait it is in (seconds, live in a stopped target and on the gcore'd core); the
# core gives gdb and the console the same figures; `tw at SEQ` rewinds them and names the same
# event as the console.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/deadlock build/bin/tw
start build/examples/deadlock
sleep 2
CORE=$TMP/deadlock.core
out=$(gdb_pid "$PID" 'tw tasks --json' "gcore $CORE")
no_traceback "$out" || fail "traceback: $out"
idle=$(echo "$out" | json '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]') || fail "no tasks JSON: $out"
[ "$idle" -ge 2000000000 ] || fail "live: philosopher-0 blocked for 2 s shows idle $idle ns"
ok "live (stopped by gdb): philosopher-0 idle $idle ns"
g=$(gdb_core build/examples/deadlock "$CORE" 'tw tasks --json' | json 'j["tasks"]')
c=$(build/bin/tw tasks --core "$CORE" --exe build/examples/deadlock --json | json 'j["tasks"]')
[ "$g" = "$c" ] || fail "gdb and the console disagree on the core: $(diff <(echo "$g" | tr ',' '\n') <(echo "$c" | tr ',' '\n') | head -4 | tr '\n' ' ')"
gi=$(echo "{\"t\":$g}" | json '[t["idle_ns"] for t in j["t"] if t["id"]==2][0]')
[ "$gi" -ge 2000000000 ] && [ "$gi" -le "$idle" ] || fail "core: idle $gi ns (live $idle)"
ok "core: gdb and the console show the same figures (philosopher-0 idle $gi ns)"
# A core holds no clock: figures run to its newest timestamp (a lower bound), and summary says
# how much later the file was written. Touched a minute later, the same image keeps its figures
# and says a minute more, in gdb and the console alike.
w1=$(build/bin/tw summary --core "$CORE" --exe build/examples/deadlock --json | json 'j["image_written_after_ns"]')
touch -d "@$(( $(stat -c %Y "$CORE") + 60 ))" "$CORE"
g2=$(gdb_core build/examples/deadlock "$CORE" 'tw tasks --json' 'tw summary --json')
c2=$(build/bin/tw summary --core "$CORE" --exe build/examples/deadlock --json | json 'j["image_written_after_ns"]')
w2=$(echo "$g2" | json --nth 1 'j["image_written_after_ns"]')
gi2=$(echo "$g2" | json '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]')
[ "$w2" = "$c2" ] || fail "core written a minute later: gdb says $w2 ns later, the console $c2 ns"
[ $((w2 - w1)) -ge 59000000000 ] && [ $((w2 - w1)) -le 60500000000 ] || fail "core touched a minute later: written $w1 -> $w2 ns after its newest timestamp"
[ "$gi2" = "$gi" ] || fail "a core's file time changed its figures: idle $gi -> $gi2 ns"
# the text says the same figure as summary's JSON (gcore on a loaded host may finish seconds
# after the newest timestamp, so it is not exactly a minute)
said=$(printf '%.2fs' "$(echo "$w2" | awk '{printf "%.6f", $1 / 1e9}')")
build/bin/tw tasks --core "$CORE" --exe build/examples/deadlock | grep -q -F "the core file was written $said later" || fail "tw tasks does not say the core was written $said later: $(build/bin/tw tasks --core "$CORE" --exe build/examples/deadlock | tail -2)"
ok "a core's figures stay its newest timestamp's; summary says the file was written $w2 ns later (gdb = console)"
seq=$(build/bin/tw log 100000 --core "$CORE" --exe build/examples/deadlock --json | json '[e["seq"] for e in j["events"] if e["task"]==2 and e["type"]=="poll_end"][-1]')
at=$(gdb_core build/examples/deadlock "$CORE" "tw at $seq --json" 'tw tasks --json')
echo "$at" | json "j['event']['seq']==$seq and j['event']['type']=='poll_end' and j['event']['task']==2" >/dev/null || fail "tw at $seq: $at"
ai=$(echo "$at" | json --nth 1 '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]')
[ "$ai" -lt 100000000 ] || fail "at #$seq (philosopher-0's last poll_end) idle is $ai ns, the present's is $gi"
ok "tw at $seq names philosopher-0's last poll_end, where its idle was $ai ns"

# A debugger holding the process stopped is not the task's poll: stop long-poll's blocker in the
# middle of its 200 ms poll for 3 s; once it ends, its longest poll not preempted stays near
# 200 ms (gdb counted its stop in control.reader_stops, so the shim left that poll unmeasured)
# and no long_poll says seconds. Without the count it reads about 3.2 s.
need build/examples/long-poll
start build/examples/long-poll
LP=$PID
stopped_mid_poll=0
for _ in 1 2 3 4 5 6 7 8; do
  out=$(gdb_pid "$LP" 'tw tasks --json' 'shell sleep 3')
  st=$(echo "$out" | json '[t["state"] for t in j["tasks"] if t["name"]=="blocking-io"][0]') || fail "no tasks JSON: $out"
  [ "$st" = polling ] && { stopped_mid_poll=1; break; }
done
[ $stopped_mid_poll = 1 ] || fail "gdb never stopped long-poll while its blocker was polling (8 tries)"
sleep 0.6
id=$(build/bin/tw tasks --pid "$LP" --json | json '[t["id"] for t in j["tasks"] if t["name"]=="blocking-io"][0]')
ran=$(build/bin/tw task "$id" --pid "$LP" --json | json 'j["task"].get("max_poll_ran_ns") or 0')
[ "$ran" -lt 1000000000 ] || fail "a 3 s gdb stop counted as the blocker's poll: longest poll not preempted $ran ns"
build/bin/tw alerts --pid "$LP" | grep -E 'long_poll.*blocking-io.*[0-9]{4}\.[0-9] ms' && fail "long_poll counts gdb's stop"
# the longest poll is the one gdb stopped: its wall time is told, never another poll's figure as its own
tj=$(build/bin/tw task "$id" --pid "$LP" --json)
echo "$tj" | json 'j["task"]["max_poll_ns"] >= 3000000000 and j["task"]["longest_poll_ran_ns"] is None' >/dev/null \
  || fail "the 3 s poll gdb stopped is not the longest, or is told as measured: $(echo "$tj" | head -c 400)"
build/bin/tw task "$id" --pid "$LP" | grep -E 'longest poll: [0-9.]+s \(not measured' >/dev/null \
  || fail "tw task does not say the longest poll was not measured: $(build/bin/tw task "$id" --pid "$LP" | grep -A1 'longest poll')"
ok "a 3 s gdb stop in the middle of a poll is not the task's: longest poll not preempted $ran ns"
