#!/usr/bin/env bash
# Behaviour: attached live to every example, lldb and gdb report the same deadlocks (certainty,
# chain, and each resource's holders) and the same tasks (id, name); the deadlock example's
# 4-philosopher cycle is certain and each fork names the one philosopher holding it. The
# process runs between the two attaches, so counters are not compared.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin; need_attach
EXAMPLES=${TW_EXAMPLES:-deadlock channel-cycle backpressure long-poll lost-waker select-cancel busy starvation}
Q_DL='[(d["certain"], chain(d["chain"]), sorted((e["resource"], [h["task"] for h in e["holders"]]) for e in d["chain"] if "resource" in e)) for d in j["deadlocks"]]'
Q_TASKS='sorted((t["id"], t["name"]) for t in j["tasks"])'
for ex in $EXAMPLES; do
  start_example "$ex"
  l=$(lldb_pid "$EX_PID" 'tw deadlocks --json' 'tw tasks --json')
  g=$(gdb_pid "$EX_PID" 'tw deadlocks --json' 'tw tasks --json')
  ld=$(echo "$l" | jsonq --nth 0 "$Q_DL"); [ $? -le 1 ] || fail "$ex live: lldb deadlocks: $ld $(echo "$l" | grep -m1 error:)"
  gd=$(echo "$g" | jsonq --nth 0 "$Q_DL"); [ $? -le 1 ] || fail "$ex live: gdb deadlocks: $gd"
  [ "$ld" = "$gd" ] || fail "$ex live: deadlocks differ: lldb $ld gdb $gd"
  lt=$(echo "$l" | jsonq --nth 1 "$Q_TASKS") || fail "$ex live: lldb tasks: $lt"
  gt=$(echo "$g" | jsonq --nth 1 "$Q_TASKS") || fail "$ex live: gdb tasks: $gt"
  [ "$lt" = "$gt" ] || fail "$ex live: tasks differ: lldb $lt gdb $gt"
  if [ "$ex" = deadlock ]; then
    echo "$l" | jsonq 'any(d["certain"] and sum(1 for e in d["chain"] if "task" in e) == 4 for d in j["deadlocks"])' >/dev/null \
      || fail "deadlock live: no certain 4-task cycle in lldb: $ld"
    echo "$l" | jsonq 'all(len(e["holders"]) == 1 and e["holders"][0]["name"].startswith("philosopher-") for d in j["deadlocks"] for e in d["chain"] if "resource" in e)' >/dev/null \
      || fail "deadlock live: a fork in lldb's chain does not name the philosopher holding it: $ld"
  fi
  kill -9 "$EX_PID" 2>/dev/null
done
pass "lldb = gdb live (deadlocks, tasks) on: $EXAMPLES"
