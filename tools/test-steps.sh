#!/usr/bin/env bash
# Runs the `make test` steps, TW_TEST_LANES at a time (default 3 on the 2 cores the suite is
# budgeted for: a two-lane run kept the cores 83% busy, as steps wait on debuggers, live
# programs and second samples, and a third lane fills that), longest first, and goes on after a step fails (like make -k). Each step's output is
# kept in build/test-logs/STEP.log and printed whole when the step ends, so two steps' lines
# never interleave; the run ends with one line per step saying how it went and how long it took,
# and, for a step that failed, the lines that say why — at the very end, because CI keeps only
# the tail of a run's output. No two steps share a file, a port or a process name (each test
# folder works in its own mktemp directory), which is what makes running them side by side safe.
# Usage: tools/test-steps.sh STEP...   (TW_TEST_LANES=1: one after another)
logs=build/test-logs
mkdir -p "$logs"
lanes=${TW_TEST_LANES:-3}
# The longest steps go first so that the short ones fill the end of both lanes.
queue=()
for s in test-healthy test-lldb test-gdb test-attach test-console test-fuzz; do
  for a in "$@"; do [ "$a" = "$s" ] && queue+=("$s"); done
done
for a in "$@"; do [[ " ${queue[*]} " == *" $a "* ]] || queue+=("$a"); done

suite_start=$SECONDS
declare -A running=() started=()
failed=() report=()
run_step() { make --no-print-directory "$1" >"$logs/$1.log" 2>&1; }
finish_step() { # STEP RC
  local step=$1 rc=$2 status=ok
  echo "==== $step"
  cat "$logs/$step.log"
  [ "$rc" -eq 0 ] || { status=FAILED; failed+=("$step"); }
  report+=("$(printf '%-6s %-18s %4d s' "$status" "$step" $((SECONDS - ${started[$step]})))")
}
next=0
while [ $next -lt ${#queue[@]} ] || [ ${#running[@]} -gt 0 ]; do
  while [ $next -lt ${#queue[@]} ] && [ ${#running[@]} -lt "$lanes" ]; do
    step=${queue[$next]}; next=$((next + 1))
    started[$step]=$SECONDS
    run_step "$step" &
    running[$!]=$step
  done
  wait -n -p done_pid "${!running[@]}"; rc=$?
  step=${running[$done_pid]}
  unset "running[$done_pid]"
  finish_step "$step" "$rc"
done

for step in "${failed[@]}"; do
  echo "---- why $step failed (from $logs/$step.log)"
  grep -n -i -E 'fail|not ok|error|assert|crash|deadly|sanitizer|timed out|segmentation|\*\*\*' "$logs/$step.log" \
    | grep -v -E '0 failed|Failing: 0|Crashing: 0|errors=0 |frontend +samples' | tail -25
done
echo "---- make test: steps ($lanes at a time)"
printf '%s\n' "${report[@]}"
echo "---- $(( (SECONDS - suite_start) / 60 )) min $(( (SECONDS - suite_start) % 60 )) s in all"
if [ ${#failed[@]} -eq 0 ]; then echo "make test: all test steps passed"; exit 0; fi
echo "make test: FAILED: ${failed[*]}"
exit 1
