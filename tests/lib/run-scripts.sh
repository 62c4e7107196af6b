#!/usr/bin/env bash
# The one runner of a test folder's scripts: runs them one after another from the project root,
# each under a generous timeout (a guard against hangs, not a timing check), says how long each
# took (the suite's 20-minute budget is kept script by script) and ends with one line naming
# what failed. Usage: tests/lib/run-scripts.sh AREA TIMEOUT_S SCRIPT...
area=$1 limit=$2; shift 2
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
failed=() times=()
for t in "$@"; do
  name=$(basename "$t" .sh)
  echo "$area test: $name"
  start=$SECONDS
  if timeout "$limit" bash "$t"; then status=ok; else status=FAIL; failed+=("$name"); fi
  times+=("$(printf '  %-4s %-28s %4d s' "$status" "$name" $((SECONDS - start)))")
done
echo "$area tests, one by one:"
printf '%s\n' "${times[@]}"
if [ ${#failed[@]} -gt 0 ]; then echo "$area tests FAILED: ${failed[*]}"; exit 1; fi
echo "$area tests: all $# passed"
