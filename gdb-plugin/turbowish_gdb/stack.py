"""The stack of a parked task under gdb's own unwinder: `tw bt ID --gdb` and `tw frame ID`.

A parked task is not on any thread: its registers are saved in its task record
(twc_task_context: rip, rsp, rbp, callee-saved registers, stack bounds). Plain `tw bt` is
libtwcore's frame-pointer walk over the memory gdb lends it. `tw bt --gdb` and `tw frame ID`
use an unwinder that makes the selected thread's innermost frame return into the task's saved
context, so plain `bt`, `frame N`, `info locals` and `p` work on the task with gdb's full DWARF
unwinding.
"""
import re

import gdb

try:
    import gdb.unwinder
    HAVE_UNWINDER = True
except ImportError:
    HAVE_UNWINDER = False

MAX_FRAMES = 128
SAVED = ("rip", "rsp", "rbp", "rbx", "r12", "r13", "r14", "r15")


def minimal_symbol(pc):
    """(name, start address) of the ELF symbol covering pc — never an inlined function's —
    or (None, 0)."""
    try:
        out = gdb.execute("info symbol 0x%x" % pc, to_string=True)
    except gdb.error:
        return None, 0
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", out)
    return (m.group(1), pc - int(m.group(2) or 0)) if m else (None, 0)


def _minsym(pc):
    return minimal_symbol(pc)[0]


def symbolise(pc, is_return):
    """dict pc, func, file, line, lib for one frame. Return addresses are looked up at pc-1
    (the call), like gdb does for caller frames."""
    look = pc - 1 if is_return and pc > 0 else pc
    func = None
    try:
        b = gdb.block_for_pc(look)
    except RuntimeError:
        b = None
    while b is not None and b.function is None:
        b = b.superblock
    if b is not None and b.function is not None:
        func = b.function.print_name
    if func is None:
        func = _minsym(look)
    fname, line = None, 0
    try:
        sal = gdb.find_pc_line(look)
        if sal.symtab is not None and sal.line:
            fname, line = sal.symtab.filename, sal.line
    except RuntimeError:
        pass
    lib = None
    try:
        lib = gdb.current_progspace().solib_name(look)
    except RuntimeError:
        pass
    return {"pc": pc, "func": func, "file": fname, "line": line, "lib": lib}


def frames_gdb(ctx):
    """The task's frames as gdb's own unwinder sees them (DWARF CFI, inlined frames), by putting
    the task under the selected thread's frame 0 for a moment. [] when it cannot."""
    if UNWINDER is None:
        return []
    th = gdb.selected_thread()
    if th is None:
        return []
    saved = (UNWINDER.ptid, UNWINDER.task, UNWINDER.regs)
    try:
        sel = gdb.selected_frame()
    except gdb.error:
        sel = None
    out = []
    try:
        UNWINDER.set(th.ptid, None, ctx)
        f = gdb.newest_frame().older()
        while f is not None and len(out) < MAX_FRAMES:
            pc = f.pc()
            if pc == 0:
                break
            if f.type() == gdb.INLINE_FRAME:   # one pc per real frame, as the walk's
                f = f.older()
                continue
            d = symbolise(pc, True)
            name = f.name()
            if name:
                d["func"] = name
            sal = f.find_sal()
            if sal.symtab is not None and sal.line:
                d["file"], d["line"] = sal.symtab.filename, sal.line
            out.append(d)
            f = f.older()
    except (gdb.error, gdb.MemoryError, RuntimeError):
        pass
    finally:
        UNWINDER.ptid, UNWINDER.task, UNWINDER.regs = saved
        gdb.invalidate_cached_frames()
        if sel is not None and sel.is_valid():
            sel.select()
    return out


# ---- tw frame: an unwinder that puts a task's stack under the selected thread ----

class _FrameId:
    """What create_unwind_info wants: an object with sp and pc (gdb 14 has gdb.unwinder.FrameId)."""

    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


if HAVE_UNWINDER:
    FrameId = getattr(gdb.unwinder, "FrameId", _FrameId)

    class TaskUnwinder(gdb.unwinder.Unwinder):
        """Makes frame 0 of one thread return into a parked task's saved registers."""

        def __init__(self):
            gdb.unwinder.Unwinder.__init__(self, "turbowish-task")
            self.ptid = None
            self.regs = None
            self.task = None

        def set(self, ptid, task, regs):
            self.ptid, self.task, self.regs = ptid, task, regs
            gdb.invalidate_cached_frames()

        def clear(self):
            self.ptid = self.task = self.regs = None
            gdb.invalidate_cached_frames()

        def __call__(self, pending):
            if self.regs is None:
                return None
            try:
                if pending.level() != 0:
                    return None
                th = gdb.selected_thread()
                if th is None or th.ptid != self.ptid:
                    return None
                sp = pending.read_register("rsp")
                pc = pending.read_register("rip")
                info = pending.create_unwind_info(FrameId(sp, pc))
                for r in SAVED:
                    t = pending.read_register(r).type
                    info.add_saved_register(r, gdb.Value(self.regs[r]).cast(t))
                return info
            except (gdb.error, RuntimeError, ValueError, AttributeError):
                return None

    UNWINDER = TaskUnwinder()
    gdb.unwinder.register_unwinder(None, UNWINDER, replace=True)
else:
    UNWINDER = None
