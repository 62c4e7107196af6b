#!/usr/bin/env bash
# Runs each `make test` step in order, even after one fails (like make -k), and ends with one
# line per step saying how it went and how long it took — the suite must stay under 20 minutes
# on 2 cores, and this is where to see which step to trim.
# Each step's output is also kept in build/test-logs/STEP.log; for a step that failed, the lines
# that say why are repeated at the very end, because CI keeps only the tail of a run's output.
# Usage: tools/test-steps.sh STEP...
failed=() report=()
logs=build/test-logs
mkdir -p "$logs"
suite_start=$SECONDS
for step in "$@"; do
  start=$SECONDS
  if make --no-print-directory "$step" 2>&1 | tee "$logs/$step.log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    status=ok
  else
    status=FAILED; failed+=("$step")
  fi
  report+=("$(printf '%-6s %-18s %4d s' "$status" "$step" $((SECONDS - start)))")
done
for step in "${failed[@]}"; do
  echo "---- why $step failed (from $logs/$step.log)"
  grep -n -i -E 'fail|not ok|error|assert|crash|deadly|sanitizer|timed out|segmentation|\*\*\*' "$logs/$step.log" \
    | grep -v -E '0 failed|Failing: 0|Crashing: 0|errors=0 |frontend +samples' | tail -25
done
echo "---- make test: steps"
printf '%s\n' "${report[@]}"
echo "---- $(( (SECONDS - suite_start) / 60 )) min $(( (SECONDS - suite_start) % 60 )) s in all"
if [ ${#failed[@]} -eq 0 ]; then echo "make test: all test steps passed"; exit 0; fi
echo "make test: FAILED: ${failed[*]}"
exit 1
