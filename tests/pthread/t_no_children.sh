#!/usr/bin/env bash
# `tw run --no-children` (issue 18, point 10): a program the instrumented process starts by exec
# runs without the adapter (not mapped, no region, not in `tw ps`), while a forked copy of the
# program stays instrumented; without the option both are instrumented, as before.
set -u
NAME=t-no-children
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/spawner"
# run [OPTION]: spawner under tw run; sets parent, execd, forked pids
run() {
    tw_run spawner "$@"
    for _ in $(seq 1 50); do grep -q exec-child "$TMP/spawner.out" && break; sleep 0.1; done
    parent=$(awk '$1=="parent"{print $2}' "$TMP/spawner.out") execd=$(awk '$1=="exec-child"{print $2}' "$TMP/spawner.out")
    forked=$(awk '$1=="fork-child"{print $2}' "$TMP/spawner.out")
    PIDS+=("$parent" "$execd" "$forked")
    [ -n "$parent" ] && [ -n "$execd" ] && [ -n "$forked" ] || fail "spawner did not start its children: $(cat "$TMP/spawner.out")"
    sleep 0.3
}
listed() { timeout 60 "$TW" ps --json | python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(sys.stdin)["processes"]))'; }
mapped() { grep -q libtw-pthread "/proc/$1/maps"; }
stop() { kill -9 "$parent" "$execd" "$forked" 2>/dev/null; sleep 0.2; }

run
ps_all=$(listed)
for p in "$parent" "$execd" "$forked"; do
    echo " $ps_all " | grep -q " $p " || fail "without --no-children, $p is not in tw ps ($ps_all)"
done
stop
echo "ok   $NAME: without the option, the exec'd child and the forked copy are instrumented"

run --no-children
ps_all=$(listed)
echo " $ps_all " | grep -q " $parent " && echo " $ps_all " | grep -q " $forked " ||
    fail "--no-children: parent $parent or forked copy $forked missing from tw ps ($ps_all)"
echo " $ps_all " | grep -q " $execd " && fail "--no-children: exec'd child $execd is in tw ps"
mapped "$execd" && fail "--no-children: exec'd child $execd has libtw-pthread mapped"
grep -q 'LD_PRELOAD=[^[:cntrl:]]*libtw-pthread' "/proc/$execd/environ" && fail "--no-children: exec'd child still has the adapter in LD_PRELOAD"
stop
echo "ok   $NAME: --no-children: the exec'd child runs uninstrumented, the forked copy stays instrumented"
