#!/usr/bin/env bash
# Runs every never-hurt-the-host test (tests/robust/t_*.sh) from the project root.
# A test prints one "ok"/"FAIL" line per behaviour it pins down.
cd "$(dirname "$0")/../.." || exit 1
rc=0
for t in tests/robust/t_*.sh; do
  echo "robust test: $(basename "$t" .sh)"
  timeout 300 bash "$t" || { echo "robust test $(basename "$t" .sh): FAILED"; rc=1; }
done
[ $rc -eq 0 ] && echo "robust tests: all passed"
exit $rc
