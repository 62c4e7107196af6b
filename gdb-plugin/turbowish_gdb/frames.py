"""gdb's own symbol lookup, lent to libtwcore (twc_set_symbolizer) so that `tw task ID` names
the frames of the stacks TW_BACKTRACE recorded in the region.

libtwcore calls back with an address inside the call instruction (return address - 1) and
renders the answer itself, so gdb, lldb and the console print frames the same way. The
function is the concrete function around the address, as lldb and the console's ELF symbol
lookup name it, not an inlined callee's; the file and line are the line table's.
"""
import ctypes

import gdb

from . import stack


def _function(pc):
    """The outermost function block around pc (inlined blocks sit inside it), or the ELF
    (minimal) symbol when there is no debug information."""
    try:
        b = gdb.block_for_pc(pc)
    except RuntimeError:
        b = None
    name = None
    while b is not None and not b.is_global and not b.is_static:
        if b.function is not None:
            name = b.function.print_name
        b = b.superblock
    return name or stack._minsym(pc)


def _line(pc):
    try:
        sal = gdb.find_pc_line(pc)
    except RuntimeError:
        return None, 0
    if sal.symtab is None or not sal.line:
        return None, 0
    return sal.symtab.filename, sal.line


def _put(buf, size, text):
    data = (text or "").encode("utf-8", "replace")[:max(size - 1, 0)]
    ctypes.memmove(buf, data + b"\0", len(data) + 1)


class Symbolizer:
    """The ctypes callback; keep the object for as long as the session lives (ctypes frees the
    trampoline with it, and a freed trampoline called from C crashes gdb)."""

    def __init__(self, twcore):
        self.cb = twcore.SYMBOLIZE_FN(self._lookup)

    def _lookup(self, _ctx, pc, func, funclen, file, filelen, line):
        try:
            name = _function(pc)
            fname, lno = _line(pc)
            if not name and not fname:
                return -1
            _put(func, funclen, name)
            _put(file, filelen, fname)
            line[0] = lno if fname else 0
            return 0
        except BaseException:  # never raise into C: ctypes would print a traceback and return 0
            return -1
