#!/usr/bin/env bash
# Hostile and wrong input: each gives one sentence on stderr and DESIGN.md's exit status
# (1 usage, 2 not found, 3 no region, 4 permission, 5 corrupt) quickly, never a crash.
. tests/console/lib.sh
expect_status 1 "no target is a usage error" -- $TW tasks
expect_status 1 "unknown command is a usage error" -- $TW frobnicate --pid 1
expect_status 1 "two targets are a usage error" -- $TW tasks --pid 1 --file x
expect_status 1 "a pid that is not a number is a usage error" -- $TW tasks --pid 12abc
expect_status 1 "an option without its value is a usage error" -- $TW tasks --pid
expect_status 2 "a pid that does not exist is not found" -- $TW tasks --pid 4000000
expect_status 2 "a snapshot file that does not exist is not found" -- $TW tasks --file "$TMP/nope.tw"
head -c 4096 /dev/urandom >"$TMP/garbage.tw"
expect_status 5 "a garbage file is corrupt" -- $TW tasks --file "$TMP/garbage.tw"
: >"$TMP/empty.tw"
expect_status 5 "an empty file is corrupt" -- $TW tasks --file "$TMP/empty.tw"
kt=$(for p in /proc/[0-9]*; do f=$(awk '{print $9}' "$p/stat" 2>/dev/null); [ -n "$f" ] && [ $((f & 0x200000)) -ne 0 ] && basename "$p" && break; done)
if [ -n "$kt" ]; then
  expect_status 3 "a kernel thread has no region and cannot be attached" -- $TW tasks --pid "$kt"
  grep -q "kernel thread" "$TMP/err" || fail "kernel thread message does not say so: $(cat "$TMP/err")"
fi
SNAP=build/scenarios/abba.tw
if [ -f "$SNAP" ]; then
  head -c 100 "$SNAP" >"$TMP/short.tw"
  expect_status 5 "a snapshot cut inside its header is truncated" -- $TW tasks --file "$TMP/short.tw"
  head -c $(( $(stat -c %s "$SNAP") / 2 )) "$SNAP" >"$TMP/half.tw"
  expect_status 5 "a snapshot cut in half is truncated" -- $TW tasks --file "$TMP/half.tw"
  head -c $(( $(stat -c %s "$SNAP") - 4096 )) "$SNAP" >"$TMP/tail.tw"
  expect_status 5 "a snapshot missing only its last page (ring tail) is truncated" -- $TW tasks --file "$TMP/tail.tw"
  cp "$SNAP" "$TMP/abi.tw"; printf '\x63' | dd of="$TMP/abi.tw" bs=1 seek=12 conv=notrunc 2>/dev/null
  expect_status 5 "a region of a newer ABI major is unsupported" -- $TW tasks --file "$TMP/abi.tw"
  cp "$SNAP" "$TMP/bom.tw"; printf '\x01\x02\x03\x04' | dd of="$TMP/bom.tw" bs=1 seek=8 conv=notrunc 2>/dev/null
  expect_status 5 "a region in the other byte order is unsupported" -- $TW tasks --file "$TMP/bom.tw"
  expect_status 0 "the intact snapshot validates" -- $TW validate --file "$SNAP"
else
  fail "$SNAP is not built (make all builds it)"
fi
# Permission: an unprivileged user may not look into root's process.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  # the other user needs a tw it can load: the checkout may sit in a directory only root can
  # enter (mktemp -d makes them 0700), so give it a copy in a place it can traverse
  NB=$TMP/as-nobody
  mkdir -p "$NB/bin" "$NB/lib" && cp "$TW" "$NB/bin/tw" && cp build/lib/libtwcore.so "$NB/lib/"
  chmod 711 "$TMP" && chmod -R a+rX "$NB"
  sleep 30 & sp=$!; disown "$sp"; PIDS+=("$sp")
  expect_status 4 "another user's process is permission refused" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$NB/bin/tw" tasks --pid "$sp"
  grep -q "permission refused" "$TMP/err" || fail "permission message does not say so"
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$NB/bin/tw" ps 2>&1)
  echo "$out" | grep -q "permission refused for" || fail "tw ps hides permission refusals: $out"
fi
finish
