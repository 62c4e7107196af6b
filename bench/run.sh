#!/usr/bin/env bash
# bench/run.sh — runs every benchmark line of `make bench` and writes build/bench/results.json.
# Each line prints JSON members; this script joins them. A peer that cannot run here (e.g. no
# LTTng session daemon) is reported on stderr and its figure left out, never invented.
set -u
B=${B:-build}
out=$B/bench/results.json
mkdir -p "$B/bench"
parts=()
add() { local p; p=$("$@") && [ -n "$p" ] && parts+=("$p") || echo "bench: '$*' failed" >&2; }

add env -u TW_DISABLE "$B/bench/event_bench" event
add env TW_DISABLE=1 "$B/bench/event_bench" disabled
add "$B/bench/event_bench_off" compiled_out
# A blocking event, and the same with calling context (TW_BACKTRACE=fp); off, polls stay event_ns.
add env -u TW_DISABLE -u TW_BACKTRACE "$B/bench/event_bench" block
add env -u TW_DISABLE TW_BACKTRACE=fp "$B/bench/event_bench" backtrace

# LTTng-UST into an active session, started and stopped here.
if command -v lttng >/dev/null && [ -x "$B/bench/lttng_bench" ]; then
  export HOME=${HOME:-/root}
  pgrep -x lttng-sessiond >/dev/null || lttng-sessiond --daemonize --no-kernel >/dev/null 2>&1
  s=twbench$$
  if lttng create "$s" --output="$B/bench/lttng-trace" >/dev/null &&
     lttng enable-channel -u -s "$s" ch --subbuf-size=1M --num-subbuf=8 --overwrite >/dev/null &&
     lttng enable-event -u -s "$s" -c ch 'tw_bench:*' >/dev/null && lttng start "$s" >/dev/null; then
    add "$B/bench/lttng_bench"
    lttng stop "$s" >/dev/null; lttng destroy "$s" >/dev/null
  else
    echo "bench: could not start an LTTng session; lttng_ns left out" >&2
  fi
  rm -rf "$B/bench/lttng-trace"
fi

# Lines contributed by other parts of the tree (runtime, readers, adapters): executables
# bench/lines/*.sh each print JSON members.
for l in bench/lines/*.sh; do [ -x "$l" ] && add "$l"; done

{ echo "{"; (IFS=$'\n'; echo "${parts[*]}") | sed '$!s/$/,/' | sed 's/,,$/,/'; echo "}"; } > "$out.tmp"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$out.tmp" && mv "$out.tmp" "$out" || { echo "bench: results are not valid JSON" >&2; cat "$out.tmp" >&2; exit 1; }
