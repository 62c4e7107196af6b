#!/usr/bin/env bash
# Runs each `make test` step in order, even after one fails (like make -k), and ends with one
# line per step saying how it went and how long it took — the suite must stay under 20 minutes
# on 2 cores, and this is where to see which step to trim.
# Usage: tools/test-steps.sh STEP...
failed=() report=()
suite_start=$SECONDS
for step in "$@"; do
  start=$SECONDS
  if make --no-print-directory "$step"; then status=ok; else status=FAILED; failed+=("$step"); fi
  report+=("$(printf '%-6s %-18s %4d s' "$status" "$step" $((SECONDS - start)))")
done
echo "---- make test: steps"
printf '%s\n' "${report[@]}"
echo "---- $(( (SECONDS - suite_start) / 60 )) min $(( (SECONDS - suite_start) % 60 )) s in all"
if [ ${#failed[@]} -eq 0 ]; then echo "make test: all test steps passed"; exit 0; fi
echo "make test: FAILED: ${failed[*]}"
exit 1
