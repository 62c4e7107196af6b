# Helpers for tests/lldb/*.sh: source this. Runs from the project root.
# Every test starts real programs, drives real `lldb -b` (and `gdb -batch` to compare with),
# and kills what it started on exit.
set -u
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." || exit 1
TW_TMP=$(mktemp -d -t twlldb.XXXXXX)
TW_PIDS=()
tw_cleanup() {
  for p in "${TW_PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
  rm -rf "$TW_TMP"
}
trap tw_cleanup EXIT
# An installed plugin in the user's lldb dir must not load next to the tree's.
export XDG_DATA_HOME=$TW_TMP/xdg
# A private copy of the plugin and its libtwcore (found through the plugin's $ORIGIN rpath), so
# a rebuild of build/lib while a test runs cannot pull the file from under lldb.
PLUGIN=$TW_TMP/lib/turbowish-lldb.so
mkdir -p "$TW_TMP/lib"
cp build/lib/turbowish-lldb.so build/lib/libtwcore.so "$TW_TMP/lib/" 2>/dev/null
GDB_PLUGIN=build/share/gdb/turbowish.py
HERE=tests/lldb

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 0; }
pass() { echo "ok: $*"; }

need_lldb() {
  command -v lldb >/dev/null || fail "lldb is not installed (make deps installs it)"
  [ -f build/lib/turbowish-lldb.so ] || fail "build/lib/turbowish-lldb.so is not built"
  [ -f "$PLUGIN" ] || fail "could not copy the plugin to $PLUGIN"
}
need_gdb_plugin() { [ -f "$GDB_PLUGIN" ] || fail "$GDB_PLUGIN is not built"; }

# Skip, with the reason, only where lldb genuinely cannot attach (ptrace refused).
need_attach() {
  sleep 30 & local p=$!; disown "$p" 2>/dev/null; TW_PIDS+=("$p"); sleep 0.5  # let it exec
  local out; out=$(timeout 300 lldb -b "${LLDB_PRE[@]}" -p "$p" -o 'process status' 2>&1)
  kill -9 "$p" 2>/dev/null
  if ! echo "$out" | grep -q 'stopped'; then
    if echo "$out" | grep -qi 'operation not permitted\|ptrace'; then
      skip "lldb cannot attach here (ptrace refused: $(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo ?))"
    fi
    fail "lldb cannot attach to a test process: $(echo "$out" | tail -2 | tr '\n' ' ')"
  fi
}

# A loaded machine makes lldb-server slow to answer: allow it, so attach does not time out.
LLDB_PRE=(-O 'settings set plugin.process.gdb-remote.packet-timeout 120')
# lldb_pid PID CMD... / lldb_core EXE CORE CMD...: output of one lldb -b session.
lldb_pid() {
  local pid=$1; shift
  local args=("${LLDB_PRE[@]}" -o "plugin load $PLUGIN" -p "$pid")
  for c in "$@"; do args+=(-o "$c"); done
  timeout "${TW_DBG_TIMEOUT:-600}" lldb -b "${args[@]}" 2>&1
}
lldb_core() {
  local exe=$1 core=$2; shift 2
  local args=("${LLDB_PRE[@]}" -o "plugin load $PLUGIN" "$exe" -c "$core")
  for c in "$@"; do args+=(-o "$c"); done
  timeout "${TW_DBG_TIMEOUT:-600}" lldb -b "${args[@]}" 2>&1
}
gdb_pid() {
  local pid=$1; shift
  local args=()
  for c in "$@"; do args+=(-ex "$c"); done
  timeout "${TW_DBG_TIMEOUT:-600}" gdb -batch -nx -x "$GDB_PLUGIN" -p "$pid" "${args[@]}" 2>&1
}
gdb_core() {
  local exe=$1 core=$2; shift 2
  local args=()
  for c in "$@"; do args+=(-ex "$c"); done
  timeout "${TW_DBG_TIMEOUT:-600}" gdb -batch -nx -x "$GDB_PLUGIN" "$exe" "$core" "${args[@]}" 2>&1
}

# start_example NAME -> EX_PID, once the example printed `tw-example: ready`.
start_example() {
  local name=$1 bin=build/examples/$1
  [ -x "$bin" ] || fail "example $bin missing"
  "$bin" >"$TW_TMP/$name.out" 2>"$TW_TMP/$name.err" &
  EX_PID=$!
  disown "$EX_PID" 2>/dev/null
  TW_PIDS+=("$EX_PID")
  for _ in $(seq 1 150); do
    grep -q 'tw-example: ready' "$TW_TMP/$name.out" 2>/dev/null && return 0
    kill -0 "$EX_PID" 2>/dev/null || fail "example $name exited before ready"
    sleep 0.1
  done
  fail "example $name not ready within 15 s"
}

# start_prog BIN -> PROG_PID (a compiled test program; given time to reach its hang).
start_prog() {
  "$@" >/dev/null 2>&1 &
  PROG_PID=$!
  disown "$PROG_PID" 2>/dev/null
  TW_PIDS+=("$PROG_PID")
  sleep 0.7
  kill -0 "$PROG_PID" 2>/dev/null || fail "$1 exited"
}

# lldb_live_core PID EXE CORE CMD...: as gdb_live_core (tests/lib/live_core.sh), for lldb: the
# commands on the live process, then on CORE (already written, by gdb_live_core) after a detach.
. tests/lib/live_core.sh
lldb_live_core() {
  local pid=$1 exe=$2 core=$3; shift 3
  live_core_split "$@"
  local args=("${LLDB_PRE[@]}" -o "plugin load $PLUGIN" -p "$pid")
  for c in "${LIVE_CMDS[@]}"; do args+=(-o "$c"); done
  args+=(-o "process detach" -o "target delete" -o "target create $exe --core $core")
  for c in "${CORE_CMDS[@]}"; do args+=(-o "$c"); done
  timeout "${TW_DBG_TIMEOUT:-600}" lldb -b "${args[@]}" 2>&1
}

make_core() { # PID -> echoes the core path
  timeout "${TW_DBG_TIMEOUT:-600}" gcore -o "$TW_TMP/core" "$1" >/dev/null 2>&1 || fail "gcore failed on $1"
  echo "$TW_TMP/core.$1"
}

# jsonq [--nth N] EXPR: Python over the Nth JSON object line of stdin (see jsonq.py).
jsonq() { python3 "$HERE/jsonq.py" "$@"; }
