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
for ex in $EXAMPLES; do
  start_example "$ex"
  core=$(make_core "$EX_PID")
  g=$(printf '%s\n' 'deadlocks --json' 'tasks --json' | build/bin/tw console --pid "$EX_PID")
  l=$(lldb_live_core "$EX_PID" "build/examples/$ex" "$core" 'tw deadlocks --json' 'tw tasks --json' -- "${CMDS[@]}")
  kill -9 "$EX_PID" 2>/dev/null
  g+=$'\n'$(printf '%s\n' "${CMDS[@]#tw }" | sed 's/^--json$/summary --json/' | build/bin/tw console --core "$core" --exe "build/examples/$ex")
  echo "$l" >"$TW_TMP/$ex.lldb"; echo "$g" >"$TW_TMP/$ex.console"
  why=$(python3 "$HERE/lldb_vs_console.py" "$ex" ${#CMDS[@]} "$TW_TMP/$ex.lldb" "$TW_TMP/$ex.console") ||
    fail "$(echo "$why" | head -3) $(echo "$l" | grep -m1 error:)"
  rm -f "$core"
done
pass "lldb = the console live (deadlocks, tasks) and on the cores (${#CMDS[@]} commands each) of: $EXAMPLES"
