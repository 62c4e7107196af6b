#!/usr/bin/env bash
# One interface in three frontends: every command (bt and help included), text and --json, in
# the tw console, gdb and lldb prints the same bytes — on a live example held still with SIGSTOP
# (so all three read the same memory) and on a gcore core of it. Errors compare without each
# frontend's prefix; history moves (at SEQ) compare in each one's session.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin; need_attach
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
start_example deadlock
kill -STOP "$EX_PID"
args=(--tw build/bin/tw --gdb-plugin "$GDB_PLUGIN" --lldb-plugin "$PLUGIN" --task 3 --resource 2 --seq 5)
out=$(python3 "$HERE/compare_frontends.py" --pid "$EX_PID" "${args[@]}" 2>&1) || fail "live: $out"
core=$(make_core "$EX_PID")
out2=$(python3 "$HERE/compare_frontends.py" --core "$core" --exe build/examples/deadlock "${args[@]}" 2>&1) || fail "core: $out2"
pass "live: $(echo "$out" | tail -1); core: $(echo "$out2" | tail -1)"
