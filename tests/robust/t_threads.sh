#!/usr/bin/env bash
# Point 5 of issue 11, threads exiting while others record: 200 short-lived threads in waves of
# 8 with only 3 rings to share (TW_MAX_THREADS=4): a ring goes to the next thread once its
# owner has exited, threads without one have their events counted as lost, and every event is
# accounted for. And a thread that still records from a TLS destructor after the shim gave its
# ring back (a new thread already records into it) has that event counted, not written over
# the new owner's.
. "$(dirname "$0")/lib.sh"
balance() { local t h l; t=$(field "$1" total) h=$(field "$1" heads) l=$(field "$1" events_lost)
  [ -n "$t" ] && [ $((h + l)) -eq "$t" ] && echo "heads $h + events_lost $l == emitted $t" || { echo "heads $h + events_lost $l != emitted $t"; return 1; }; }

launch "$TMP/churn.out" 'tw-example: ready' TW_MAX_THREADS=4 $BIN/thread_churn churn "$TMP/churn.tw" || finish
echo "    $(grep -h '^churn\|^region' "$TMP/churn.out" | tr '\n' ' ')"
check "churn: $(balance "$TMP/churn.out")" balance "$TMP/churn.out"
lost=$(field "$TMP/churn.out" events_lost)
# 25 waves x 5 threads without a ring x 102 events; the 3 rings are reused wave after wave
check "churn: exactly the 5 ringless threads of each wave lost their events (25 x 5 x 102 = 12750)" test "$lost" = 12750
S=$(timeout 30 $TW summary --pid "$PID" --json)
echo "    tw summary --pid: $(echo "$S" | jpy 'j["events"]')"
check "churn: tw shows them: dropped == $lost, recorded + dropped == emitted, 200 tasks" \
  jpy_on "$S" "j['events']['dropped'] == $lost and j['events']['recorded'] + j['events']['dropped'] == $(field "$TMP/churn.out" total) and j['tasks_total'] == 200"
check "churn: tw alerts names the lost events" bash -c "timeout 30 $TW alerts --pid $PID | grep -q '$lost events lost'"
check "churn: the quiescent region validates strictly" timeout 60 $TW validate --file "$TMP/churn.tw"
check "churn: every reused ring is in write order" $BIN/ring_order "$TMP/churn.tw"

launch "$TMP/late.out" 'tw-example: ready' TW_MAX_THREADS=2 $BIN/thread_churn late "$TMP/late.tw" || finish
echo "    $(grep -h '^churn\|^region' "$TMP/late.out" | tr '\n' ' ')"
check "late: $(balance "$TMP/late.out") (the destructor's event counted lost)" balance "$TMP/late.out"
check "late: the ring's new owner kept all its 81 events (spawn + 80)" \
  jpy_on "$(timeout 30 $TW log 1000 --file "$TMP/late.tw" --json)" "len([e for e in j['events'] if e['task'] == 2]) == 81"
check "late: the quiescent region validates strictly" timeout 60 $TW validate --file "$TMP/late.tw"
finish
