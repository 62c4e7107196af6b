#!/usr/bin/env bash
# C++ programs read as C++, attach-only from the console (issue 22): examples/cpp's cpp-bank (ABBA
# on std::mutex members of `static Account alice, bob`) and cpp-future (a std::future whose
# promise is never set), built -O1 -g, -O0 -g, -O2 -g and -O2, live and from gcore cores. Pins:
# mutexes named by member path (bob.m, not _ZL3bob), the site at the user's line inside inlined
# libstdc++ (bank.cpp:9, not gthr-default.h:749) in the demangled function, threads named after
# their start function (transfer, deliver), and the future a resource of kind future.
set -u
cd "$(dirname "$0")/../.."
TW=build/bin/tw
. tests/lib/cpp.sh
for f in $TW build/examples/cpp-bank build/examples/cpp-future-O2; do [ -e "$f" ] || { echo "FAIL t_cpp: $f is not built"; exit 1; }; done
TMP=$(mktemp -d -t twcpp.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t_cpp: $*"; exit 1; }
start() {
  "$1" >"$TMP/out" 2>&1 &
  PID=$!; disown "$PID"; PIDS+=("$PID")
  for _ in $(seq 1 100); do
    grep -q 'tw-example: ready' "$TMP/out" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || fail "$1 exited before ready"
    sleep 0.05
  done
  fail "$1 not ready"
}
n=0
for prog in cpp-bank cpp-future; do
  for v in "" -O0 -O2g -O2; do
    bin=build/examples/$prog$v
    start "$bin"
    want=$(cpp_want $prog "$v")
    for try in 1 2 3 4 5; do # a loaded machine may need a moment to bring every thread to its wait
      got=$(timeout 30 "$TW" deadlocks --pid "$PID" --json | cpp_summary)
      [ "$got" = "$want" ] && break
      sleep 0.3
    done
    [ "$got" = "$want" ] || fail "$prog$v live: '$got', want '$want'"
    timeout 60 gcore -o "$TMP/core" "$PID" >/dev/null 2>&1 || fail "gcore $prog$v"
    want=$(cpp_want $prog "$v" core)
    got=$(timeout 30 "$TW" deadlocks --core "$TMP/core.$PID" --exe "$bin" --json | cpp_summary)
    rm -f "$TMP/core.$PID"
    [ "$got" = "$want" ] || fail "$prog$v core: '$got', want '$want'"
    kill -9 "$PID"
    n=$((n + 2))
  done
done
echo "t_cpp: $n checks passed (cpp-bank and cpp-future at -O1 -g, -O0 -g, -O2 -g, -O2; live and core)"
