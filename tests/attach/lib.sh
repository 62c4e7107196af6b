# tests/attach/lib.sh — source it from an attach test. It moves to the project root and gives
# the fixture folder (FX), the console (TW), the raw-fact dumper (DUMP, CHECK), one-line
# failures naming the test, and `start BIN [ARGS...]`: runs BIN with its output in BIN.out and
# sets PID once the program says it is ready (tests/lib/procs.sh kills it on exit).
set -u
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." || exit 1
FX=build/tests/attach/fx
TW=build/bin/tw
DUMP=build/tests/attach/twa_dump
CHECK="python3 tests/attach/check_facts.py"
TEST=$(basename "$0" .sh)
. tests/lib/procs.sh attach
fail() { echo "FAIL $TEST: $*"; exit 1; }
start() { local bin=$1; shift; launch_ready "$bin.out" 10 "$bin" "$@" || fail "$bin $LAUNCH_ERR"; }
