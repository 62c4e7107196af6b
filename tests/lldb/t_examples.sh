#!/usr/bin/env bash
# Behaviour: attached live to every example, lldb and the console report the same deadlocks
# (certainty, chain, and each resource's holders) and the same tasks (id, name); the deadlock
# example's 4-philosopher cycle is certain and each fork names the one philosopher holding it.
# On the gcore core of each, lldb's `tw` JSON equals the console's for the summary, tasks,
# resources, deadlocks, alerts and log (timing fields aside): both print what libtwcore renders
# from the same bytes (gdb's own is tests/gdb/t_examples.sh, live against the same core). lldb
# reads live and then the core in one session; the process runs between the console's look and
# lldb's attach, so live counters are not compared.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
EXAMPLES=${TW_EXAMPLES:-deadlock channel-cycle backpressure long-poll lost-waker select-cancel busy starvation}
CMDS=('tw --json' 'tw tasks --json' 'tw resources --json' 'tw deadlocks --json' 'tw alerts --json' 'tw log 50 --json')
Q_DL='[(d["certain"], chain(d["chain"]), sorted((e["resource"], [h["task"] for h in e["holders"]]) for e in d["chain"] if "resource" in e)) for d in j["deadlocks"]]'
Q_TASKS='sorted((t["id"], t["name"]) for t in j["tasks"])'
for ex in $EXAMPLES; do
  start_example "$ex"
  core=$(make_core "$EX_PID")
  g=$(printf '%s\n' 'deadlocks --json' 'tasks --json' | build/bin/tw console --pid "$EX_PID")
  l=$(lldb_live_core "$EX_PID" "build/examples/$ex" "$core" 'tw deadlocks --json' 'tw tasks --json' -- "${CMDS[@]}")
  kill -9 "$EX_PID" 2>/dev/null
  g+=$'\n'$(printf '%s\n' "${CMDS[@]#tw }" | sed 's/^--json$/summary --json/' | build/bin/tw console --core "$core" --exe "build/examples/$ex")
  # live: the JSON lines 0 and 1
  ld=$(echo "$l" | jsonq --nth 0 "$Q_DL"); [ $? -le 1 ] || fail "$ex live: lldb deadlocks: $ld $(echo "$l" | grep -m1 error:)"
  gd=$(echo "$g" | jsonq --nth 0 "$Q_DL"); [ $? -le 1 ] || fail "$ex live: console deadlocks: $gd"
  [ "$ld" = "$gd" ] || fail "$ex live: deadlocks differ: lldb $ld console $gd"
  lt=$(echo "$l" | jsonq --nth 1 "$Q_TASKS") || fail "$ex live: lldb tasks: $lt"
  gt=$(echo "$g" | jsonq --nth 1 "$Q_TASKS") || fail "$ex live: console tasks: $gt"
  [ "$lt" = "$gt" ] || fail "$ex live: tasks differ: lldb $lt console $gt"
  if [ "$ex" = deadlock ]; then
    echo "$l" | jsonq --nth 0 'any(d["certain"] and sum(1 for e in d["chain"] if "task" in e) == 4 for d in j["deadlocks"])' >/dev/null \
      || fail "deadlock live: no certain 4-task cycle in lldb: $ld"
    echo "$l" | jsonq --nth 0 'all(len(e["holders"]) == 1 and e["holders"][0]["name"].startswith("philosopher-") for d in j["deadlocks"] for e in d["chain"] if "resource" in e)' >/dev/null \
      || fail "deadlock live: a fork in lldb's chain does not name the philosopher holding it: $ld"
  fi
  # the core: the JSON lines 2..N+1
  for i in "${!CMDS[@]}"; do
    lj=$(echo "$l" | jsonq --nth $((2 + i)) 'norm(j)') || fail "$ex core: lldb gave no JSON for '${CMDS[$i]}': $(echo "$l" | grep -m1 error:)"
    gj=$(echo "$g" | jsonq --nth $((2 + i)) 'norm(j)') || fail "$ex core: the console gave no JSON for '${CMDS[$i]}'"
    [ "$lj" = "$gj" ] || fail "$ex core: '${CMDS[$i]}' differs: lldb $(echo "$lj" | cut -c1-200) console $(echo "$gj" | cut -c1-200)"
  done
  rm -f "$core"
done
pass "lldb = the console live (deadlocks, tasks) and on the cores (${#CMDS[@]} commands each) of: $EXAMPLES"
