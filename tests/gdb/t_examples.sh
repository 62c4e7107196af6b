#!/usr/bin/env bash
# The region path: real gdb against every example, live and on its core (issue 5 item 5):
# the deadlock example's chain holds the four philosophers and four forks; channel-cycle is a
# certain 3-task deadlock over channels; backpressure and busy have no certain deadlock and no
# pitfall alert; long-poll, lost-waker and starvation raise their alert; select-cancel's log
# shows the cancelled send and the dropped message, and `tw at` moves the view there; and
# the same stop read live and from its gcore core renders the same JSON.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so
for ex in deadlock channel-cycle backpressure long-poll lost-waker select-cancel busy starvation; do
  need build/examples/$ex
done
CMDS=('tw tasks --json' 'tw resources --json' 'tw deadlocks --json' 'tw alerts --json' 'tw log 50 --json')
fails=()
check() { "$@" || fails+=("$MSG"); }

# live_and_core NAME: one gdb session runs CMDS live, saves a core of the same stop, detaches
# and runs CMDS on the core (tests/lib/live_core.sh); sets LIVE (the whole output: its JSON
# objects 0-4 are live, 5-9 from the core) and fails when the two halves differ. One Python
# pass compares them: a parse per check of this long output was most of the test's time.
live_and_core() {
  local ex=$1
  LIVE=$(gdb_live_core "$PID" "build/examples/$ex" "$TMP/$ex.core" "${CMDS[@]}")
  no_traceback "$LIVE" || fail "$ex: traceback: $LIVE"
  [ -s "$TMP/$ex.core" ] || fail "$ex: gdb's gcore wrote no core"
  echo "$LIVE" | python3 tests/gdb/same_live_core.py "$ex" "${CMDS[@]}" || fail "$ex: live and core differ"
}

start build/examples/deadlock
live_and_core deadlock
d=$(echo "$LIVE" | json --nth 2 'json.dumps(j)')
MSG="deadlock: not exactly one certain deadlock"
check json 'len(j["deadlocks"])==1 and j["deadlocks"][0]["certain"]' <<<"$d" >/dev/null
MSG="deadlock: chain is not philosopher-k/fork-k alternating, 4 each"
check json 'len(j["deadlocks"][0]["chain"])==8 and all(("task" in e)==(i%2==0) for i,e in enumerate(j["deadlocks"][0]["chain"])) and sorted(e["name"] for e in j["deadlocks"][0]["chain"])==sorted(["philosopher-%d"%k for k in range(4)]+["fork-%d"%k for k in range(4)])' <<<"$d" >/dev/null
MSG="deadlock: a philosopher's await site is not deadlock.c"
check json 'all(e["await"]["file"].endswith("deadlock.c") and e["await"]["line"]>0 for e in j["deadlocks"][0]["chain"] if "task" in e)' <<<"$d" >/dev/null
kill -9 "$PID"

start build/examples/channel-cycle
live_and_core channel-cycle
MSG="channel-cycle: no certain 3-task deadlock over channels"
check json --nth 2 'any(d["certain"] and sum(1 for e in d["chain"] if "task" in e)==3 and all(e["kind"]=="channel" for e in d["chain"] if "resource" in e) for d in j["deadlocks"])' <<<"$LIVE" >/dev/null
kill -9 "$PID"

for ex in backpressure busy; do
  start build/examples/$ex
  live_and_core $ex
  MSG="$ex: a certain deadlock in a healthy example"
  check json --nth 2 '"deadlocks" in j and not any(d["certain"] for d in j["deadlocks"])' <<<"$LIVE" >/dev/null
  MSG="$ex: a pitfall alert in a healthy example"
  check json --nth 3 'not any(a["kind"] in ("deadlock","long_poll","lost_waker","ready_starvation","lost_wakeup") for a in j["alerts"])' <<<"$LIVE" >/dev/null
  kill -9 "$PID"
done

for pair in long-poll:long_poll lost-waker:lost_waker starvation:ready_starvation; do
  ex=${pair%%:*}; kind=${pair##*:}
  start build/examples/$ex
  live_and_core $ex
  MSG="$ex: no $kind alert"
  check json --nth 3 "any(a['kind']=='$kind' and a['doc'].endswith('$kind.md') for a in j['alerts'])" <<<"$LIVE" >/dev/null
  kill -9 "$PID"
done

start build/examples/select-cancel
live_and_core select-cancel
ev=$(echo "$LIVE" | json --nth 4 'json.dumps([e for e in j["events"] if e["type"] in ("cancel","msg_drop")])')
MSG="select-cancel: no cancel and msg_drop events in tw log"
check json 'True' <<<"{\"x\":1}" >/dev/null
echo "{\"e\":$ev}" | json 'any(e["type"]=="cancel" for e in j["e"]) and any(e["type"]=="msg_drop" for e in j["e"])' >/dev/null || fails+=("$MSG: $ev")
seq=$(echo "{\"e\":$ev}" | json '[e["seq"] for e in j["e"] if e["type"]=="cancel"][0]' 2>/dev/null)
if [ -n "$seq" ]; then
  o=$(gdb_pid "$PID" "tw at $seq" 'tw tasks --json' 'tw now' 'tw tasks --json')
  MSG="select-cancel: tw at $seq does not show as_of=$seq"
  check json "j['as_of']==$seq" <<<"$o" >/dev/null
  MSG="select-cancel: tw now does not return to the present"
  check json --nth 1 "j['as_of'] is None" <<<"$o" >/dev/null
fi
o=$(gdb_pid "$PID" 'tw back 5' 'tw tasks --json')
MSG="tw back 5 then tw tasks: as_of not set"
check json 'j["as_of"] is not None' <<<"$o" >/dev/null
kill -9 "$PID"

[ ${#fails[@]} -eq 0 ] || fail "$(printf '%s; ' "${fails[@]}")"
ok "8 examples live and from their cores (same JSON): deadlock chain, channel cycle, no false positives, 3 alerts, select-cancel history"
