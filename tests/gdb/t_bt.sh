#!/usr/bin/env bash
# tw bt: a parked philosopher's own stack, innermost first, symbolised (FUNC (FILE:LINE)),
# through its await site deadlock.c:LINE and ending at the task's entry (no worker-thread
# frames), live, on a kernel core and on a gcore core; `tw frame ID` puts the same stack under
# gdb's own `bt`, and `tw frame none` takes it away.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/deadlock
start build/examples/deadlock; p=$PID
t=$(gdb_pid "$p" 'tw tasks --json')
id=$(echo "$t" | json '[x["id"] for x in j["tasks"] if x["name"]=="philosopher-1"][0]') || fail "no philosopher-1"
site=$(echo "$t" | json "[x['await']['file'].split('/')[-1]+':'+str(x['await']['line']) for x in j['tasks'] if x['id']==$id][0]")
# check_bt OUTPUT WHERE
check_bt() {
  local bt=$1 where=$2
  no_traceback "$bt" || fail "$where: traceback: $bt"
  local frames; frames=$(echo "$bt" | grep -E '^#[0-9]+ +0x[0-9a-f]+ in ')
  echo "$frames" | grep -q "$site)" || fail "$where: tw bt $id lacks the await site $site: $bt"
  [ "$(echo "$frames" | grep -cE ' in [A-Za-z0-9_]+ \([A-Za-z0-9_/.-]+\.[chS]:[0-9]+\)$')" -ge 3 ] || fail "$where: fewer than 3 symbolised frames: $frames"
  echo "$frames" | head -1 | grep -q '^#0 ' || fail "$where: does not start at #0"
  echo "$frames" | grep -q -E ' in (main|start_thread|clone3?|__libc_start_main) ' && fail "$where: worker-thread frames in a task's stack: $frames"
  # innermost first: the runtime's blocking frames come before the example's function
  local first_ex; first_ex=$(echo "$frames" | grep -n "$site)" | head -1 | cut -d: -f1)
  [ "$first_ex" -ge 2 ] || fail "$where: the await site is the innermost frame (not innermost-first?)"
}
live=$(gdb_pid "$p" "tw bt $id")
check_bt "$live" live
j=$(gdb_pid "$p" "tw bt $id --json")
# the one shape of docs/json.md: n counts from 0, pc a hex string, object the module's path
echo "$j" | json "j['task']==$id and [f['n'] for f in j['frames']]==list(range(len(j['frames']))) and all(f['pc'].startswith('0x') and int(f['pc'],16)>0 and set(f)=={'n','pc','func','file','line','object'} for f in j['frames']) and j['frames'][0]['object'].endswith('libtwrt.so') and j['stopped'] is None" >/dev/null || fail "tw bt --json: $j"
# --gdb: gdb's own unwinder collects the frames, libtwcore renders them: the same lines as the walk
g=$(gdb_pid "$p" "tw bt $id --gdb")
[ "$(echo "$g" | grep -E '^#[0-9]+ ')" = "$(echo "$live" | grep -E '^#[0-9]+ ')" ] || fail "tw bt --gdb differs from tw bt: $g"
# gdb's own bt through the unwinder
f=$(gdb_pid "$p" "tw frame $id" 'bt' 'tw frame none' 'bt')
first=$(echo "$f" | sed -n '/^tw frame: frames from/,/^tw frame: showing/p')
echo "$first" | grep -q "$site" || fail "tw frame $id: gdb's bt lacks $site: $first"
after=$(echo "$f" | sed -n '/^tw frame: showing/,$p')
echo "$after" | grep -q "$site" && fail "tw frame none: the task's stack is still shown"
ok "live: tw bt $id shows $site innermost-first, ends at the task entry; tw frame + bt"

# A kernel core: the program dumps core itself (SIGABRT) in a directory of ours.
kdir=$TMP/kcore; mkdir -p "$kdir"
( cd "$kdir" && ulimit -c unlimited && exec "$OLDPWD/build/examples/deadlock" ) >"$kdir/out" 2>&1 &
kp=$!; PIDS+=("$kp")
for _ in $(seq 1 100); do grep -q 'tw-example: ready' "$kdir/out" 2>/dev/null && break; sleep 0.1; done
kill -ABRT "$kp"; wait "$kp" 2>/dev/null
kc=$(ls "$kdir"/core* 2>/dev/null | head -1)
if [ -n "$kc" ]; then
  kid=$(gdb_core build/examples/deadlock "$kc" 'tw tasks --json' | json '[x["id"] for x in j["tasks"] if x["name"]=="philosopher-1"][0]') || fail "kernel core: no philosopher-1"
  id_save=$id; id=$kid
  check_bt "$(gdb_core build/examples/deadlock "$kc" "tw bt $kid")" "kernel core"
  id=$id_save
  ok "kernel core: tw bt shows $site"
else
  echo "note $TEST: no kernel core written (core_pattern: $(cat /proc/sys/kernel/core_pattern)); kernel-core case not run"
fi

# A gcore core of the live process.
warn=$(timeout 180 gcore -o "$TMP/core" "$p" 2>&1 | grep -m1 'Memory read failed')
check_bt "$(gdb_core build/examples/deadlock "$TMP/core.$p" "tw bt $id")" "gcore core${warn:+ (gcore said: $warn)}"
ok "gcore core: tw bt shows $site"
