#!/usr/bin/env bash
# Attach-only facts on small hanging programs (and healthy busy ones), live and from gcore
# cores, built with -g, without -g, and with -O2. Pins down: the blocking call, the object,
# its owner/value, the program's blocking site, and that healthy programs never look stuck.
. "$(dirname "$0")/lib.sh"

hanging="cycle3 abba mutex_sem philosophers cond_lost join_forever rw_starve timed pi_robust"
n=0
for variant in g nog O2; do
  case $variant in
    g) flags="-g -O0" ;; nog) flags="-O0" ;; O2) flags="-g -O2" ;;
  esac
  # -O2 once per kind of wait is enough to pin down optimised frames; keeps the suite short
  progs=$hanging; [ "$variant" = O2 ] && progs="abba mutex_sem cond_lost"
  for s in $progs; do
    bin=$FX/$s.$variant
    gcc -std=gnu11 -D_GNU_SOURCE $flags -pthread -o "$bin" tests/attach/progs/$s.c || fail "cannot build $s"
    start "$bin"
    lines=; [ "$variant" != nog ] && lines=lines
    # "ready" is printed 200 ms after the last thread was started; on a loaded machine the
    # threads may need longer to reach their blocking calls, so the state may take a few
    # tries to converge (a wrong answer that persists still fails).
    for try in $(seq 1 10); do
      out=$(timeout 20 "$DUMP" pid "$PID" 2) || fail "$s/$variant: collector failed: $out"
      why=$(echo "$out" | $CHECK "$s" live $lines 2>&1) && why= && break
      sleep 0.5
    done
    [ -z "$why" ] || { echo "$out"; fail "$s/$variant live: $why"; }
    kill -0 "$PID" 2>/dev/null || fail "$s/$variant: the process did not survive being sampled"
    timeout 60 gcore -o "$FX/$s.$variant.core" "$PID" >/dev/null 2>&1 || fail "gcore $s"
    core=$FX/$s.$variant.core.$PID
    out=$(timeout 20 "$DUMP" core "$core" "$bin") || fail "$s/$variant: core collector failed: $out"
    echo "$out" | $CHECK "$s" core $lines || { echo "$out"; fail "$s/$variant core"; }
    rm -f "$core"
    kill -9 "$PID"
    n=$((n + 2))
  done
done
echo "t_scenarios: $n checks passed (9 programs x {-g, no -g}, 3 with -O2; each live and from gcore)"
