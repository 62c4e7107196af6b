#!/usr/bin/env bash
# Runs every never-hurt-the-host test (tests/robust/t_*.sh, or those named). A test prints one
# "ok"/"FAIL" line per behaviour it pins down.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
[ $# -gt 0 ] || set -- tests/robust/t_*.sh
exec tests/lib/run-scripts.sh robust 300 "$@"
