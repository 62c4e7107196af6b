#!/usr/bin/env bash
# Figures true at the moment shown, on the deadlock example (four philosophers blocked for good
# beside a heartbeat): idle includes the wait in progress, live (growing with the wall clock), on
# a gcore'd core and in a snapshot (up to the image's newest timestamp); a view rewound to an
# event shows the idle time of that moment; and every event keeps its number and its fields in
# every read, live and core, so `at SEQ` names the same event everywhere.
. tests/console/lib.sh
start_example deadlock || finish
P=$EX_PID
EXE=build/examples/deadlock
# idle_ns of philosopher-0 (task 2) in the JSON on stdin
idle2() { jpy '[t["idle_ns"] for t in j["tasks"] if t["id"]==2][0]'; }

sleep 2
t0=$(date +%s%N)
i0=$($TW tasks --pid "$P" --json | idle2)
[ "${i0:-0}" -ge 2000000000 ] && ok "live: philosopher-0 blocked since before ready shows idle ${i0} ns (>= 2 s)" \
  || fail "live: philosopher-0 idle ${i0:-?} ns after 2 s blocked"
sleep 1
i1=$($TW tasks --pid "$P" --json | idle2)
t1=$(date +%s%N)
# the wait goes on: idle grew by at least the 1 s slept (read times bracket it)
[ $((i1 - i0)) -ge 1000000000 ] && [ $((i1 - i0)) -le $((t1 - t0 + 100000000)) ] \
  && ok "live: idle grows with the wall clock (+$((i1 - i0)) ns in $((t1 - t0)) ns)" || fail "live: idle went from $i0 to $i1 in $((t1 - t0)) ns"
$TW task 2 --pid "$P" | grep -qE 'idle [3-9][0-9.]*s|idle [0-9]{2,}[0-9.]*s' && ok "tw task shows seconds of idle" \
  || fail "tw task: $($TW task 2 --pid "$P" | grep idle)"

CORE=$TMP/core
timeout 300 gcore -o "$CORE" "$P" >/dev/null 2>&1 || fail "gcore failed"
CORE=$CORE.$P
ic=$($TW tasks --core "$CORE" --exe "$EXE" --json | idle2)
# the heartbeat stamps an event every 100 ms: the core's time is within that of the gcore
[ "${ic:-0}" -ge "$i1" ] && ok "core: idle ${ic} ns >= the live figure read before the gcore (${i1})" \
  || fail "core: idle ${ic:-?} ns < ${i1} read live before the gcore"
$TW snapshot --pid "$P" -o "$TMP/snap" >/dev/null || fail "snapshot"
is=$($TW tasks --file "$TMP/snap" --json | idle2)
[ "${is:-0}" -ge "$ic" ] && ok "snapshot: idle ${is} ns >= the core's (${ic})" || fail "snapshot: idle ${is:-?} ns < the core's ${ic}"

# history rewinds the times: at philosopher-0's last poll_end it had not waited yet
seq=$($TW log 100000 --core "$CORE" --exe "$EXE" --json | jpy '[e["seq"] for e in j["events"] if e["task"]==2 and e["type"]=="poll_end"][-1]')
ia=$(printf 'at %s\ntasks --json\n' "$seq" | $TW console --core "$CORE" --exe "$EXE" 2>&1 | idle2)
[ -n "$ia" ] && [ "$ia" -lt 100000000 ] && ok "at #$seq (philosopher-0's last poll_end) idle is ${ia} ns, not the present ${ic}" \
  || fail "at #$seq idle is ${ia:-?} ns (present ${ic})"

# stable event numbers: the same event, the same number and fields, in two live reads and the core
$TW log 100000 --pid "$P" --json >"$TMP/log1"
sleep 0.5
$TW log 100000 --pid "$P" --json >"$TMP/log2"
$TW log 100000 --core "$CORE" --exe "$EXE" --json >"$TMP/logc"
r=$(python3 - "$TMP/log1" "$TMP/log2" "$TMP/logc" <<'EOF'
import json, sys
logs = [{e["seq"]: e for e in json.loads(open(f).read())["events"]} for f in sys.argv[1:]]
a, b, c = logs
both = set(a) & set(b)
bad = [s for s in both if a[s] != b[s]] + [s for s in set(a) & set(c) if a[s] != c[s]]
print(len(both), len(set(a) & set(c)), len(bad), bad[:3])
sys.exit(1 if bad or len(both) < 10 or len(set(a) & set(c)) < 10 else 0)
EOF
) && ok "the same event has the same seq and fields in two live reads and the core (shared: $r)" || fail "event numbers moved: $r"
one=$(jpy '[e for e in j["events"] if e["task"]==2][0]' <"$TMP/logc")
s1=$(echo "{\"e\":$one}" | jpy 'j["e"]["seq"]')
for src in "--pid $P" "--core $CORE --exe $EXE" "--file $TMP/snap"; do
  got=$($TW at "$s1" $src --json | jpy '[j["event"][k] for k in ("seq","ts_ns","type","task")]')
  want=$(echo "{\"e\":$one}" | jpy '[j["e"][k] for k in ("seq","ts_ns","type","task")]')
  [ "$got" = "$want" ] && ok "at $s1 ($src) names $want" || fail "at $s1 ($src): $got, want $want"
done
finish
