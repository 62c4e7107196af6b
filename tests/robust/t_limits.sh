#!/usr/bin/env bash
# Point 5 of issue 11, the region's limits: a full task table, a full resource table, a full
# string arena, rings that overflow, and TW_LOG_EVENTS=0. The program (host_limits: 20
# resources, 50 tasks, 2070 events when nothing is full) runs on in every case, and tw shows
# what was not recorded, counted exactly.
. "$(dirname "$0")/lib.sh"
# run NAME ENV...: start host_limits with ENV; sets PID, OUT; S (summary) and A (alerts) JSON
run() {
  local name=$1; shift
  OUT=$TMP/$name.out
  launch "$OUT" 'tw-example: ready' "$@" $BIN/host_limits || return 1
  S=$(timeout 30 $TW summary --pid "$PID" --json) A=$(timeout 30 $TW alerts --pid "$PID" --json)
  echo "    $name ($*): $(grep '^limits' "$OUT" | cut -d' ' -f2-)"
  echo "    tw: $(echo "$S" | jpy '"tasks %d, resources %d, events %s" % (j["tasks_total"], j["resources_total"], j["events"])')"
  echo "    tw alerts: $(echo "$A" | jpy '[a["message"] for a in j["alerts"] if a["kind"] == "dropped_events"]')"
}
alive() { kill -0 "$PID" 2>/dev/null && timeout 30 $TW validate --pid "$PID" >/dev/null; }

run tables TW_MAX_TASKS=8 TW_MAX_RESOURCES=5 && {
  check "tables full: the program ran on (42 spawns and 15 creates returned 0)" \
    test "$(field "$OUT" tasks_full)/$(field "$OUT" resources_full)" = 42/15
  check "tables full: tw shows the 8 tasks and 5 resources that fit, and every event of theirs" \
    jpy_on "$S" "j['tasks_total'] == 8 and j['resources_total'] == 5 and j['events']['recorded'] == $(field "$OUT" events) and j['events']['dropped'] == 0"
  check "tables full: dropped_events counts the 42 tasks and 15 resources not recorded" \
    jpy_on "$A" "any('42 tasks and 15 resources not recorded' in a['message'] for a in j['alerts'] if a['kind'] == 'dropped_events')"
  check "tables full: still running, region valid" alive
}

run strings TW_STRINGS_BYTES=64 && {
  unnamed=$( (timeout 30 $TW tasks --pid "$PID" --json; echo; timeout 30 $TW resources --pid "$PID" --json) | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    if line.strip():
        j = json.loads(line)
        n += sum(1 for x in j.get("tasks", []) if x["name"] == "?")
        n += sum(1 for x in j.get("resources", []) if x["name"] == "%s#%d" % (x["kind"], x["id"]))
print(n)')
  # 64 bytes hold "res-00", the thread name and res-01..06: every other name did not fit
  check "arena full: every event recorded, the $unnamed tasks and resources whose names did not fit are shown as ? and KIND#ID" \
    jpy_on "$S" "j['tasks_total'] == 50 and j['resources_total'] == 20 and j['events']['recorded'] == $(field "$OUT" events) and $unnamed == 63"
  check "arena full: dropped_events counts the $unnamed strings that did not fit" \
    jpy_on "$A" "any('$unnamed strings did not fit' in a['message'] for a in j['alerts'])"
  check "arena full: still running, region valid" alive
}

run ring TW_LOG_EVENTS=16 && {
  ev=$(field "$OUT" events)
  # readers leave out the oldest slot of a wrapped ring: a writer may be rewriting it right now
  check "ring overflow: $ev recorded, the newest 15 retained, the rest counted as overwritten, none dropped" \
    jpy_on "$S" "j['events']['recorded'] == $ev and j['events']['retained'] == 15 and j['events']['dropped'] == 0 and j['horizon'] == $ev - 15"
  check "ring overflow: tw log says how far back history reaches and how much was overwritten" \
    bash -c "timeout 30 $TW log 5 --pid $PID | grep -q 'older events overwritten'"
  check "ring overflow: still running, region valid" alive
}

run nolog TW_LOG_EVENTS=0 && {
  ev=$(field "$OUT" events)
  check "TW_LOG_EVENTS=0: the whole model, no history, all $ev events counted as dropped" \
    jpy_on "$S" "j['tasks_total'] == 50 and j['resources_total'] == 20 and j['events'] == {'recorded': 0, 'retained': 0, 'dropped': $ev}"
  check "TW_LOG_EVENTS=0: dropped_events says history is off" \
    jpy_on "$A" "any('$ev events lost (history off: TW_LOG_EVENTS=0)' in a['message'] for a in j['alerts'])"
  check "TW_LOG_EVENTS=0: still running, region valid" alive
}
finish
