"""The stack of a parked task: `tw bt ID` and the `tw frame ID` unwinder.

A parked task is not on any thread: its registers are saved in its task record
(twc_task_context: rip, rsp, rbp, callee-saved registers, stack bounds). `tw bt` walks the
frame-pointer chain from the saved rbp over target memory (the runtime, the shim and the
examples are built with frame pointers), bounded by the task's stack, and symbolises each pc
with gdb's own symbol tables. `tw frame ID` installs an unwinder that makes the selected
thread's innermost frame return into the task's saved context, so plain `bt`, `frame N`,
`info locals` and `p` work on the task with gdb's full DWARF unwinding.
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


def _minsym(pc):
    try:
        out = gdb.execute("info symbol 0x%x" % pc, to_string=True)
    except gdb.error:
        return None
    m = re.match(r"(\S+)(?: \+ \d+)? in section", out)
    return m.group(1) if m else None


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


def walk(memory, ctx):
    """pcs of the task's frames, innermost first, by the frame-pointer chain."""
    pcs = [ctx["rip"]]
    lo, hi = ctx.get("stack_lo", 0), ctx.get("stack_hi", 0)
    fp = ctx["rbp"]
    prev = 0
    while len(pcs) < MAX_FRAMES:
        if fp == 0 or fp % 8 or fp <= prev:
            break
        if lo and hi and not (lo <= fp and fp + 16 <= hi):
            break
        try:
            nxt = memory.read_u64(fp)
            ret = memory.read_u64(fp + 8)
        except gdb.MemoryError:
            break
        if ret == 0:
            break
        pcs.append(ret)
        prev, fp = fp, nxt
    return pcs


def frames(memory, ctx):
    return [symbolise(pc, i > 0) for i, pc in enumerate(walk(memory, ctx))]


def format_frame(i, f):
    s = "#%-2d 0x%016x in %s (" % (i, f["pc"], f["func"] or "??")
    if f["file"]:
        s += "%s:%d)" % (f["file"], f["line"])
    else:
        s += ")"
        if f["lib"]:
            s += " from %s" % f["lib"]
    return s


# ---- tw frame: an unwinder that puts a task's stack under the selected thread ----

if HAVE_UNWINDER:
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
                info = pending.create_unwind_info(gdb.unwinder.FrameId(sp, pc))
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
