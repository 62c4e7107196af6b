#!/usr/bin/env bash
# make install: headers, libraries, pkg-config file, the tw console, and the debugger plugins
# where plain gdb and lldb load them. Usage: tools/install.sh DESTDIR PREFIX
set -eu
D=${1:-} P=${2:-/usr/local}
B=build
inst() { install -D -m "$1" "$2" "$D$3"; echo "installed $3"; }
for h in include/*.h; do inst 644 "$h" "$P/include/$(basename "$h")"; done
for l in $B/lib/libturbowish.so $B/lib/libturbowish.a $B/lib/libtwcore.so $B/lib/libtwrt.so $B/lib/libtw-pthread.so $B/lib/libtw-uv.so; do
  [ -e "$l" ] && inst 755 "$l" "$P/lib/$(basename "$l")"
done
sed "s|@PREFIX@|$P|g" shim/turbowish.pc.in > "$B/turbowish.pc.install"
inst 644 "$B/turbowish.pc.install" "$P/lib/pkgconfig/turbowish.pc"
[ -e $B/bin/tw ] && inst 755 $B/bin/tw "$P/bin/tw"
[ -e $B/share/gdb/turbowish.py ] && inst 644 $B/share/gdb/turbowish.py "$P/share/gdb/turbowish.py"
[ -e $B/lib/turbowish-lldb.so ] && inst 755 $B/lib/turbowish-lldb.so "$P/lib/turbowish-lldb.so"
for part in gdb-plugin lldb-plugin console; do
  [ -x "$part/install.sh" ] && "$part/install.sh" "$D" "$P"
done
if [ -z "$D" ] && command -v ldconfig >/dev/null; then ldconfig; fi
echo "make install: done (PREFIX=$P${D:+, DESTDIR=$D})"
