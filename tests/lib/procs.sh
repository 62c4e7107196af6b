# tests/lib/procs.sh — what every integration test does with the processes it starts: a private
# temporary folder ($TMP), every process in $PIDS killed and the folder removed on exit, and
# launch_ready, which starts a program and waits for its `tw-example: ready` line.
# Source it from a test folder's lib.sh: `. tests/lib/procs.sh NAME` (NAME tags the folder).
# A lib.sh that must tidy up more defines on_exit_extra.
TMP=$(mktemp -d -t "tw${1:-test}.XXXXXX")
PIDS=()
cleanup() {
  declare -F on_exit_extra >/dev/null && on_exit_extra
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# launch_until OUT LINE SECONDS CMD...: runs CMD with stdout and stderr to OUT; returns 0 with
# PID set once OUT holds LINE, else 1 with LAUNCH_ERR saying why (the limit only guards against
# hangs). launch_ready OUT SECONDS CMD... waits for the examples' `tw-example: ready`.
launch_ready() { local out=$1 limit=$2; shift 2; launch_until "$out" 'tw-example: ready' "$limit" "$@"; }
launch_until() {
  local out=$1 line=$2 limit=$3; shift 3
  "$@" >"$out" 2>&1 &
  PID=$!
  disown "$PID" 2>/dev/null
  PIDS+=("$PID")
  local tries=$((limit * 10))
  for _ in $(seq 1 "$tries"); do
    grep -q "$line" "$out" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || { LAUNCH_ERR="exited before '$line': $(tail -3 "$out")"; return 1; }
    sleep 0.1
  done
  LAUNCH_ERR="did not print '$line' within $limit s"
  return 1
}
