# tests/lib/live_core.sh — source it. gdb_live_core PID EXE CORE CMD...: one gdb session that
# runs the commands on the live process, writes its core to CORE, detaches, opens the core and
# runs them again: a user's `gcore`, `detach` and `core-file`, and one debugger start-up where
# a live look, gcore and a look at the core took three (start-up is most of what each costs).
# Needs GDB_PLUGIN (the tree's turbowish.py).
# CMD... may hold "--": the commands before it run live, those after it on the core.
# live_core_split CMD... -> LIVE_CMDS, CORE_CMDS
live_core_split() {
  LIVE_CMDS=(); CORE_CMDS=()
  local seen=0 c
  for c in "$@"; do
    if [ "$c" = -- ]; then seen=1; elif [ $seen = 0 ]; then LIVE_CMDS+=("$c"); else CORE_CMDS+=("$c"); fi
  done
  [ $seen = 1 ] || CORE_CMDS=("${LIVE_CMDS[@]}")
}
gdb_live_core() {
  local pid=$1 exe=$2 core=$3; shift 3
  live_core_split "$@"
  local args=()
  for c in "${LIVE_CMDS[@]}"; do args+=(-ex "$c"); done
  args+=(-ex "gcore $core" -ex detach -ex "file $exe" -ex "core-file $core")
  for c in "${CORE_CMDS[@]}"; do args+=(-ex "$c"); done
  timeout "${TW_DBG_TIMEOUT:-600}" gdb -batch -nx -x "$GDB_PLUGIN" -p "$pid" "${args[@]}" 2>&1
}
