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
args=(--tw build/bin/tw --gdb-plugin "$GDB_PLUGIN" --lldb-plugin "$PLUGIN" --task 3 --resource 2)
out=$(python3 "$HERE/compare_frontends.py" --pid "$EX_PID" "${args[@]}" 2>&1) || fail "live: $out"
core=$(make_core "$EX_PID")
out2=$(python3 "$HERE/compare_frontends.py" --core "$core" --exe build/examples/deadlock "${args[@]}" 2>&1) || fail "core: $out2"
kill -CONT "$EX_PID"

# attach-only: a task is a thread, unwound by each debugger, rendered by libtwcore: the same
# frames (pcs and the program's own frames byte for byte; library file names are each
# debugger's reading of glibc's debug info, docs/console.md "Differences between the frontends")
abba=build/tests/pthread/abba
if [ -x "$abba" ]; then
  start_prog "$abba"
  tid=$(ls /proc/$PROG_PID/task | sed -n 2p)
  gj=$(gdb_pid "$PROG_PID" "tw bt $tid --json" | grep '^{')
  lj=$(lldb_pid "$PROG_PID" "tw bt $tid --json" | grep '^{')
  python3 - "$gj" "$lj" <<'PY' || fail "attach-only bt differs between gdb and lldb: $gj / $lj"
import json, sys
g, l = (json.loads(x) for x in sys.argv[1:3])
pcs = lambda j: [f["pc"] for f in j["frames"]]
own = lambda j: [f for f in j["frames"] if f["object"] and "/tests/pthread/" in f["object"]]
assert pcs(g) == pcs(l) and len(pcs(g)) >= 3, (pcs(g), pcs(l))
assert own(g) == own(l) and own(g) and own(g)[0]["file"].endswith("abba.c"), (own(g), own(l))
assert [f["n"] for f in g["frames"]] == list(range(len(g["frames"])))
PY
  at=" attach-only bt: gdb = lldb;"
fi
pass "live: $(echo "$out" | tail -1); core: $(echo "$out2" | tail -1);${at:-}"
