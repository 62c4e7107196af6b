#!/usr/bin/env bash
# Runs every tests/gdb/test-*.sh (or the ones named) and says which failed.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/gdb/test-*.sh)
failed=()
for t in "${tests[@]}"; do
  if ! timeout 900 bash "$t"; then failed+=("$(basename "$t")"); fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "gdb tests FAILED: ${failed[*]}"; exit 1; fi
echo "gdb tests: all ${#tests[@]} passed"
