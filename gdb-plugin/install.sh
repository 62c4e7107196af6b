#!/usr/bin/env bash
# Installs the gdb plugin so that plain `gdb` has the `tw` command. Usage (from the project
# root, after `make all`; called by tools/install.sh): gdb-plugin/install.sh DESTDIR PREFIX
#   $DESTDIR$PREFIX/share/gdb/turbowish.py + turbowish_gdb/   the plugin (finds libtwcore at
#                                                              $PREFIX/lib/libtwcore.so)
#   $DESTDIR<gdb's system gdbinit dir>/turbowish.py          sources it at every gdb start-up
#                                                              (Debian: /etc/gdb/gdbinit.d;
#                                                              TW_GDB_INITDIR overrides)
#   $DESTDIR$PREFIX/lib/libturbowish.so-gdb.py               the auto-load alternative: gdb
#                                                              loads it with libturbowish.so when
#                                                              `add-auto-load-safe-path` allows
set -eu
destdir=${1:-}
prefix=${2:-/usr/local}
src=build/share/gdb
[ -f "$src/turbowish.py" ] || { echo "gdb-plugin/install.sh: $src/turbowish.py is not built (run make all)"; exit 1; }

share="$destdir$prefix/share/gdb"
install -D -m 0644 "$src/turbowish.py" "$share/turbowish.py"
for f in "$src"/turbowish_gdb/*.py; do
  install -D -m 0644 "$f" "$share/turbowish_gdb/$(basename "$f")"
done
echo "installed $prefix/share/gdb/turbowish.py (by hand: gdb -x $prefix/share/gdb/turbowish.py)"

# The loader both hooks use: source the installed plugin if it is still there.
hook() {
  cat <<PY
# TurboWish: the \`tw\` command in gdb (installed by gdb-plugin/install.sh; see docs/gdb.md).
import os
import gdb
_tw_plugin = "$prefix/share/gdb/turbowish.py"
if os.path.exists(_tw_plugin):
    # Not gdb's "source": a nested source leaves __file__ naming this hook, and the plugin
    # finds its package and libtwcore relative to its own file.
    with open(_tw_plugin) as _tw_f:
        exec(compile(_tw_f.read(), _tw_plugin, "exec"), {"__file__": _tw_plugin, "__name__": "turbowish"})
PY
}

initdir=${TW_GDB_INITDIR:-}
if [ -z "$initdir" ]; then
  initdir=$(gdb --configuration 2>/dev/null | sed -n 's/.*--with-system-gdbinit-dir=\([^ ]*\).*/\1/p' | head -1)
  initdir=${initdir:-/etc/gdb/gdbinit.d}
  initdir="$destdir$initdir"
fi
mkdir -p "$initdir"
hook > "$initdir/turbowish.py"
chmod 0644 "$initdir/turbowish.py"
echo "installed $initdir/turbowish.py (plain gdb loads the plugin at start-up)"

mkdir -p "$destdir$prefix/lib"
hook > "$destdir$prefix/lib/libturbowish.so-gdb.py"
chmod 0644 "$destdir$prefix/lib/libturbowish.so-gdb.py"
echo "installed $prefix/lib/libturbowish.so-gdb.py (auto-load: add-auto-load-safe-path $prefix/lib)"
