#!/usr/bin/env bash
# Field line of `make bench` (issue 20): Debian's memcached (load: memcaslap) and redis-server
# (load: redis-benchmark), each native and under `tw run`, alternating, FIELD_RUNS (9) runs of
# FIELD_SECONDS (3) each, on loopback only. Prints field_*_ratio (tw run / native throughput)
# and field_*_p99_ratio (tw run / native p99 latency) as {"median", "p999" = the worst run,
# "runs"}: the median of the nine pairs' ratios. On this 2-vCPU host one server's throughput
# moves by a third from run to run (memcached: 60,000 to 82,000 requests a second, natively),
# so three pairs of five seconds could not tell 0.97 from 0.85; nine of three seconds take
# the same time. After the last timed run under `tw run`, under a second load, it asks `tw deadlocks` and
# `tw alerts` what they see: a healthy server must show no deadlock and no lock_order or lost_wakeup alert;
# anything else is said on stderr, with every alert `tw alerts` reported. Every process started
# here is killed on exit. A server or load tool that is not installed is said and left out.
set -u
B=${B:-build}
TW=$B/bin/tw
RUNS=${FIELD_RUNS:-9}
SECS=${FIELD_SECONDS:-3}
[ -x "$TW" ] || exit 0
TMP=$(mktemp -d -t twfield.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
port() { echo $((20000 + RANDOM % 20000)); }

# serve MODE PORT CMD...: start a server natively or under `tw run`; SERVER_PID is the server
serve() {
  local mode=$1 p=$2; shift 2
  if [ "$mode" != native ]; then "$TW" run -- "$@" >"$TMP/server.out" 2>&1 &
  else "$@" >"$TMP/server.out" 2>&1 &
  fi
  PIDS+=($!)
  SERVER_PID=
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && { SERVER_PID=$(pgrep -n -f -- "$1.*$p"); return 0; }
    sleep 0.05
  done
  echo "bench: field: $* did not listen on 127.0.0.1:$p" >&2
  return 1
}

# look NAME: a healthy server under load: no deadlock, no lock_order or lost_wakeup
look() {
  local name=$1
  [ -n "$SERVER_PID" ] || return 0
  timeout 60 "$TW" deadlocks --pid "$SERVER_PID" --json >"$TMP/dl.json" 2>&1
  timeout 60 "$TW" alerts --pid "$SERVER_PID" --json >"$TMP/al.json" 2>&1
  python3 - "$name" "$TMP/dl.json" "$TMP/al.json" <<'PY' >&2
import json, sys
name = sys.argv[1]
try:
    dl = json.load(open(sys.argv[2]))["deadlocks"]
    al = json.load(open(sys.argv[3]))["alerts"]
except (OSError, ValueError, KeyError) as e:
    print("bench: field: %s: tw gave no JSON: %s" % (name, open(sys.argv[2]).read()[:200])); sys.exit(0)
bad = [a for a in al if a["kind"] in ("lock_order", "lost_wakeup")]
if dl: print("bench: field: %s under tw run, healthy and loaded: FALSE deadlock: %s" % (name, dl[0].get("summary", dl[0])))
if bad: print("bench: field: %s: FALSE %s" % (name, "; ".join(a["message"][:200] for a in bad)))
print("bench: field: %s under load: tw deadlocks %s; tw alerts: %s" % (name, "none" if not dl else "%d" % len(dl),
      ", ".join("%s: %s" % (a["kind"], a["message"][:100]) for a in al) or "none"))
PY
}

# loaded MODE NAME LOAD...: run the load tool (output in $TMP/load.out) against the server just
# started; in mode `tw-look`, load it again afterwards and look at it under that second,
# untimed load; then stop the server. The look is kept out of the timed run: `tw` may stop every thread
# of the server once, for its threads' facts (~170 ms for memcached's; no longer on an idle or
# loaded healthy server, whose locks live in the heap), which is what an operator's question
# costs, not what running under tw run costs; the line says how long each look took.
loaded() {
  local mode=$1 name=$2; shift 2
  "$@" >"$TMP/load.out" 2>&1
  if [ "$mode" = tw-look ]; then
    "$@" >/dev/null 2>&1 &
    local again=$!
    sleep 1
    local t0; t0=$(date +%s%N)
    look "$name"
    echo "bench: field: $name: tw deadlocks + tw alerts took $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
    kill "$again" 2>/dev/null; wait "$again" 2>/dev/null
  fi
  kill -9 "${PIDS[-1]}" "$SERVER_PID" 2>/dev/null
}

memcached_run() { # MODE (native, tw, tw-look) -> "tps p99_us"
  local p; p=$(port)
  serve "$1" "$p" memcached -u root -p "$p" -U 0 -l 127.0.0.1 -t 4 || return 1
  loaded "$1" memcached timeout $((SECS + 30)) memcaslap -s "127.0.0.1:$p" -t "${SECS}s" -c 32 -T 2 -S "${SECS}s"
  python3 - "$TMP/load.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
tps = re.findall(r"TPS: (\d+)", t)
# "Total Statistics": Log2 Dist rows "K: c0 c1 c2 c3" count latencies in [2^(K+i), 2^(K+i+1)) us
tot = t[t.rfind("Total Statistics"):]
b = {}
for k, cs in re.findall(r"^\s+(\d+):((?:\s+\d+)+)\s*$", tot, re.M):
    for i, c in enumerate(cs.split()): b[int(k) + i] = int(c)
n, acc, p99 = sum(b.values()), 0, 0
for e in sorted(b):
    acc += b[e]
    if n and acc >= 0.99 * n: p99 = 2 ** (e + 1); break
print(tps[-1] if tps else 0, p99)
PY
}

redis_run() { # MODE (native, tw, tw-look) -> "rps p99_ms" (SET and GET summed, the worse p99)
  local p; p=$(port)
  serve "$1" "$p" redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no || return 1
  loaded "$1" redis timeout $((SECS * 4 + 30)) redis-benchmark -p "$p" -t set,get -c 32 -n $((SECS * 20000)) --csv
  python3 - "$TMP/load.out" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
print(sum(float(r["rps"]) for r in rows) if rows else 0, max((float(r["p99_latency_ms"]) for r in rows), default=0))
PY
}

# field NAME RUNFN: alternate native and tw run, RUNS times; print the two figures
field() {
  local name=$1 fn=$2 i
  : >"$TMP/pairs"
  for i in $(seq 1 "$RUNS"); do
    local n t
    n=$($fn native) || return 1
    t=$($fn "$([ "$i" = "$RUNS" ] && echo tw-look || echo tw)") || return 1
    echo "$n $t" >>"$TMP/pairs"
  done
  python3 - "$name" "$TMP/pairs" <<'PY'
import json, statistics, sys
name = sys.argv[1]
pairs = [list(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
thr = [t[2] / t[0] for t in pairs if t[0] > 0]
lat = [t[3] / t[1] for t in pairs if t[1] > 0]
out = []
if thr: out.append('"field_%s_ratio": %s' % (name, json.dumps({"median": round(statistics.median(thr), 3), "p999": round(min(thr), 3), "runs": [round(x, 3) for x in thr]})))
if lat: out.append('"field_%s_p99_ratio": %s' % (name, json.dumps({"median": round(statistics.median(lat), 3), "p999": round(max(lat), 3), "runs": [round(x, 3) for x in lat]})))
print(",\n".join(out))
PY
}

lines=()
if command -v memcached >/dev/null && command -v memcaslap >/dev/null; then
  l=$(field memcached memcached_run) && [ -n "$l" ] && lines+=("$l")
else
  echo "bench: memcached or memcaslap not installed (make deps); field_memcached_* left out" >&2
fi
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
  l=$(field redis redis_run) && [ -n "$l" ] && lines+=("$l")
else
  echo "bench: redis-server or redis-benchmark not installed (make deps); field_redis_* left out" >&2
fi
[ ${#lines[@]} -gt 0 ] && (IFS=$'\n'; echo "${lines[*]}" | sed '$!s/$/,/' | sed 's/,,$/,/')
exit 0
