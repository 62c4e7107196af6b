#!/usr/bin/env bash
# Runtime lines of `make bench`: each workload instrumented, with TW_DISABLE=1, and compiled out,
# in the same run; poll_overhead_ns is instrumented minus switched off, per poll of a yield loop.
# The variants are separate processes, so they cannot alternate batch by batch like measure.h's
# pairs: instead they alternate in ROUNDS short rounds and each figure is the median over rounds,
# each overhead the median of the rounds' differences. On this shared VM the per-poll time
# shifts by 1.5x for seconds at a time; a single on-then-off pair straddling such a shift gave
# poll_overhead/event anywhere from 0.5 to 4.4.
set -u
B=${B:-build}
ROUNDS=${ROUNDS:-7}
[ -x "$B/bench/runtime_bench" ] || exit 0
tmp=$(mktemp)
for m in yield pingpong spawn mutex; do
  for _ in $(seq "$ROUNDS"); do
    env -u TW_DISABLE "$B/bench/runtime_bench" $m on
    env TW_DISABLE=1 "$B/bench/runtime_bench" $m disabled
    "$B/bench/runtime_bench_off" $m compiled_out
  done
done | sed '/^$/d' > "$tmp"
python3 - "$tmp" <<'PY'
import json, statistics, sys
runs = {}  # figure -> its value in each round, in round order
for l in open(sys.argv[1]):
    for k, v in json.loads("{" + l.strip().rstrip(",") + "}").items():
        runs.setdefault(k, []).append(v)
def med(k, q=None):
    return statistics.median(v[q] if q else v for v in runs[k])
r = {k: ({q: med(k, q) for q in ("median", "p999")} if isinstance(v[0], dict) else med(k)) for k, v in runs.items()}
def diff(a, b):
    return {q: round(statistics.median(x[q] - y[q] for x, y in zip(runs[a], runs[b])), 3) for q in ("median", "p999")}
r["poll_overhead_ns"] = diff("rt_yield_on_ns", "rt_yield_disabled_ns")
r["pingpong_overhead_ns"] = diff("rt_pingpong_on_ns", "rt_pingpong_disabled_ns")
print(",\n".join('"%s": %s' % (k, json.dumps(v)) for k, v in r.items()))
PY
rm -f "$tmp"
