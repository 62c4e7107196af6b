"""Attach-only: facts about a process (or core) with no TurboWish region, from its threads.

gdb collects, libtwcore decides. For each thread this module reads what gdb shows — the
syscall registers of the innermost frame (orig_rax, rax, rdi, rsi, rdx, r10) and per frame its
function name, pc, sp and callee-saved registers — and hands them with a reader of the target's
memory to libtwcore (twc_classify_thread), which knows glibc's blocking calls, its object layouts
and where owners are kept, and answers what the thread waits on. The site (the first frame in
the program's own code) comes from gdb's line tables. The facts then go to libtwcore
(twc_open_facts), which builds the model and does every analysis and every rendering.
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

from . import calltarget
from . import stack
from . import target
from . import twcore as T

MAX_FRAMES = 32
SAVED_REGS = ("rbx", "rbp", "r12", "r13", "r14", "r15")
SYSTEM_DIRS = ("/lib/", "/lib32/", "/lib64/", "/usr/lib/", "/usr/lib32/", "/usr/lib64/", "/usr/libexec/")


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
        self.call = None         # the blocking call libtwcore recognised
        self.how = None          # where the object address came from
        self.how2 = None         # where object2 (a condvar wait's mutex) came from
        self.frames = []         # (pc, cfa, sp, fp) of the program's own frames, for naming locals
        self.switches = 0        # context switches read in the run window (window.py), 0 unknown

    def as_dict(self):
        return {"tid": self.tid, "name": self.name, "block": T.BLOCK_NAMES[self.block],
                "timed": bool(self.timed), "object": self.object, "object2": self.object2,
                "file": self.file, "line": self.line, "func": self.func, "call": self.call,
                "object_from": self.how, "object2_from": self.how2}


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

    def __init__(self, threads, objects, source, live, exe, bias):
        self.threads = threads
        self.objects = objects
        self.live = live
        self.exe = exe
        self.bias = bias
        self.samples = 1
        self.samples_agree = 0
        self.sample_note = None
        self.source = source

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


def _libc():
    """(path of the target's libc, path of its separate debug file or None), or (None, None)."""
    libc = None
    for o in gdb.objfiles():
        b = os.path.basename(o.filename or "")
        if b.startswith("libc.so") or re.match(r"libc-2\.\d+\.so$", b):
            libc = o
            break
    if libc is None:
        return None, None
    debug = None
    for o in gdb.objfiles():
        if getattr(o, "owner", None) is not None and o.owner == libc:
            debug = o.filename
    return libc.filename, debug


class Glibc:
    """libtwcore's glibc layout for the target's libc, for one sample (a context manager)."""

    def __init__(self, lib):
        self.lib = lib
        path, debug = _libc()
        self.handle, self.source = lib.glibc_open(path, debug)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lib.glibc_close(self.handle)


def _raw_frame(r, f, own, keep, alias=None, caller=False):
    """Fill RawFrame r from gdb frame f (alias: another name for its function); keep holds the
    bytes its names point to. caller: the frame may have made the blocking call, so libtwcore
    gets its function's start to read the call's arguments back from its code."""
    try:
        r.pc = f.pc()
    except gdb.error:
        pass
    if caller and r.pc:
        r.func_start = stack.minimal_symbol(r.pc - 1)[1]
    r.sp = _reg(f, "rsp") or 0
    for k, name in enumerate(SAVED_REGS):
        r.saved[k] = _reg(f, name) or 0
    r.own = 1 if own else 0
    name = _frame_name(f)
    for n in (name, alias):
        if n and r.nnames < T.RAW_MAX_NAMES:
            keep.append(n.encode("utf-8", "replace"))
            r.names[r.nnames] = keep[-1]
            r.nnames += 1


def _collect_thread(th, codemap, lib, glibc, read_cb, exe_name):
    tid = th.ptid[1] or th.ptid[0]
    tf = ThreadFact(tid, th.name or exe_name)
    th.switch()
    frames = _frames(th)
    if not frames:
        return tf, None
    own = []
    for f in frames:
        try:
            own.append(codemap.own(f.pc()))
        except gdb.error:
            own.append(False)
    tf.frames = _own_frames(frames, codemap)
    if True in own:
        uf = frames[own.index(True)]
        try:
            sal = uf.find_sal()
            if sal.symtab is not None:
                tf.file = sal.symtab.fullname()
                tf.line = sal.line
        except gdb.error:
            pass
        tf.func = _frame_name(uf)
    # the frame the program's own code called into is also named by that call's target
    user_i = own.index(True) if True in own else None
    called = calltarget.call_target(frames[user_i]) if user_i else None
    raw, keep = (T.RawFrame * len(frames))(), []
    for i, f in enumerate(frames):
        _raw_frame(raw[i], f, own[i], keep, called if user_i and i == user_i - 1 else None,
                   caller=0 < i <= (user_i or 0))
    f0 = frames[0]
    rt = T.RawThread()
    rt.tid = tid
    orig_rax = _signed64(_reg(f0, "orig_rax"))
    rt.nr = orig_rax if orig_rax is not None and orig_rax >= 0 else T.NR_NONE
    rt.rax = _signed64(_reg(f0, "rax")) or 0
    rt.rdi, rt.rsi, rt.rdx, rt.r10 = (_reg(f0, r) or 0 for r in ("rdi", "rsi", "rdx", "r10"))
    rt.frames = raw
    rt.nframes = len(frames)
    v = lib.classify_thread(glibc.handle, read_cb, rt)
    tf.block, tf.timed, tf.object, tf.object2 = v.block, v.timed, v.object, v.object2
    tf.call = T._s(v.call)
    tf.how = T._s(v.how)
    tf.how2 = T._s(v.how2)
    return tf, v


def _add_objects(objs, v):
    """The objects of one verdict, once per address (an owner found once is kept)."""
    for k in range(v.nobjs if v is not None else 0):
        o = v.objs[k]
        known = objs.get(o.addr)
        if known is None or not known.owner:
            x = ObjectFact(o.addr, o.kind)
            x.owner, x.value = o.owner_tid, o.value
            objs[o.addr] = x


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


def sample(lib, inf, mem, live):
    """One sample of facts from every thread. Restores the selected thread and frame."""
    from . import memory as memory_mod
    exe = target.exe_path()
    exe_name = os.path.basename(exe)[:15] if exe else "?"
    codemap = CodeMap(exe)
    mem.drop_cache()
    cb = memory_mod.Callbacks(T, mem, False)
    threads, objs = [], {}
    with Glibc(lib) as glibc, _walking_threads():
        for th in sorted(inf.threads(), key=lambda t: t.ptid[1] or t.ptid[0]):
            if not th.is_valid():
                continue
            try:
                t, v = _collect_thread(th, codemap, lib, glibc, cb.read_cb, exe_name)
            except gdb.MemoryError:
                t, v = ThreadFact(th.ptid[1], th.name or exe_name), None
                t.block = T.BLOCK_UNKNOWN
            threads.append(t)
            _add_objects(objs, v)
        source = glibc.source
    return Collected(threads, objs, source, live, exe, target.load_bias(exe))


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
    c = sample(lib, inf, mem, live)
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
    c2 = sample(lib, inf, mem, live)
    c2.samples = 2
    for t in c.threads:
        t.switches = watch.get("before", {}).get(t.tid, 0)
    for t in c2.threads:
        t.switches = watch.get("end", {}).get(t.tid, 0)
    first, _keep1 = c.to_ctypes()
    second, _keep2 = c2.to_ctypes()
    c2.samples_agree = 1 if lib.facts_agree(first, second) else 0
    return c2
