#!/usr/bin/env bash
# tests/healthy/run.sh [CASE...] — busy programs that never hang, each sampled while it runs by
# `tw deadlocks --json` from the console, gdb and lldb at random instants. Fails on any sample
# that says certain (DESIGN.md: zero certain verdicts on healthy programs is a release
# criterion), on a program that died or stopped making progress while sampled, and on
# frontends that gave no answer. Prints the rate of `possible` per case, and per family and
# frontend (the figures of docs/alerts/deadlock.md).
#   CASE: a case name (prodcons-attach) or a prefix of names (prodcons, rt_); default: all.
#   HEALTHY_CONSOLE / HEALTHY_GDB / HEALTHY_LLDB: samples per program from each frontend (default
#     50, 5, 5: issue 17's floor), shared out over the program's cases (under `tw run`,
#     attach-only, beside spinners) — when a program has more cases than samples, a random
#     rotation picks which cases get one; HEALTHY_SCALE multiplies all three (make soak: 10).
#   HEALTHY_FRONTENDS: which frontends to use (default "console gdb lldb").
# Every certain sample is kept whole in build/tests/healthy/logs/CASE.FRONTEND.certain.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
. tests/lib/procs.sh healthy
BIN=build/tests/healthy
LOGS=$BIN/logs
SCALE=${HEALTHY_SCALE:-1}
declare -A QUOTA=([console]=$((${HEALTHY_CONSOLE:-50} * SCALE)) [gdb]=$((${HEALTHY_GDB:-5} * SCALE))
  [lldb]=$((${HEALTHY_LLDB:-5} * SCALE)))
FRONTENDS=${HEALTHY_FRONTENDS:-console gdb lldb}
rm -rf "$LOGS" && mkdir -p "$LOGS"
# lldb loads a private copy of its plugin (and libtwcore beside it), so a rebuild of build/lib
# while we sample cannot pull the file from under it; and no installed plugin loads beside it.
mkdir -p "$TMP/lib" && cp build/lib/turbowish-lldb.so build/lib/libtwcore.so "$TMP/lib/"
export TW_LLDB_PLUGIN=$TMP/lib/turbowish-lldb.so XDG_DATA_HOME=$TMP/xdg

# The corpus: NAME FAMILY MODE BINARY. Families: run (pthread programs under `tw run`), attach
# (the same programs with no instrumentation at all), loaded (the condvar, broadcast and barrier
# programs beside two CPU spinners, so wakes wait for a CPU), runtime, uv, tokio.
cases=()
for p in $BIN/*; do
  n=$(basename "$p")
  [ -f "tests/healthy/progs/$n.c" ] && cases+=("$n-run run run $p" "$n-attach attach attach $p")
  [ -f "tests/healthy/runtime/$n.c" ] && cases+=("$n runtime runtime $p")
done
cases+=("prodcons-run-loaded loaded run $BIN/prodcons" "prodcons-attach-loaded loaded attach $BIN/prodcons"
  "broadcast-attach-loaded loaded attach $BIN/broadcast" "barrier-attach-loaded loaded attach $BIN/barrier")
cases+=("uv_busy uv uv $BIN/uv_busy")
[ -x "$BIN/tokio-healthy" ] && cases+=("tokio-healthy tokio tokio $BIN/tokio-healthy")
selected() { local n=$1 c; shift; [ $# -eq 0 ] && return 0; for c; do [[ $n == "$c"* ]] && return 0; done; return 1; }
chosen=()
for c in "${cases[@]}"; do selected "${c%% *}" "$@" && chosen+=("$c"); done
[ ${#chosen[@]} -gt 0 ] || { echo "FAIL healthy: no case matches '$*'"; exit 1; }

launch() { # MODE BINARY
  case $1 in
    run) launch_ready "$TMP/out" 30 build/bin/tw run -- "$2" ;;
    uv) launch_ready "$TMP/out" 30 env TW_UV=1 LD_PRELOAD="$PWD/build/lib/libtw-uv.so" "$2" ;;
    *) launch_ready "$TMP/out" 30 "$2" ;;
  esac
}
SPINNERS=()
spin() { for _ in 1 2; do bash -c 'while :; do :; done' & SPINNERS+=($!); PIDS+=($!); disown $!; done; }
unspin() { for p in "${SPINNERS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; SPINNERS=(); }
declare -A CASES_OF=() SEEN=()
for c in "${chosen[@]}"; do b=${c##* }; CASES_OF[$b]=$((${CASES_OF[$b]:-0} + 1)); done
ROTATION=$RANDOM
# share QUOTA K N: the samples the K-th of a program's N cases takes (the shares add up to QUOTA)
share() { echo $(($1 / $3 + ((($2 + ROTATION) % $3) < ($1 % $3) ? 1 : 0))); }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
# still_busy PID: alive, and spending CPU (a healthy busy program that stopped would not)
still_busy() {
  local before after
  before=$(cpu_ticks "$1") || return 1
  sleep 0.5
  after=$(cpu_ticks "$1") || return 1
  [ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ]
}

RESULTS=$TMP/results
: >"$RESULTS"
failed=()
started=$SECONDS
# A test that cannot fail is a bug: the sampler must count a real deadlock (the philosophers
# of examples/deadlock) as certain, or a zero below would prove nothing.
if launch_ready "$TMP/out" 30 build/examples/deadlock; then
  line=$(python3 tests/healthy/sample.py deadlock-example console "$PID" 1 "$TMP")
  [[ $line == *" certain=1 "* ]] || failed+=("the sampler did not count examples/deadlock as certain: $line")
  kill -9 "$PID" 2>/dev/null
else
  failed+=("examples/deadlock: $LAUNCH_ERR")
fi
for c in "${chosen[@]}"; do
  read -r name family mode bin <<<"$c"
  [ "$family" = loaded ] && spin
  launch "$mode" "$bin" || { failed+=("$name: $LAUNCH_ERR"); echo "FAIL $name: $LAUNCH_ERR"; unspin; continue; }
  k=${SEEN[$bin]:-0}
  SEEN[$bin]=$((k + 1))
  for fe in $FRONTENDS; do
    n=$(share "${QUOTA[$fe]}" "$k" "${CASES_OF[$bin]}")
    [ "$n" -gt 0 ] || continue
    line=$(python3 tests/healthy/sample.py "$name" "$fe" "$PID" "$n" "$LOGS")
    echo "$line family=$family" | tee -a "$RESULTS"
  done
  still_busy "$PID" || { failed+=("$name: died or stopped working while sampled"); echo "FAIL $name: not alive and busy after sampling"; }
  kill -9 "$PID" 2>/dev/null
  unspin
done

# possible rates per family and frontend; every certain and every missing answer is a failure
python3 - "$RESULTS" <<'PY'
import collections, re, sys
rows = [dict(re.findall(r"(\w+)=(\S+)", l), case=l.split()[0], fe=l.split()[1]) for l in open(sys.argv[1]) if l.strip()]
agg = collections.defaultdict(lambda: [0, 0, 0, 0])
for r in rows:
    a = agg[(r["family"], r["fe"])]
    for i, k in enumerate(("samples", "certain", "possible", "errors")):
        a[i] += int(r[k])
print("family    frontend  samples  certain  possible  (rate)   errors")
for (fam, fe), (n, c, p, e) in sorted(agg.items()):
    print("%-9s %-9s %7d  %7d  %8d  (%4.1f %%) %6d" % (fam, fe, n, c, p, 100.0 * p / max(n - e, 1), e))
PY
certain=$(awk '{for (i = 3; i <= NF; i++) if ($i ~ /^certain=/) s += substr($i, 9)} END {print s + 0}' "$RESULTS")
errors=$(awk '{for (i = 3; i <= NF; i++) if ($i ~ /^errors=/) s += substr($i, 8)} END {print s + 0}' "$RESULTS")
total=$(awk '{for (i = 3; i <= NF; i++) if ($i ~ /^samples=/) s += substr($i, 9)} END {print s + 0}' "$RESULTS")
[ "$certain" -eq 0 ] || failed+=("$certain of $total samples said certain on a healthy program: $(cd "$LOGS" && ls ./*.certain | tr '\n' ' ')")
[ "$errors" -eq 0 ] || failed+=("$errors of $total samples gave no JSON: $(cd "$LOGS" && ls ./*.errors | tr '\n' ' ')")
echo "healthy: ${#chosen[@]} cases, $total samples in $((SECONDS - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAIL healthy: %s\n' "${failed[@]}"
  echo "(samples kept in $LOGS)"
  exit 1
fi
echo "healthy: no certain verdict on any healthy program"
