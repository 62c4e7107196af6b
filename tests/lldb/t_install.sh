#!/usr/bin/env bash
# Behaviour: lldb-plugin/install.sh puts the plugin where Debian's lldb 14 loads it at start-up
# ($XDG_DATA_HOME/lldb), so `lldb -p PID -o 'tw deadlocks'` works with no `plugin load`; the
# copy under PREFIX/lib finds PREFIX/lib/libtwcore.so.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
prefix=$TW_TMP/prefix
mkdir -p "$prefix/lib"
cp build/lib/libtwcore.so "$prefix/lib/"          # what the lead's install puts there
out=$(lldb-plugin/install.sh "" "$prefix" 2>&1) || fail "install.sh failed: $out"
[ -f "$prefix/lib/turbowish-lldb.so" ] || fail "no $prefix/lib/turbowish-lldb.so"
[ -f "$XDG_DATA_HOME/lldb/turbowish-lldb.so" ] || fail "nothing in $XDG_DATA_HOME/lldb"
readelf -d "$XDG_DATA_HOME/lldb/turbowish-lldb.so" | grep -q "$prefix/lib" || fail "the auto-loaded copy has no rpath to $prefix/lib"
start_example deadlock
o=$(timeout 120 lldb -b "${LLDB_PRE[@]}" -p "$EX_PID" -o 'tw deadlocks --json' 2>&1)
echo "$o" | jsonq 'any(d["certain"] for d in j["deadlocks"])' >/dev/null || fail "installed plugin not loaded at start-up: $(echo "$o" | tail -2)"
pass "installed to $XDG_DATA_HOME/lldb; lldb -p PID -o 'tw deadlocks' works without plugin load"
