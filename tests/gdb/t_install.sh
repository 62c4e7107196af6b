#!/usr/bin/env bash
# gdb-plugin/install.sh: installs the plugin under PREFIX with a gdbinit.d hook (what plain
# gdb reads at start-up: checked against this gdb's configuration) and the auto-load hook
# beside libturbowish.so; both hooks load a working `tw` command from PREFIX alone.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/lib/libturbowish.so build/lib/libtwrt.so build/examples/deadlock
gdb --configuration | grep -q -- '--with-system-gdbinit-dir=' || fail "this gdb reads no system gdbinit dir"
sysdir=$(gdb --configuration | sed -n 's/.*--with-system-gdbinit-dir=\([^ ]*\).*/\1/p' | head -1)

# A staged install: everything lands under DESTDIR, the hook names PREFIX.
out=$(gdb-plugin/install.sh "$TMP/stage" /opt/tw 2>&1) || fail "install.sh failed: $out"
for f in /opt/tw/share/gdb/turbowish.py /opt/tw/share/gdb/turbowish_gdb/commands.py "$sysdir/turbowish.py" \
         /opt/tw/lib/libturbowish.so-gdb.py; do
  [ -f "$TMP/stage$f" ] || fail "staged install lacks $f"
done
grep -q '"/opt/tw/share/gdb/turbowish.py"' "$TMP/stage$sysdir/turbowish.py" || fail "the gdbinit.d hook does not name PREFIX"

# A real install into a private PREFIX (hooks pointed there), with the libraries beside it.
P=$TMP/prefix
TW_GDB_INITDIR=$TMP/initdir gdb-plugin/install.sh "" "$P" >/dev/null 2>&1 || fail "install.sh into $P failed"
mkdir -p "$P/bin"
cp build/lib/libtwcore.so build/lib/libturbowish.so build/lib/libtwrt.so "$P/lib/"
cp build/examples/deadlock "$P/bin/deadlock"          # its rpath $ORIGIN/../lib is $P/lib
start "$P/bin/deadlock"
# What gdb does with a file in its system gdbinit dir: source it before anything else.
o=$(cd / && timeout 180 gdb -batch -nx -x "$TMP/initdir/turbowish.py" -p "$PID" -ex 'tw deadlocks --json' 2>&1)
echo "$o" | json 'j["deadlocks"][0]["certain"]' >/dev/null || fail "gdbinit.d hook: no tw deadlocks: $(echo "$o" | tail -2)"
echo "$o" | grep -q "Python Exception" && fail "gdbinit.d hook: $o"
# The auto-load alternative: allowed by add-auto-load-safe-path, loaded with libturbowish.so.
o=$(cd / && timeout 180 gdb -batch -nx -iex "add-auto-load-safe-path $P/lib" -p "$PID" -ex 'tw deadlocks --json' 2>&1)
echo "$o" | json 'j["deadlocks"][0]["certain"]' >/dev/null || fail "auto-load hook: no tw deadlocks: $(echo "$o" | tail -2)"
# Not allowed: gdb refuses the script and says how to allow it; no tw command.
o=$(cd / && timeout 180 gdb -batch -nx -p "$PID" -ex 'tw deadlocks --json' 2>&1)
echo "$o" | grep -q 'auto-load' || fail "auto-load without safe-path: gdb said nothing about auto-load"
# Both hooks together load the plugin once.
o=$(cd / && timeout 180 gdb -batch -nx -x "$TMP/initdir/turbowish.py" -iex "add-auto-load-safe-path $P/lib" -p "$PID" -ex 'tw tasks --json' 2>&1)
echo "$o" | json '"tasks" in j' >/dev/null || fail "both hooks: $(echo "$o" | tail -2)"
ok "install.sh: staged files, gdbinit.d hook ($sysdir) and auto-load hook both give a working tw"
