#!/usr/bin/env bash
# Behaviour: on a gcore core file of every example, lldb's `tw` JSON equals gdb's for the
# summary, tasks, resources, deadlocks, alerts and log (timing fields aside): both frontends
# print what libtwcore renders from the same bytes.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin
EXAMPLES=${TW_EXAMPLES:-deadlock channel-cycle backpressure long-poll lost-waker select-cancel busy starvation}
CMDS=('tw --json' 'tw tasks --json' 'tw resources --json' 'tw deadlocks --json' 'tw alerts --json' 'tw log 50 --json')
for ex in $EXAMPLES; do
  start_example "$ex"
  core=$(make_core "$EX_PID")
  kill -9 "$EX_PID" 2>/dev/null
  l=$(lldb_core "build/examples/$ex" "$core" "${CMDS[@]}")
  g=$(gdb_core "build/examples/$ex" "$core" "${CMDS[@]}")
  for i in "${!CMDS[@]}"; do
    lj=$(echo "$l" | jsonq --nth "$i" 'norm(j)') || fail "$ex core: lldb gave no JSON for '${CMDS[$i]}': $(echo "$l" | grep -m1 error:)"
    gj=$(echo "$g" | jsonq --nth "$i" 'norm(j)') || fail "$ex core: gdb gave no JSON for '${CMDS[$i]}'"
    [ "$lj" = "$gj" ] || fail "$ex core: '${CMDS[$i]}' differs: lldb $(echo "$lj" | cut -c1-200) gdb $(echo "$gj" | cut -c1-200)"
  done
  rm -f "$core"
done
pass "lldb JSON = gdb JSON on the cores of: $EXAMPLES (${#CMDS[@]} commands each)"
