#!/usr/bin/env bash
# The console on the running deadlock example: discovery, one-shot JSON equal to the gdb
# plugin's, pause/resume of the heartbeat (its polls stop, then grow; the process is never
# stopped), debug --batch, bt of a parked philosopher, snapshot, exports, gcore core.
. tests/console/lib.sh
start_example deadlock || finish
P=$EX_PID
$TW ps | grep -qw "$P" && ok "tw ps lists $P" || fail "tw ps does not list $P"
$TW ps --json | jpy "[p for p in j['processes'] if p['pid']==$P and p['tasks']>0]" >/dev/null && ok "tw ps --json counts tasks" || fail "tw ps --json"
d=$($TW deadlocks --pid "$P" --json) || fail "tw deadlocks --pid exit $?"
chain=$(echo "$d" | jpy "$NORM(j['deadlocks'][0]['chain'])") && ok "deadlock chain: $(echo "$chain" | head -c 150)" || fail "no deadlock chain"
echo "$d" | jpy "j['deadlocks'][0]['certain'] and sum(1 for e in j['deadlocks'][0]['chain'] if 'task' in e)==4" >/dev/null \
  && ok "one certain deadlock of 4 philosophers" || fail "not a certain 4-task deadlock"
if [ -f build/share/gdb/turbowish.py ]; then
  for cmd in "deadlocks --json" "resources --json"; do
    g=$(timeout 60 gdb -batch -nx -x build/share/gdb/turbowish.py -p "$P" -ex "tw $cmd" 2>/dev/null | grep '^{')
    c=$($TW $cmd --pid "$P")
    if [ "$cmd" = "deadlocks --json" ]; then g=$(echo "$g" | jpy "$NORM(j['deadlocks'][0]['chain'])"); c=$(echo "$c" | jpy "$NORM(j['deadlocks'][0]['chain'])"); fi
    [ -n "$c" ] && [ "$c" = "$g" ] && ok "tw $cmd equals gdb's" || fail "tw $cmd differs from gdb: $(echo "$c" | head -c 200) vs $(echo "$g" | head -c 200)"
  done
else fail "the gdb plugin is not built (make all builds it)"; fi

hb=$($TW tasks --pid "$P" --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="heartbeat"][0]') || fail "no heartbeat task"
polls() { $TW tasks --pid "$P" --json | jpy "[t['polls'] for t in j['tasks'] if t['id']==$hb][0]"; }
$TW pause --pid "$P" "$hb" >/dev/null && ok "tw pause $hb" || fail "tw pause exit $?"
sleep 0.5; a=$(polls); sleep 1; b=$(polls)
[[ "$a" =~ ^[0-9]+$ ]] && [ "$a" = "$b" ] && ok "paused heartbeat does not poll ($a -> $b)" || fail "heartbeat polled while paused ($a -> $b)"
[ "$(awk '{print $3}' /proc/$P/stat)" != T ] && ok "process not stopped" || fail "tw pause stopped the process"
$TW tasks --pid "$P" --json | jpy "[t for t in j['tasks'] if t['id']==$hb and t['paused']]" >/dev/null && ok "task shows paused" || fail "task not shown paused"
$TW resume "$hb" --pid "$P" >/dev/null && ok "tw resume (options after the id)" || fail "tw resume exit $?"
sleep 1; c=$(polls)
[[ "$c" =~ ^[0-9]+$ ]] && [ "$c" -gt "$b" ] && ok "resumed heartbeat polls again ($b -> $c)" || fail "heartbeat not resumed ($b -> $c)"

p1=$($TW tasks --pid "$P" --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="philosopher-1"][0]')
site=$($TW tasks --pid "$P" --json | jpy "[t['await']['file'].split('/')[-1]+':'+str(t['await']['line']) for t in j['tasks'] if t['id']==$p1][0]")
bt=$($TW bt --pid "$P" "$p1" 2>&1)
echo "$bt" | grep -q "$site" && ok "tw bt shows the await site $site" || fail "tw bt lacks $site: $bt"
[ "$(echo "$bt" | grep -cE '[A-Za-z0-9_]+\.[ch]:[0-9]+')" -ge 2 ] && ok "tw bt symbolises >= 2 frames" || fail "tw bt: fewer than 2 symbolised frames"

if [ -f build/share/gdb/turbowish.py ]; then
  dbg=$(timeout 60 $TW debug --pid "$P" "$p1" --gdb --batch 2>&1)
  echo "$dbg" | grep -q philosopher-1 && ok "tw debug --gdb --batch shows the task from gdb" || fail "tw debug --batch output: $(echo "$dbg" | tail -3)"
  $TW tasks --pid "$P" --json | jpy "[t for t in j['tasks'] if t['id']==$p1 and not t['paused']]" >/dev/null && ok "debug --batch resumed the task" || fail "debug --batch left it paused"
fi

if [ -e build/lib/turbowish-lldb.so ] && command -v lldb >/dev/null; then
  dbg=$(XDG_DATA_HOME=$TMP/xdg timeout 90 $TW debug --pid "$P" "$p1" --lldb --batch 2>&1)
  echo "$dbg" | grep -q "philosopher (\|philosopher at" && echo "$dbg" | grep -q philosopher-1 && ok "tw debug --lldb --batch shows the task and its stack" || fail "lldb debug: $(echo "$dbg" | tail -3)"
fi
if command -v tmux >/dev/null; then
  # interactive: gdb opens on the task; after quitting, tw offers to resume it
  T="tmux -L $TMUX_SOCK"
  $T new-session -d -s dbg -x 150 -y 50 "$TW debug --pid $P $p1; echo DEBUG-EXIT=\$?; sleep 30"
  for _ in $(seq 60); do $T capture-pane -p -t dbg | grep -q "^(gdb)" && break; sleep 0.5; done
  $T capture-pane -p -t dbg | grep -q "philosopher-1" && ok "interactive debug shows the task in gdb" || fail "interactive debug: no task shown"
  $T send-keys -t dbg quit Enter
  for _ in $(seq 20); do
    scr=$($T capture-pane -p -t dbg)
    echo "$scr" | grep -q "resume task $p1?" && break
    echo "$scr" | grep -q "Quit anyway? (y or n) *$" && $T send-keys -t dbg y Enter
    sleep 0.5
  done
  $T capture-pane -p -t dbg | grep -q "resume task $p1?" && ok "after gdb exits, tw offers to resume" || fail "no resume offer"
  $T send-keys -t dbg Enter
  for _ in $(seq 20); do $T capture-pane -p -t dbg | grep -q "DEBUG-EXIT=0" && break; sleep 0.5; done
  $TW tasks --pid "$P" --json | jpy "[t for t in j['tasks'] if t['id']==$p1 and not t['paused']]" >/dev/null && ok "Enter (yes) resumed the task" || fail "task still paused after yes"
  $T kill-session -t dbg 2>/dev/null
fi

$TW snapshot --pid "$P" -o "$TMP/s.tw" >/dev/null && ok "snapshot written" || fail "tw snapshot exit $?"
s=$($TW deadlocks --file "$TMP/s.tw" --json | jpy "$NORM(j['deadlocks'][0]['chain'])")
[ -n "$s" ] && [ "$s" = "$chain" ] && ok "snapshot shows the same deadlock" || fail "snapshot chain differs"
timeout 10 $TW validate --file "$TMP/s.tw" >"$TMP/v" 2>&1 && ok "live snapshot validates: $(head -1 "$TMP/v")" || fail "snapshot does not validate: $(head -3 "$TMP/v")"

$TW export --pid "$P" --format perfetto -o "$TMP/t.json" >/dev/null && r=$(python3 tests/console/check_trace.py "$TMP/t.json" heartbeat 2>&1) \
  && ok "perfetto export: $r" || fail "perfetto export: $r"
$TW export --pid "$P" --format dot -o "$TMP/g.dot" >/dev/null && timeout 60 dot -Tsvg "$TMP/g.dot" >"$TMP/g.svg" && grep -q '<svg' "$TMP/g.svg" \
  && grep -q 'fork-0' "$TMP/g.dot" && ok "dot export renders with dot -Tsvg" || fail "dot export"

if command -v gcore >/dev/null; then
  timeout 60 gcore -o "$TMP/core" "$P" >/dev/null 2>&1
  core=$TMP/core.$P
  if [ -f "$core" ]; then
    k=$($TW deadlocks --core "$core" --exe build/examples/deadlock --json | jpy "$NORM(j['deadlocks'][0]['chain'])")
    [ -n "$k" ] && [ "$k" = "$chain" ] && ok "gcore core shows the same deadlock" || fail "core chain differs: $k"
    $TW tasks --core "$core" --exe build/examples/deadlock | grep -q heartbeat && ok "tw tasks --core" || fail "tw tasks --core"
    # gcore writes zeros for a mapping it cannot read whole; the runtime's stack slabs hold
    # guard pages, so the stacks may be zeros in a gcore core (t_kcore checks a kernel core).
    if $TW bt --core "$core" --exe build/examples/deadlock "$p1" 2>&1 | grep -q "$site"; then ok "tw bt --core (gcore) shows $site"
    else echo "  WARN: tw bt on the gcore core lacks $site (task stacks not in the gcore core?)"; fi
    $TW pause --core "$core" "$hb" >/dev/null 2>&1; [ $? -ne 0 ] && ok "pause on a core file is refused" || fail "pause on a core file succeeded"
  else fail "gcore made no core"; fi
fi
kill -0 "$P" && ok "the example survived everything" || fail "the example died"
finish
