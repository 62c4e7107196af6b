#!/usr/bin/env bash
# Runtime lines of `make bench`: each workload instrumented, with TW_DISABLE=1, and compiled out,
# in the same run; poll_overhead_ns is instrumented minus switched off, per poll of a yield loop.
set -u
B=${B:-build}
[ -x "$B/bench/runtime_bench" ] || exit 0
tmp=$(mktemp)
for m in yield pingpong spawn mutex; do
  env -u TW_DISABLE "$B/bench/runtime_bench" $m on
  env TW_DISABLE=1 "$B/bench/runtime_bench" $m disabled
  "$B/bench/runtime_bench_off" $m compiled_out
done | sed '/^$/d' > "$tmp"
python3 - "$tmp" <<'PY'
import json, sys
r = json.loads("{" + ",".join(l.strip().rstrip(",") for l in open(sys.argv[1]) if l.strip()) + "}")
def diff(a, b):
    return {"median": round(r[a]["median"] - r[b]["median"], 3), "p999": round(r[a]["p999"] - r[b]["p999"], 3)}
r["poll_overhead_ns"] = diff("rt_yield_on_ns", "rt_yield_disabled_ns")
r["pingpong_overhead_ns"] = diff("rt_pingpong_on_ns", "rt_pingpong_disabled_ns")
print(",\n".join('"%s": %s' % (k, json.dumps(v)) for k, v in r.items()))
PY
rm -f "$tmp"
