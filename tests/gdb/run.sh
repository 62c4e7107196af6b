#!/usr/bin/env bash
# Runs every tests/gdb/test-*.sh (or the ones named) and says which failed.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
[ $# -gt 0 ] || set -- tests/gdb/test-*.sh
exec tests/lib/run-scripts.sh gdb 900 "$@"
