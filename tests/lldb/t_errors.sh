#!/usr/bin/env bash
# Behaviour: errors are one clear `error:` line and never take lldb down: with no process, and
# on a live region whose header was overwritten with garbage (three patterns) — after each,
# lldb still answers the next command.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
o=$(timeout 60 lldb -b -o "plugin load $PLUGIN" -o 'tw deadlocks' 2>&1)
echo "$o" | grep -q '^error: no target' || fail "tw with no target: $(echo "$o" | tail -1)"

start_example deadlock
region=$(awk '/memfd:turbowish/ && $3 == "00000000" { split($1, a, "-"); print "0x" a[1]; exit }' "/proc/$EX_PID/maps")
[ -n "$region" ] || fail "no memfd:turbowish mapping in the example"
head -c 200 /dev/zero | tr '\0' '\377' >"$TW_TMP/ff"          # every count and offset huge
head -c 4000 /dev/urandom >"$TW_TMP/random"                    # anything at all
printf '\x09\x00' >"$TW_TMP/abi"                               # ABI major 9 at offset 12
for pat in ff:24 random:24 abi:12; do
  f=${pat%%:*}; off=${pat##*:}
  addr=$(printf '0x%x' $((region + off)))
  o=$(timeout 120 lldb "${LLDB_PRE[@]}" -o "plugin load $PLUGIN" -p "$EX_PID" -o "memory write -i $TW_TMP/$f $addr" \
        -o 'tw tasks' -o 'tw deadlocks --json' -o 'tw bt 2' -o 'tw log 20' -o 'process status' </dev/null 2>&1)
  echo "$o" | grep -qi 'segmentation\|PLEASE submit\|Stack dump\|Aborted' && fail "$f: lldb crashed: $(echo "$o" | tail -5)"
  echo "$o" | grep -q "Process $EX_PID stopped" || echo "$o" | grep -q "^Process $EX_PID" || fail "$f: lldb did not survive to the next command: $(echo "$o" | tail -3)"
  n=$(echo "$o" | grep -c '^error:')
  [ "$n" -ge 1 ] || fail "$f: garbage region reported no error: $(echo "$o" | tail -5)"
  echo "$o" | grep '^error:' | awk 'length > 300 { exit 1 }' || fail "$f: error is not one short line"
  echo "  $f: $(echo "$o" | grep -m1 '^error:')"
  kill -9 "$EX_PID" 2>/dev/null; start_example deadlock
  region=$(awk '/memfd:turbowish/ && $3 == "00000000" { split($1, a, "-"); print "0x" a[1]; exit }' "/proc/$EX_PID/maps")
done
pass "errors are one line and lldb survives: no target, and 3 kinds of corrupt region"
