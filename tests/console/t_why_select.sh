#!/usr/bin/env bash
# `why` on a select follows every branch: in select-cancel the selector waits in twrt_select to
# receive a tick or send a report; `tw resources` names the ticker as the ticks' sender and the
# archive as the reports' receiver, and `why` must name them (live and on a gcore'd core), not
# "a waker TurboWish cannot name".
. tests/console/lib.sh
start_example select-cancel || finish
P=$EX_PID
CORE=$TMP/core
timeout 300 gcore -o "$CORE" "$P" >/dev/null 2>&1 || fail "gcore failed"
for src in "--pid $P" "--core $CORE.$P --exe build/examples/select-cancel"; do
  sel=$($TW tasks $src --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="selector"][0]')
  tick=$($TW tasks $src --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="ticker"][0]')
  arch=$($TW tasks $src --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="archive"][0]')
  $TW resources $src --json | jpy "[r for r in j['resources'] if r['name']=='ticks' and r['senders']==[$tick]]" >/dev/null \
    && ok "$src: resources name ticker ($tick) as the ticks' sender" || fail "$src: ticks' senders: $($TW resources $src)"
  out=$($TW why "$sel" $src)
  echo "$out" | grep -q "ticks (channel) (empty) whose senders are ticker ($tick)" && echo "$out" | grep -q "reports (channel) (full) whose receivers are archive ($arch)" \
    && ! echo "$out" | grep -q "cannot name" && ok "$src: why names both branches' wakers" || fail "$src: why $sel: $out"
  $TW why "$sel" $src --json | jpy "[e for e in j['chain'] if e.get('resource') and e['holders']] and j['end'] != 'unknown_wakers'" >/dev/null \
    && ok "$src: why --json lists both branches with their holders" || fail "$src: why --json: $($TW why "$sel" $src --json)"
done
finish
