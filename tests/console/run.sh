#!/usr/bin/env bash
# Runs every console integration test (tests/console/t_*.sh) from the project root.
cd "$(dirname "$0")/../.." || exit 1
rc=0
for t in tests/console/t_*.sh; do
  echo "console test: $(basename "$t" .sh)"
  timeout 600 bash "$t" || { echo "console test $(basename "$t" .sh): FAILED"; rc=1; }
done
[ $rc -eq 0 ] && echo "console tests: all passed"
exit $rc
