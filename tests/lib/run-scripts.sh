#!/usr/bin/env bash
# Runs a test folder's scripts one after another from the project root, each under a generous
# timeout (a guard against hangs, not a timing check), and ends with one line naming what
# failed. Usage: tests/lib/run-scripts.sh AREA TIMEOUT_S SCRIPT...
area=$1 limit=$2; shift 2
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
failed=()
for t in "$@"; do
  echo "$area test: $(basename "$t" .sh)"
  timeout "$limit" bash "$t" || failed+=("$(basename "$t" .sh)")
done
if [ ${#failed[@]} -gt 0 ]; then echo "$area tests FAILED: ${failed[*]}"; exit 1; fi
echo "$area tests: all $# passed"
