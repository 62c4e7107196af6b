# TurboWish for gdb: the `tw` command. Load with `gdb -x PATH/turbowish.py` or `source` it;
# `make install` makes plain gdb load it (docs/gdb.md). Python standard library and ctypes
# only; every analysis and rendering is libtwcore's, found at ../../lib/libtwcore.so from this
# file (the build tree and PREFIX share that layout) or through $TW_LIBTWCORE.
import os
import sys

import gdb


def _tw_load():
    here = os.path.dirname(os.path.abspath(__file__))
    pkg = os.path.join(here, "turbowish_gdb")
    if not os.path.isdir(pkg):
        raise gdb.GdbError("turbowish: %s is missing (install the whole share/gdb directory)" % pkg)
    # Another copy (say the installed one, then the build tree's) may be loaded already:
    # the last one sourced wins, commands and all.
    old = sys.modules.get("turbowish_gdb")
    if old is not None and os.path.dirname(os.path.abspath(old.__file__)) == pkg \
            and getattr(old, "registered", False):
        return          # this very copy is loaded already (gdbinit.d and auto-load both ran)
    if old is not None and os.path.dirname(os.path.abspath(old.__file__)) != pkg:
        for name in [m for m in sys.modules if m == "turbowish_gdb" or m.startswith("turbowish_gdb.")]:
            del sys.modules[name]
    if here in sys.path:
        sys.path.remove(here)
    sys.path.insert(0, here)
    import turbowish_gdb
    from turbowish_gdb import commands
    commands.register(here)
    turbowish_gdb.registered = True


_tw_load()
