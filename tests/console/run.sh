#!/usr/bin/env bash
# Runs every console integration test (tests/console/t_*.sh, or those named).
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
[ $# -gt 0 ] || set -- tests/console/t_*.sh
exec tests/lib/run-scripts.sh console 600 "$@"
