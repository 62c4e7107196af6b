#!/usr/bin/env bash
# Runs every tests/lldb/t-*.sh (or those named), one line each; fails if any fails.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
tests=("$@"); [ ${#tests[@]} -gt 0 ] || tests=(tests/lldb/t-*.sh)
pass=0; failed=0
for t in "${tests[@]}"; do
  out=$(timeout "${TW_TEST_TIMEOUT:-3600}" bash "$t" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then pass=$((pass+1)); echo "  ok    $(basename "$t"): $(echo "$out" | tail -1)"
  else failed=$((failed+1)); echo "  FAIL  $(basename "$t"):"; echo "$out" | tail -15 | sed 's/^/        /'; fi
done
echo "tests/lldb: $pass passed, $failed failed"
[ $failed -eq 0 ]
