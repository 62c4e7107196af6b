#!/usr/bin/env bash
# Installs the lldb plugin: usage lldb-plugin/install.sh DESTDIR PREFIX (from the project root,
# after `make all`; called by tools/install.sh).
#   $DESTDIR$PREFIX/lib/turbowish-lldb.so            for `plugin load` by hand
#   ${XDG_DATA_HOME:-~/.local/share}/lldb/...        a copy lldb 14 loads at start-up (user plugin
#                                                    dir; TW_LLDB_PLUGIN_DIR overrides), only when
#                                                    DESTDIR is empty (a staged install has no user)
# The copies find libtwcore through the rpath $PREFIX/lib; when the build's rpath does not name
# this PREFIX the plugin is relinked from its objects with one that does.
set -eu
destdir=${1:-}
prefix=${2:-/usr/local}
so=build/lib/turbowish-lldb.so
[ -f "$so" ] || { echo "lldb-plugin/install.sh: $so is not built (run make all)"; exit 1; }

libdir="$destdir$prefix/lib"
mkdir -p "$libdir"
if readelf -d "$so" | grep -E 'R(UN)?PATH' | grep -q "\[.*$prefix/lib"; then
  install -m 0755 "$so" "$libdir/turbowish-lldb.so"
else
  ${CXX:-g++} -shared -o "$libdir/turbowish-lldb.so" build/obj/lldb-plugin/*.o -Lbuild/lib -ltwcore \
    -L/usr/lib/llvm-14/lib -llldb -Wl,-rpath,'$ORIGIN' -Wl,-rpath,"$prefix/lib" -pthread
fi
echo "installed $libdir/turbowish-lldb.so (load by hand: plugin load $prefix/lib/turbowish-lldb.so)"

if [ -z "$destdir" ]; then
  autodir=${TW_LLDB_PLUGIN_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/lldb}
  mkdir -p "$autodir"
  # lldb loads regular files only (not symlinks), so this is a copy.
  install -m 0755 "$libdir/turbowish-lldb.so" "$autodir/turbowish-lldb.so"
  echo "installed $autodir/turbowish-lldb.so (lldb loads it at start-up: lldb -p PID -o 'tw deadlocks')"
fi
