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


def _object(pc):
    """The path of the module holding pc: a shared library's, else the program's own when gdb
    knows a symbol there (libtwcore makes the path canonical)."""
    try:
        ps = gdb.current_progspace()
        lib = ps.solib_name(pc)
        if lib:
            return lib
        if ps.block_for_pc(pc) is not None or stack._minsym(pc):
            return ps.filename
    except (RuntimeError, gdb.error, AttributeError):
        pass
    return None


def _put(buf, size, text):
    data = (text or "").encode("utf-8", "replace")[:max(size - 1, 0)]
    ctypes.memmove(buf, data + b"\0", len(data) + 1)


class Symbolizer:
    """The ctypes callback; keep the object for as long as the session lives (ctypes frees the
    trampoline with it, and a freed trampoline called from C crashes gdb)."""

    def __init__(self, twcore):
        self.cb = twcore.SYMBOLIZE_FN(self._lookup)

    def _lookup(self, _ctx, pc, func, funclen, file, filelen, line, obj, objlen):
        try:
            name = _function(pc)
            fname, lno = _line(pc)
            if not name and not fname:
                return -1
            _put(func, funclen, name)
            _put(file, filelen, fname)
            _put(obj, objlen, _object(pc))
            line[0] = lno if fname else 0
            return 0
        except BaseException:  # never raise into C: ctypes would print a traceback and return 0
            return -1


def thread_pcs(tid, limit):
    """pcs of thread tid's frames as gdb unwinds it, innermost first ([] when no such thread)."""
    th = None
    for t in gdb.selected_inferior().threads():
        if t.ptid[1] == tid or (t.ptid[1] == 0 and t.ptid[0] == tid):
            th = t
    if th is None:
        return []
    try:
        old, oldf = gdb.selected_thread(), gdb.selected_frame()
    except gdb.error:
        old, oldf = None, None
    pcs = []
    try:
        th.switch()
        f = gdb.newest_frame()
        while f is not None and len(pcs) < limit:
            # one pc per real frame (an inlined body shares its caller's pc), as lldb's and
            # the frame-pointer walk's
            if f.type() != gdb.INLINE_FRAME:
                pcs.append(f.pc())
            f = f.older()
    except gdb.error:
        pass
    finally:
        if old is not None and old.is_valid():
            old.switch()
            if oldf is not None and oldf.is_valid():
                oldf.select()
    return pcs


class ThreadStacks:
    """twc_thread_stack_fn over gdb's unwinder; keep it as long as the session (like Symbolizer)."""

    def __init__(self, twcore):
        self.cb = twcore.THREAD_STACK_FN(self._stack)

    def _stack(self, _ctx, tid, pcs, limit):
        try:
            got = thread_pcs(tid, limit)
            for i, pc in enumerate(got):
                pcs[i] = pc
            return len(got)
        except BaseException:  # never raise into C
            return 0
