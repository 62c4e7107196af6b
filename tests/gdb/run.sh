#!/usr/bin/env bash
# Runs every tests/gdb/t_*.sh (or the ones named) and says which failed.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
[ $# -gt 0 ] || set -- tests/gdb/t_*.sh
exec tests/lib/run-scripts.sh gdb 900 "$@"
