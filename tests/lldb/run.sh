#!/usr/bin/env bash
# Runs every tests/lldb/t_*.sh (or the ones named) and says which failed.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
[ $# -gt 0 ] || set -- tests/lldb/t_*.sh
exec tests/lib/run-scripts.sh lldb "${TW_TEST_TIMEOUT:-900}" "$@"
