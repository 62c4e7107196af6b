# tests/gdb/lib.sh — helpers for the gdb plugin's integration tests. Source it from a test.
# Runs in the project root; every process a test starts is killed on exit.
set -u
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." || exit 1
PLUGIN=build/share/gdb/turbowish.py
GDB_PLUGIN=$PLUGIN
TEST=$(basename "$0" .sh)
. tests/lib/procs.sh gdb

fail() { echo "FAIL $TEST: $*"; exit 1; }
ok() { echo "ok   $TEST: $*"; }

need() { for f in "$@"; do [ -e "$f" ] || fail "$f is not built"; done; }

# start BIN [ARGS...] -> PID: runs it, waits for `tw-example: ready`
start() {
  launch_ready "$TMP/$(basename "$1").$RANDOM.out" 15 "$@" || fail "$1 $LAUNCH_ERR"
}

# gdb_pid PID CMD... : gdb -batch on a live process, plugin from the tree
gdb_pid() {
  local pid=$1; shift
  local a=()
  for c in "$@"; do a+=(-ex "$c"); done
  timeout 180 gdb -batch -nx -x "$PLUGIN" -p "$pid" "${a[@]}" 2>&1
}
# gdb_core EXE CORE CMD...
gdb_core() {
  local exe=$1 core=$2; shift 2
  local a=()
  for c in "$@"; do a+=(-ex "$c"); done
  timeout 180 gdb -batch -nx -x "$PLUGIN" "$exe" "$core" "${a[@]}" 2>&1
}
# core_of PID -> path of a gcore core file
core_of() {
  timeout 180 gcore -o "$TMP/core" "$1" >/dev/null 2>&1 || fail "gcore of $1 failed"
  echo "$TMP/core.$1"
}
. tests/lib/live_core.sh
# json [--nth N] EXPR : evaluate EXPR over the Nth JSON object line of stdin (see jcheck.py)
json() { python3 tests/gdb/jcheck.py "$@"; }
# no_traceback TEXT : the plugin never lets a Python traceback through
no_traceback() { ! echo "$1" | grep -q -E 'Traceback|Python Exception'; }
