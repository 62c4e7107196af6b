#!/usr/bin/env bash
# One analysis, three frontends: every attach-only test program (tests/attach/progs, no
# instrumentation at all) hung live and from a gcore core, read by the console, gdb and lldb —
# each collects raw facts (frames, syscall registers, memory) and libtwcore decides — prints the
# same bytes for `tasks`, `deadlocks`, `why TID` and `alerts` --json.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin; need_attach
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
# every hanging program of tests/attach/progs; the healthy ones (alarm_sem, pool, prodcons) move
# between two frontends' stops, and region_holder has a region (not attach-only)
PROGS=${THREE_PROGS:-abba cycle3 mutex_sem philosophers cond_lost join_forever rw_starve pi_robust timed many local_abba local_member local_ring}
CMDS=("tasks --json" "deadlocks --json" "why TID --json" "alerts --json")

# json_lines: the JSON objects of one debugger session, one per command, in order
json_lines() { grep '^{' || true; }

# compare WHAT CONSOLE GDB LLDB: the three outputs (one JSON line per command) are identical
compare() {
  local what=$1 c=$2 g=$3 l=$4 i=0
  for cmd in "${CMDS[@]}"; do
    i=$((i + 1))
    local cj gj lj
    cj=$(echo "$c" | sed -n "${i}p"); gj=$(echo "$g" | sed -n "${i}p"); lj=$(echo "$l" | sed -n "${i}p")
    [ -n "$cj" ] || fail "$what '$cmd': the console printed no JSON"
    [ "$cj" = "$gj" ] || fail "$what '$cmd': gdb differs from the console: $(diff <(echo "$cj" | tr ',' '\n') <(echo "$gj" | tr ',' '\n') | head -6 | tr '\n' ' ')"
    [ "$cj" = "$lj" ] || fail "$what '$cmd': lldb differs from the console: $(diff <(echo "$cj" | tr ',' '\n') <(echo "$lj" | tr ',' '\n') | head -6 | tr '\n' ' ')"
  done
}

n=0
for p in $PROGS; do
  gcc -std=gnu11 -D_GNU_SOURCE -g -O0 -pthread -o "$TW_TMP/$p" "tests/attach/progs/$p.c" || fail "cannot compile $p"
  "$TW_TMP/$p" >"$TW_TMP/$p.out" 2>&1 &
  pid=$!; disown "$pid" 2>/dev/null; TW_PIDS+=("$pid")
  for _ in $(seq 1 100); do grep -q 'tw-example: ready' "$TW_TMP/$p.out" && break; sleep 0.1; done
  grep -q 'tw-example: ready' "$TW_TMP/$p.out" || fail "$p did not reach its hang"
  tid=$(ls /proc/$pid/task | sort -n | sed -n 2p)
  cmds=("${CMDS[@]/TID/$tid}")
  gargs=(); largs=()
  for c in "${cmds[@]}"; do gargs+=("tw $c"); largs+=("tw $c"); done

  # the console as gdb and lldb are used: one session (`tw console`, commands on stdin), one
  # collection of the threads' facts for all four commands; gdb writes the core in its session
  core=$TW_TMP/core.$pid
  c=$(printf '%s\n' "${cmds[@]}" | build/bin/tw console --pid "$pid" | json_lines)
  gboth=$(gdb_live_core "$pid" "$TW_TMP/$p" "$core" "${gargs[@]}" | json_lines)
  [ -s "$core" ] || fail "$p: gdb wrote no core"
  lboth=$(lldb_live_core "$pid" "$TW_TMP/$p" "$core" "${largs[@]}" | json_lines)
  k=${#cmds[@]}
  compare "$p live" "$c" "$(echo "$gboth" | head -n "$k")" "$(echo "$lboth" | head -n "$k")"

  c=$(printf '%s\n' "${cmds[@]}" | build/bin/tw console --core "$core" --exe "$TW_TMP/$p" | json_lines)
  compare "$p core" "$c" "$(echo "$gboth" | sed -n "$((k + 1)),\$p")" "$(echo "$lboth" | sed -n "$((k + 1)),\$p")"
  kill -9 "$pid"; rm -f "$core"
  n=$((n + 1))
done
pass "$n attach-only programs, live and from a core: tasks, deadlocks, why and alerts --json identical in the console, gdb and lldb"
