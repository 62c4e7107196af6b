#!/usr/bin/env bash
# Exports of the busy example (10,000 healthy tasks): the Perfetto trace passes the schema
# check with wake flows, the DOT graph renders with dot -Tsvg, and nothing is a deadlock.
. tests/console/lib.sh
start_example busy || finish
P=$EX_PID
$TW export --pid "$P" --format perfetto -o "$TMP/busy.json" >/dev/null || fail "perfetto export exit $?"
r=$(python3 tests/console/check_trace.py "$TMP/busy.json" 2>&1) && ok "busy trace: $r" || fail "busy trace: $r"
echo "$r" | grep -qE ' [1-9][0-9]* flows' && ok "wakes between tasks are flows" || fail "no wake flows in a ping-pong program"
$TW export --format chrome -o "$TMP/busy2.json" --pid "$P" >/dev/null && python3 tests/console/check_trace.py "$TMP/busy2.json" >/dev/null \
  && ok "--format chrome is the same trace format" || fail "chrome export"
$TW export --pid "$P" --format dot -o "$TMP/busy.dot" >/dev/null || fail "dot export exit $?"
timeout 240 dot -Tsvg "$TMP/busy.dot" >"$TMP/busy.svg" && grep -q '<svg' "$TMP/busy.svg" && ok "busy DOT renders with dot -Tsvg" || fail "dot -Tsvg failed on the busy graph"
expect_status 1 "an unknown export format is a usage error" -- $TW export --pid "$P" --format svg -o "$TMP/x"
$TW deadlocks --pid "$P" --json | jpy 'not [d for d in j["deadlocks"] if d["certain"]]' >/dev/null && ok "busy has no certain deadlock" || fail "busy reported deadlocked"
finish
