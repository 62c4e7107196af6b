"""Attach-only: facts about a process (or core) with no TurboWish region, from its threads.

For each thread: is it blocked in a system call, in which call (pthread_mutex_lock, sem_wait,
pthread_cond_wait, pthread_join, a sleep, I/O...), on which object, and where in the
program's own code. For each object: its kind, its owner (glibc's mutex __owner, rwlock
__cur_writer) and a semaphore's value. The facts go to libtwcore (twc_open_facts), which
builds the model and does every analysis and every rendering: this module decides nothing
about deadlocks.

Sources of the object address, best first:
  1. glibc's own debug info (libc6-dbg): the argument of the glibc frame (mutex, cond, sem...);
  2. the futex system call's address argument: a thread stopped in a syscall keeps its
     arguments in its registers ($rdi = uaddr; orig_rax says which syscall), and the futex word
     sits at a fixed offset in each glibc object;
  3. the caller's code: the argument registers loaded before its call (callsite.py).
"""
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import gdb

from . import callsite
from . import glibc
from . import target
from . import twcore as T

SYS_FUTEX = 202
SYS_RESTART = 219
FUTEX_CMD_MASK = ~(128 | 256)
FUTEX_WAITS = {0, 6, 9, 11, 13}     # WAIT, LOCK_PI, WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI2
IN_SYSCALL_RAX = {-512, -513, -514, -516, -38, -4}
SLEEP_SYSCALLS = {35, 230}                       # nanosleep, clock_nanosleep
IO_SYSCALLS = {0, 7, 17, 19, 23, 34, 43, 45, 47, 61, 232, 247, 270, 271, 281, 288, 299, 128, 130}
MAX_FRAMES = 32

# (name prefix after normalisation, block kind, timed, names of glibc's argument variables)
RULES = [
    ("pthread_mutex_timedlock", T.BLOCK_MUTEX, 1, ("mutex",)),
    ("pthread_mutex_clocklock", T.BLOCK_MUTEX, 1, ("mutex",)),
    ("pthread_mutex_lock", T.BLOCK_MUTEX, 0, ("mutex",)),
    ("pthread_rwlock_timedrdlock", T.BLOCK_RWLOCK_RD, 1, ("rwlock",)),
    ("pthread_rwlock_clockrdlock", T.BLOCK_RWLOCK_RD, 1, ("rwlock",)),
    ("pthread_rwlock_rdlock", T.BLOCK_RWLOCK_RD, 0, ("rwlock",)),
    ("pthread_rwlock_timedwrlock", T.BLOCK_RWLOCK_WR, 1, ("rwlock",)),
    ("pthread_rwlock_clockwrlock", T.BLOCK_RWLOCK_WR, 1, ("rwlock",)),
    ("pthread_rwlock_wrlock", T.BLOCK_RWLOCK_WR, 0, ("rwlock",)),
    ("sem_timedwait", T.BLOCK_SEM, 1, ("sem",)),
    ("sem_clockwait", T.BLOCK_SEM, 1, ("sem",)),
    ("new_sem_wait", T.BLOCK_SEM, 0, ("sem",)),
    ("sem_wait", T.BLOCK_SEM, 0, ("sem",)),
    ("pthread_cond_timedwait", T.BLOCK_COND, 1, ("cond",)),
    ("pthread_cond_clockwait", T.BLOCK_COND, 1, ("cond",)),
    ("pthread_cond_wait", T.BLOCK_COND, 0, ("cond",)),
    ("pthread_timedjoin", T.BLOCK_JOIN, 1, ("threadid",)),
    ("pthread_clockjoin_np", T.BLOCK_JOIN, 1, ("threadid",)),
    ("pthread_clockjoin_ex", T.BLOCK_JOIN, 0, ("threadid",)),
    ("pthread_join", T.BLOCK_JOIN, 0, ("threadid",)),
    ("pthread_barrier_wait", T.BLOCK_BARRIER, 0, ("barrier",)),
]
SLEEP_NAMES = {"nanosleep", "clock_nanosleep", "sleep", "usleep", "thrd_sleep", "libc_nanosleep"}
IO_NAMES = {"poll", "ppoll", "select", "pselect", "pselect6", "epoll_wait", "epoll_pwait", "read",
            "libc_read", "readv", "recv", "libc_recv", "recvfrom", "recvmsg", "libc_recvmsg",
            "accept", "libc_accept", "accept4", "wait4", "waitpid", "libc_waitpid", "waitid",
            "pause", "libc_pause", "sigsuspend", "sigwait", "sigtimedwait", "sigwaitinfo", "msgrcv",
            "connect", "libc_connect", "write", "libc_write", "sendmsg", "send", "sendto",
            "flock", "lockf", "open", "open64", "openat", "openat64", "libc_open64", "fsync",
            "fdatasync", "wait", "system"}
KIND_OF_BLOCK = {T.BLOCK_MUTEX: T.RES_MUTEX, T.BLOCK_RWLOCK_RD: T.RES_RWLOCK,
                 T.BLOCK_RWLOCK_WR: T.RES_RWLOCK, T.BLOCK_SEM: T.RES_SEMAPHORE,
                 T.BLOCK_COND: T.RES_CONDVAR, T.BLOCK_BARRIER: T.RES_BARRIER,
                 T.BLOCK_UNKNOWN: T.RES_OTHER}
SYSTEM_DIRS = ("/lib/", "/lib32/", "/lib64/", "/usr/lib/", "/usr/lib32/", "/usr/lib64/", "/usr/libexec/")


def normalise(name):
    """__GI___pthread_mutex_lock -> pthread_mutex_lock; ___pthread_cond_wait -> pthread_cond_wait."""
    n = name.split("@")[0].lstrip("_")
    if n.startswith("GI_"):
        n = n[3:].lstrip("_")
    return n


def classify(name):
    """(block, timed, argnames) for a function name, or None."""
    if not name:
        return None
    n = normalise(name)
    for prefix, block, timed, args in RULES:
        if n.startswith(prefix):
            return block, timed, args
    if n in SLEEP_NAMES or n.rstrip("64") in SLEEP_NAMES:
        return T.BLOCK_SLEEP, 1, ()
    if n in IO_NAMES or n.rstrip("64") in IO_NAMES:
        return T.BLOCK_IO, 0, ()
    return None


class ThreadFact:
    def __init__(self, tid, name):
        self.tid = tid
        self.name = name
        self.block = T.BLOCK_NONE
        self.timed = 0
        self.object = 0
        self.object2 = 0
        self.file = None
        self.line = 0
        self.func = None
        self.call = None         # the blocking call ("pthread_mutex_lock")
        self.how = None          # where the object address came from
        self.frames = []         # (pc, cfa, sp, fp) of the program's own frames, for naming locals
        self.switches = 0        # context switches read in the run window (window.py), 0 unknown

    def as_dict(self):
        return {"tid": self.tid, "name": self.name, "block": T.BLOCK_NAMES[self.block],
                "timed": bool(self.timed), "object": self.object, "object2": self.object2,
                "file": self.file, "line": self.line, "func": self.func, "call": self.call,
                "object_from": self.how}


class ObjectFact:
    def __init__(self, addr, kind):
        self.addr = addr
        self.kind = kind
        self.owner = 0
        self.value = -1

    def as_dict(self):
        return {"addr": self.addr, "kind": self.kind, "owner_tid": self.owner, "value": self.value}


class Collected:
    """One set of facts (after one or two samples), ready for twc_open_facts."""

    def __init__(self, threads, objects, layout, live, exe, bias):
        self.threads = threads
        self.objects = objects
        self.layout = layout
        self.live = live
        self.exe = exe
        self.bias = bias
        self.samples = 1
        self.samples_agree = 0
        self.sample_note = None
        self.source = layout.source

    def describe(self):
        blocked = sum(1 for t in self.threads if t.block != T.BLOCK_NONE)
        if not self.live:
            s = "one sample from a core file"
        elif self.samples == 2:
            s = "two samples %s" % ("agree" if self.samples_agree else "differ")
        else:
            s = "one sample" + (" (%s)" % self.sample_note if self.sample_note else "")
        return "%d threads, %d blocked, %s; %s" % (len(self.threads), blocked, s, self.source)

    def as_dict(self):
        return {"threads": [t.as_dict() for t in self.threads],
                "objects": [o.as_dict() for o in self.objects.values()],
                "samples": self.samples, "samples_agree": bool(self.samples_agree),
                "from_core": not self.live, "exe": self.exe, "load_bias": self.bias,
                "source": self.source}

    def to_ctypes(self):
        """(struct twc_facts, keep-alive list)."""
        keep = []

        def cs(s):
            if s is None:
                return None
            b = s.encode("utf-8", "replace")
            keep.append(b)
            return b

        nt = len(self.threads)
        ta = (T.FactThread * max(nt, 1))()
        for i, t in enumerate(self.threads):
            ta[i].tid = t.tid
            ta[i].name = cs(t.name)
            ta[i].block = t.block
            ta[i].timed = t.timed
            ta[i].object = t.object
            ta[i].object2 = t.object2
            ta[i].file = cs(t.file)
            ta[i].line = t.line
            ta[i].func = cs(t.func)
            ta[i].switches = t.switches
        objs = list(self.objects.values())
        oa = (T.FactObject * max(len(objs), 1))()
        for i, o in enumerate(objs):
            oa[i].addr = o.addr
            oa[i].kind = o.kind
            oa[i].owner_tid = o.owner
            oa[i].value = o.value
            oa[i].name = None            # libtwcore names it from exe's symbols, like the console
        frames = [(t.tid,) + fr for t in self.threads for fr in t.frames]
        fa = (T.FactFrame * max(len(frames), 1))()
        for i, fr in enumerate(frames):
            fa[i].tid, fa[i].pc, fa[i].cfa, fa[i].sp, fa[i].fp = fr
        keep += [ta, oa, fa]
        f = T.Facts()
        f.frames = fa
        f.nframes = len(frames)
        f.threads = ta
        f.nthreads = nt
        f.objects = oa
        f.nobjects = len(objs)
        f.samples_agree = self.samples_agree
        f.from_core = 0 if self.live else 1
        f.exe = cs(self.exe)
        f.load_bias = self.bias
        f.source = cs(self.source)
        return f, keep


# ---- one thread ----

def _reg(frame, name):
    try:
        return int(frame.read_register(name)) & 0xFFFFFFFFFFFFFFFF
    except (gdb.error, ValueError):
        return None


def _signed64(v):
    return v - (1 << 64) if v is not None and v >= 1 << 63 else v


class CodeMap:
    """Which pcs are the program's own code (the executable, or a library outside the
    system directories that is not TurboWish's own)."""

    def __init__(self, exe):
        self.exe = exe
        self.exe_ranges = []
        real = os.path.realpath(exe) if exe else None
        for start, end, name in target.mappings():
            if name and real and os.path.realpath(name.replace(" (deleted)", "")) == real:
                self.exe_ranges.append((start, end))
        self.ps = gdb.current_progspace()

    def own(self, pc):
        lib = self.ps.solib_name(pc)
        if lib is None:
            if self.exe_ranges:
                return any(s <= pc < e for s, e in self.exe_ranges)
            try:
                b = gdb.block_for_pc(pc)
            except RuntimeError:
                b = None
            if b is not None and b.function is not None:
                return b.function.symtab.objfile.filename == self.exe
            return False
        base = os.path.basename(lib)
        if base.startswith("libtw") or base.startswith("libturbowish"):
            return False
        return not lib.startswith(SYSTEM_DIRS)


def _frames(thread):
    out = []
    try:
        f = gdb.newest_frame()
    except gdb.error:
        return out
    while f is not None and len(out) < MAX_FRAMES:
        out.append(f)
        try:
            f = f.older()
        except gdb.error:
            break
    return out


def _own_frames(frames, codemap):
    """(pc, cfa, sp, fp) of each of the program's own frames, for libtwcore to find the
    locals they hold ("main:mu1"): it decides the names, we only say where each frame is. A
    frame's CFA is its caller's rsp as unwound; a caller's pc is looked up inside its call."""
    out = []
    for i, f in enumerate(frames):
        try:
            pc = f.pc()
        except gdb.error:
            break
        if not codemap.own(pc):
            continue
        cfa = _reg(frames[i + 1], "rsp") if i + 1 < len(frames) else None
        out.append((pc - 1 if i > 0 else pc, cfa or 0, _reg(f, "rsp") or 0, _reg(f, "rbp") or 0))
    return out


def _frame_name(f):
    try:
        n = f.name()
    except gdb.error:
        n = None
    return n


def _read_arg(frames, names):
    """An argument of a glibc frame from libc's debug info, outermost glibc frame first."""
    for f in reversed(frames):
        for n in names:
            try:
                v = f.read_var(n)
            except (ValueError, gdb.error, RuntimeError):
                continue
            if v.is_optimized_out:
                continue
            try:
                return int(v.cast(gdb.lookup_type("unsigned long"))) & 0xFFFFFFFFFFFFFFFF
            except (gdb.error, RuntimeError):
                continue
    return None


def _thread_handles():
    """pthread_t -> TID for the threads gdb knows (libthread_db)."""
    m = {}
    for th in gdb.selected_inferior().threads():
        try:
            m[int.from_bytes(th.handle(), "little")] = th.ptid[1]
        except (gdb.error, RuntimeError, AttributeError, TypeError):
            continue
    return m


def _mutex_in_saved_registers(frames, mem, layout, not_this):
    """glibc >= 2.25 keeps no pointer from a condvar to its mutex; the wait's frames still hold
    it in a callee-saved register. The first value that looks like a mutex."""
    for f in frames:
        for r in ("rbx", "rbp", "r12", "r13", "r14", "r15"):
            v = _reg(f, r)
            if v and v != not_this and layout.plausible_mutex(mem, v):
                return v
    return None


def _join_target(uaddr, mem, handles):
    if not uaddr:
        return None
    try:
        v = mem.read_u32(uaddr)
    except gdb.MemoryError:
        return None
    for pd, tid in handles.items():
        if tid == v and pd <= uaddr < pd + 0x1000:
            return tid
    return None


def _collect_thread(th, codemap, mem, layout, exe_name, handles):
    tid = th.ptid[1] or th.ptid[0]
    name = th.name or exe_name
    tf = ThreadFact(tid, name)
    th.switch()
    frames = _frames(th)
    if not frames:
        return tf
    f0 = frames[0]
    orig_rax = _signed64(_reg(f0, "orig_rax"))
    rax = _signed64(_reg(f0, "rax"))
    # Stopped inside a syscall that the kernel will restart (-ERESTART*, -EINTR) or at its
    # entry (-ENOSYS). Any other rax: the syscall has returned and the thread runs.
    in_syscall = orig_rax is not None and orig_rax >= 0 and rax in IN_SYSCALL_RAX
    # The program's own frame that made the blocking call, and the library frames inside it.
    user_i = None
    for i, f in enumerate(frames):
        try:
            pc = f.pc()
        except gdb.error:
            break
        if codemap.own(pc):
            user_i = i
            break
    inner = frames[:user_i] if user_i is not None else frames
    tf.frames = _own_frames(frames, codemap)
    if user_i is not None:
        uf = frames[user_i]
        try:
            sal = uf.find_sal()
            if sal.symtab is not None:
                tf.file = sal.symtab.filename
                tf.line = sal.line
        except gdb.error:
            pass
        tf.func = _frame_name(uf)
    if not in_syscall:
        return tf               # running (or about to enter a call): not blocked
    # Which call: what the program called (its call instruction's target), else glibc's frames.
    rule = None
    if user_i is not None and user_i > 0:
        tgt = callsite.call_target(frames[user_i])
        if tgt:
            rule = classify(tgt)
            tf.call = normalise(tgt)
    if rule is None:
        for f in reversed(inner):
            r = classify(_frame_name(f))
            if r:
                rule = r
                tf.call = normalise(_frame_name(f))
                break
    if orig_rax == SYS_FUTEX and (_reg(f0, "rsi") or 0) & FUTEX_CMD_MASK not in FUTEX_WAITS:
        return tf               # FUTEX_WAKE and friends do not block
    if orig_rax == SYS_RESTART:
        # Only timed waits are restarted this way; rdi still holds the first argument.
        tf.block, tf.timed = (rule[0] if rule else T.BLOCK_SLEEP), 1
        if tf.block not in (T.BLOCK_SLEEP, T.BLOCK_IO):
            tf.object = _reg(f0, "rdi") or 0
            tf.how = "futex address (restarted timed wait)"
        return tf
    uaddr = _reg(f0, "rdi") if orig_rax == SYS_FUTEX else None
    expected = (_reg(f0, "rdx") or 0) & 0xFFFFFFFF
    futex_timed = orig_rax == SYS_FUTEX and (_reg(f0, "r10") or 0) != 0
    if rule is None and orig_rax == SYS_FUTEX:
        # A futex word inside another thread's struct pthread holding that thread's TID is a
        # join, whatever the symbols say (glibc's joiner waits for the TID to become 0).
        joined = _join_target(uaddr, mem, handles)
        if joined:
            tf.block, tf.object, tf.timed, tf.how = T.BLOCK_JOIN, joined, int(futex_timed), \
                "futex word in the joined thread's descriptor"
            tf.call = tf.call or "pthread_join"
            return tf
    if rule is None:
        if orig_rax == SYS_FUTEX:
            tf.block, tf.object, tf.timed, tf.how = T.BLOCK_UNKNOWN, uaddr or 0, int(futex_timed), "futex"
            tf.call = tf.call or "futex"
        elif orig_rax in SLEEP_SYSCALLS:
            tf.block, tf.timed = T.BLOCK_SLEEP, 1
        else:
            tf.block = T.BLOCK_IO
        return tf
    block, timed, argnames = rule
    tf.block = block
    tf.timed = 1 if (timed or futex_timed) else 0
    if block in (T.BLOCK_SLEEP, T.BLOCK_IO):
        return tf
    if orig_rax != SYS_FUTEX:
        # Blocked in a call that is not waiting on its object (e.g. a cancellation point).
        tf.block = T.BLOCK_IO if orig_rax not in SLEEP_SYSCALLS else T.BLOCK_SLEEP
        return tf
    dbg = _read_arg(inner, argnames) if inner else None
    args = None

    def call_args():
        nonlocal args
        if args is None:
            args = callsite.arguments(frames[user_i], mem, 2) if user_i else [None, None]
        return args

    obj, how = None, None
    if block == T.BLOCK_MUTEX:
        obj, how = (dbg, "glibc debug info") if dbg else (uaddr - layout["mutex_lock"], "futex address")
    elif block == T.BLOCK_SEM:
        obj, how = (dbg, "glibc debug info") if dbg else (uaddr - layout["sem_value"], "futex address")
    elif block == T.BLOCK_COND:
        obj, how = (dbg, "glibc debug info") if dbg else (layout.cond_from_futex(uaddr), "futex address")
        m = _read_arg(inner, ("mutex",))
        if m is None:
            m = call_args()[1]
        if m is None:
            m = _mutex_in_saved_registers(frames[:(user_i or len(frames)) + 1], mem, layout, obj)
        tf.object2 = m if m and layout.plausible_mutex(mem, m) else 0
    elif block in (T.BLOCK_RWLOCK_RD, T.BLOCK_RWLOCK_WR):
        if dbg:
            obj, how = dbg, "glibc debug info"
        elif call_args()[0]:
            obj, how = call_args()[0], "caller's argument registers"
        else:
            obj, how = layout.rwlock_from_futex(uaddr, expected, block == T.BLOCK_RWLOCK_RD), "futex address"
    elif block == T.BLOCK_BARRIER:
        obj, how = (dbg, "glibc debug info") if dbg else (layout.barrier_from_futex(uaddr), "futex address")
    elif block == T.BLOCK_JOIN:
        # The joiner futex-waits on the joined thread's TID field: its value is the TID.
        try:
            obj, how = mem.read_u32(uaddr), "futex word (joined thread's TID)"
        except gdb.MemoryError:
            obj, how = expected, "futex expected value (joined thread's TID)"
        if not obj:
            pd = dbg or call_args()[0]
            obj, how = handles.get(pd or 0, 0), "pthread_t of the call"
    tf.object = obj or 0
    tf.how = how
    return tf


def _objects(threads, mem, layout):
    objs = {}

    def add(addr, kind):
        if not addr or addr in objs:
            return
        o = ObjectFact(addr, kind)
        try:
            if kind == T.RES_MUTEX:
                o.owner = layout.mutex_owner(mem, addr)
            elif kind == T.RES_SEMAPHORE:
                o.value = layout.sem_value(mem, addr)
            elif kind == T.RES_RWLOCK:
                o.owner = layout.rwlock_writer(mem, addr)
        except gdb.MemoryError:
            pass
        objs[addr] = o

    for t in threads:
        kind = KIND_OF_BLOCK.get(t.block)
        if kind is not None and t.block != T.BLOCK_UNKNOWN:
            add(t.object, kind)
        elif t.block == T.BLOCK_UNKNOWN:
            add(t.object, T.RES_OTHER)
        if t.block == T.BLOCK_COND:
            add(t.object2, T.RES_MUTEX)
    return objs


def program_frames(inf):
    """(tid, pc, cfa, sp, fp) of the program's own frames in every thread, for a region
    session: an adapter names an object no symbol covers by its address, and libtwcore names it
    from the frame that holds it. Restores the selected thread and frame."""
    codemap = CodeMap(target.exe_path())
    out = []
    with _walking_threads():
        for th in inf.threads():
            if not th.is_valid():
                continue
            th.switch()
            tid = th.ptid[1] or th.ptid[0]
            out += [(tid,) + fr for fr in _own_frames(_frames(th), codemap)]
    return out


@contextlib.contextmanager
def _walking_threads():
    """Around a walk of every thread's frames: `backtrace past-main` on (main's CFA is the rsp
    of its caller, __libc_start_call_main, a frame gdb hides unless asked; without it the locals
    of main, the usual home of shared mutexes, have no frame base), and the selected thread and
    frame restored afterwards."""
    try:
        sel_thread, sel_frame = gdb.selected_thread(), gdb.selected_frame()
    except gdb.error:
        sel_thread, sel_frame = None, None
    past_main = _set_past_main(True)
    try:
        yield
    finally:
        _set_past_main(past_main)
        try:
            if sel_thread is not None and sel_thread.is_valid():
                sel_thread.switch()
                if sel_frame is not None and sel_frame.is_valid():
                    sel_frame.select()
        except gdb.error:
            pass


def _set_past_main(on):
    """Set gdb's `backtrace past-main`; returns the previous setting."""
    try:
        was = bool(gdb.parameter("backtrace past-main"))
        gdb.execute("set backtrace past-main %s" % ("on" if on else "off"), to_string=True)
        return was
    except (gdb.error, RuntimeError):
        return on


def sample(inf, mem, live):
    """One sample of facts from every thread. Restores the selected thread and frame."""
    exe = target.exe_path()
    exe_name = os.path.basename(exe)[:15] if exe else "?"
    layout = glibc.Layout()
    codemap = CodeMap(exe)
    mem.drop_cache()
    threads = []
    handles = _thread_handles()
    with _walking_threads():
        for th in sorted(inf.threads(), key=lambda t: t.ptid[1] or t.ptid[0]):
            if not th.is_valid():
                continue
            try:
                threads.append(_collect_thread(th, codemap, mem, layout, exe_name, handles))
            except gdb.MemoryError:
                t = ThreadFact(th.ptid[1], th.name or exe_name)
                t.block = T.BLOCK_UNKNOWN
                threads.append(t)
    return Collected(threads, _objects(threads, mem, layout), layout, live, exe,
                     target.load_bias(exe))


def _can_run_briefly(inf):
    """Only a native, all-stop, attached process whose SIGINT gdb stops on and does not pass."""
    if target.connection_type(inf) != "native":
        return "not a native process"
    try:
        if gdb.parameter("non-stop"):
            return "gdb is in non-stop mode"
    except (gdb.error, RuntimeError):
        pass
    sig = target._info("info signals SIGINT")
    m = re.search(r"^SIGINT\s+(\w+)\s+(\w+)\s+(\w+)", sig, re.M)
    if not m or m.group(1) != "Yes" or m.group(3) != "No":
        return "SIGINT is not 'stop nopass' in gdb"
    return None


def _run_briefly(inf, seconds, watch=None):
    """Let the process run for `seconds`, then stop it again with a SIGINT that gdb swallows.
    With watch = {"tids": [...]}, also fills watch["before"] and watch["end"] (tid -> context
    switches, read while the process ran; see window.py). Returns None, or why it could not."""
    pid = inf.pid
    fd, out = tempfile.mkstemp(prefix="tw-window-")
    os.close(fd)
    tids = [str(t) for t in (watch or {}).get("tids", ())]
    helper = subprocess.Popen([_python(), os.path.join(os.path.dirname(__file__), "window.py"),
                               str(pid), "%.3f" % seconds, out] + tids,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        return _continue_until_stopped(inf, helper)
    finally:
        _read_window(out, watch)


def _python():
    """The interpreter for window.py: gdb's sys.executable may be gdb itself."""
    return shutil.which("python3") or "/usr/bin/python3"


def _read_window(out, watch):
    try:
        with open(out) as f:
            lines = f.read().splitlines()
        if watch is not None and len(lines) == 2:
            watch["before"] = {int(k): v for k, v in json.loads(lines[0]).items()}
            watch["end"] = {int(k): v for k, v in json.loads(lines[1]).items()}
    except (OSError, ValueError):
        pass
    finally:
        try:
            os.unlink(out)
        except OSError:
            pass


def _continue_until_stopped(inf, helper):
    # gdb prints the stop ("Thread 1 received signal SIGINT") on its terminal, not into
    # to_string: silence stdout around the cycle so a --json line stays alone.
    gdb.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        return str(e)
    finally:
        gdb.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
        # Stopped early (a breakpoint, the program exiting): the SIGINT must not follow later.
        if helper.poll() is None:
            helper.kill()
        try:
            helper.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    if not inf.is_valid() or inf.pid == 0 or not inf.threads():
        return "the process exited"
    return None


def run_for_second_sample(inf, mem, seconds, watch=None):
    """Let the stopped process run for `seconds` and stop it again, for a second sample: None,
    or why not. The memory cache is dropped (the target moved) and the selected thread kept.
    watch: as for _run_briefly."""
    why = _can_run_briefly(inf)
    if why:
        return why
    try:
        sel = gdb.selected_thread().num
    except (gdb.error, AttributeError):
        sel = None
    t0 = time.monotonic()
    why = _run_briefly(inf, seconds, watch)
    mem.drop_cache()
    if why:
        return why
    if time.monotonic() - t0 < seconds * 2 / 3:
        return "the process stopped again too soon"
    if sel is not None:
        for th in inf.threads():
            if th.num == sel and th.is_valid():
                th.switch()
    return None


def collect(lib, inf, mem, live, one_sample=False):
    """Facts from every thread. On a live process whose blocked threads include waits that one
    sample cannot prove (libtwcore decides: semaphores, condvars, joins...), takes a second
    sample after letting the process run for 150 ms (continue, then interrupt), unless
    one_sample; libtwcore says whether the two agree."""
    c = sample(inf, mem, live)
    if not live:
        return c
    first, _keep1 = c.to_ctypes()
    if not lib.facts_need_second_sample(first):
        c.sample_note = "no wait that needs a second sample"
        return c
    if one_sample:
        c.sample_note = "--one-sample"
        return c
    watch = {"tids": [t.tid for t in c.threads if t.block != T.BLOCK_NONE and not t.timed]}
    why = run_for_second_sample(inf, mem, 0.15, watch)
    if why:
        c.sample_note = "cannot take a second sample: %s" % why
        return c
    c2 = sample(inf, mem, live)
    c2.samples = 2
    for t in c.threads:
        t.switches = watch.get("before", {}).get(t.tid, 0)
    for t in c2.threads:
        t.switches = watch.get("end", {}).get(t.tid, 0)
    first, _keep1 = c.to_ctypes()
    second, _keep2 = c2.to_ctypes()
    c2.samples_agree = 1 if lib.facts_agree(first, second) else 0
    return c2
