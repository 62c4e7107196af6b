#!/usr/bin/env bash
# Targets attach-only cannot read give the exit statuses of DESIGN.md with one sentence:
# no such pid (2), a kernel thread (3), a process we may not trace (4), a file that is not a
# core (5). The collector itself returns them; the console passes them on.
set -u
cd "$(dirname "$0")/../.."
DUMP=$PWD/build/tests/attach/twa_dump
fail() { echo "FAIL: $*"; exit 1; }
expect() { # STATUS WORD CMD...: exit status and a word of the sentence
  local want=$1 word=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  [ "$rc" = "$want" ] || fail "$* exited $rc, want $want: $out"
  echo "$out" | grep -q "$word" || fail "$*: message lacks '$word': $out"
}
expect 2 "not found" "$DUMP" pid 999999999
kt=$(awk '$2 ~ /^\(kthreadd\)$/ {print $1}' /proc/[0-9]*/stat 2>/dev/null | head -1)
[ -n "$kt" ] && expect 3 "kernel thread" "$DUMP" pid "$kt"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  sleep 60 & victim=$!; disown "$victim"
  expect 4 "cannot attach" setpriv --reuid=65534 --regid=65534 --clear-groups "$DUMP" pid "$victim"
  kill -9 "$victim"
fi
head -c 4096 /dev/urandom >"${TMPDIR:-/tmp}/twa_notcore.$$"
expect 5 "not an ELF" "$DUMP" core "${TMPDIR:-/tmp}/twa_notcore.$$"
rm -f "${TMPDIR:-/tmp}/twa_notcore.$$"
expect 5 "not a core" "$DUMP" core /bin/sh
expect 2 "cannot open" "$DUMP" core /nonexistent/core
echo "t_errors: not found 2, kernel thread 3, not traceable 4, not a core 5"
