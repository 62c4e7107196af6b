"""ctypes bindings for libtwcore (include/twcore.h).

Only what the gdb plugin calls: sessions over a region (through a reader callback, with a
symbolizer callback for recorded stacks),
sessions over attach-only facts, twc_exec, twc_task_context and the command table. Every string
coming back from the library is printed verbatim: rendering is libtwcore's, so gdb,
lldb and the console agree byte for byte.
"""
import ctypes
import os

# enum twc_status (twcore.h); equal to the console's exit codes.
TWC_OK, TWC_EUSAGE, TWC_ENOTFOUND, TWC_ENOREGION, TWC_EPERM, TWC_ECORRUPT, TWC_EINTERNAL = range(7)
TWC_LIVE = 0x1

# enum twc_block
BLOCK_NONE, BLOCK_MUTEX, BLOCK_RWLOCK_RD, BLOCK_RWLOCK_WR, BLOCK_SEM, BLOCK_COND, BLOCK_JOIN, \
    BLOCK_BARRIER, BLOCK_SLEEP, BLOCK_IO, BLOCK_UNKNOWN = range(11)
BLOCK_NAMES = ["none", "mutex", "rwlock_rd", "rwlock_wr", "sem", "cond", "join", "barrier",
               "sleep", "io", "unknown", "future"]

# enum tw_res_kind (tw_region.h)
RES_MUTEX, RES_RWLOCK, RES_SEMAPHORE, RES_CHANNEL, RES_ONESHOT, RES_NOTIFY, RES_CONDVAR, \
    RES_BARRIER, RES_PIPE, RES_TIMER, RES_OTHER = range(1, 12)

ERRLEN = 512

READ_FN = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                           ctypes.c_uint64)
WRITE_FN = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                            ctypes.c_uint64)
# twc_symbolize_fn(ctx, pc, func, funclen, file, filelen, line, object, objlen): the buffers
# are C's to fill
SYMBOLIZE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                                ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t,
                                ctypes.POINTER(ctypes.c_int), ctypes.c_void_p, ctypes.c_size_t)
# twc_thread_stack_fn(ctx, tid, pcs, max) -> count: a thread's frames, for bt in attach-only models
THREAD_STACK_FN = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.c_void_p, ctypes.c_uint64,
                                   ctypes.POINTER(ctypes.c_uint64), ctypes.c_size_t)

# where a command works (twc_command_info's mask)
FE_CONSOLE, FE_REPL, FE_GDB, FE_LLDB = 1, 2, 4, 8
# twc_run_fn(ctx, ms, why, whylen): let the target run, then stop it; 0 or a sentence in why
RUN_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_size_t)
COLLECT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class FactThread(ctypes.Structure):
    """struct twc_fact_thread"""
    _fields_ = [("tid", ctypes.c_uint64), ("name", ctypes.c_char_p), ("block", ctypes.c_int),
                ("timed", ctypes.c_int), ("object", ctypes.c_uint64), ("object2", ctypes.c_uint64),
                ("file", ctypes.c_char_p), ("line", ctypes.c_int), ("func", ctypes.c_char_p),
                ("switches", ctypes.c_uint64)]


class FactObject(ctypes.Structure):
    """struct twc_fact_object"""
    _fields_ = [("addr", ctypes.c_uint64), ("kind", ctypes.c_int), ("owner_tid", ctypes.c_uint64),
                ("value", ctypes.c_int64), ("name", ctypes.c_char_p)]


class FactFrame(ctypes.Structure):
    """struct twc_fact_frame"""
    _fields_ = [("tid", ctypes.c_uint64), ("pc", ctypes.c_uint64), ("cfa", ctypes.c_uint64),
                ("sp", ctypes.c_uint64), ("fp", ctypes.c_uint64)]


class Facts(ctypes.Structure):
    """struct twc_facts"""
    _fields_ = [("threads", ctypes.POINTER(FactThread)), ("nthreads", ctypes.c_size_t),
                ("objects", ctypes.POINTER(FactObject)), ("nobjects", ctypes.c_size_t),
                ("samples_agree", ctypes.c_int), ("from_core", ctypes.c_int),
                ("exe", ctypes.c_char_p), ("load_bias", ctypes.c_uint64),
                ("source", ctypes.c_char_p),
                ("frames", ctypes.POINTER(FactFrame)), ("nframes", ctypes.c_size_t)]


RAW_MAX_NAMES = 6
NR_NONE, NR_UNKNOWN = -1, -2


class RawFrame(ctypes.Structure):
    """struct twc_raw_frame"""
    _fields_ = [("pc", ctypes.c_uint64), ("sp", ctypes.c_uint64), ("saved", ctypes.c_uint64 * 6),
                ("own", ctypes.c_int), ("names", ctypes.c_char_p * RAW_MAX_NAMES), ("nnames", ctypes.c_int),
                ("func_start", ctypes.c_uint64)]


class RawThread(ctypes.Structure):
    """struct twc_raw_thread"""
    _fields_ = [("tid", ctypes.c_uint64), ("nr", ctypes.c_int64), ("rax", ctypes.c_int64),
                ("rdi", ctypes.c_uint64), ("rsi", ctypes.c_uint64), ("rdx", ctypes.c_uint64),
                ("r10", ctypes.c_uint64), ("frames", ctypes.POINTER(RawFrame)), ("nframes", ctypes.c_size_t)]


class Verdict(ctypes.Structure):
    """struct twc_verdict"""
    _fields_ = [("block", ctypes.c_int), ("timed", ctypes.c_int), ("object", ctypes.c_uint64),
                ("object2", ctypes.c_uint64), ("objs", FactObject * 2), ("nobjs", ctypes.c_int),
                ("call", ctypes.c_char_p), ("how", ctypes.c_char_p), ("how2", ctypes.c_char_p)]


class CoreError(Exception):
    """A libtwcore failure: status (enum twc_status) and its one-sentence message."""

    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status


def _b(s):
    return s.encode("utf-8", "replace") if isinstance(s, str) else s


def _s(b):
    return b.decode("utf-8", "replace") if b is not None else None


class Lib:
    """libtwcore.so loaded with ctypes, with the prototypes of twcore.h."""

    def __init__(self, path):
        self.path = path
        # gdb itself links elfutils' libdw, whose dwarf_* functions share names (not
        # signatures) with libdwarf's: bind libtwcore to its own libdwarf first.
        L = ctypes.CDLL(path, mode=os.RTLD_LOCAL | getattr(os, "RTLD_DEEPBIND", 0))
        self.L = L
        p = ctypes.c_void_p
        L.twc_open_region.restype = p
        L.twc_open_region.argtypes = [READ_FN, p, ctypes.c_uint64, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_size_t]
        L.twc_set_writer.restype = None
        L.twc_set_writer.argtypes = [p, WRITE_FN, p]
        L.twc_count_reader_stop.restype = None
        L.twc_set_image_time.restype = None
        L.twc_set_image_time.argtypes = [p, ctypes.c_uint64]
        L.twc_count_reader_stop.argtypes = [p]
        L.twc_set_thread_source.restype = None
        L.twc_set_thread_source.argtypes = [p, p, p, p]
        L.twc_set_symbolizer.restype = None
        L.twc_set_symbolizer.argtypes = [p, SYMBOLIZE_FN, p]
        L.twc_facts_need_second_sample.restype = ctypes.c_int
        L.twc_facts_need_second_sample.argtypes = [ctypes.POINTER(Facts)]
        L.twc_facts_agree.restype = ctypes.c_int
        L.twc_facts_agree.argtypes = [ctypes.POINTER(Facts), ctypes.POINTER(Facts)]
        L.twc_set_runner.restype = None
        L.twc_set_runner.argtypes = [p, RUN_FN, p]
        L.twc_set_fact_collector.restype = None
        L.twc_set_fact_collector.argtypes = [p, COLLECT_FN, p]
        L.twc_set_target_label.restype = None
        L.twc_set_target_label.argtypes = [p, ctypes.c_char_p]
        L.twc_exec.restype = ctypes.c_int
        L.twc_exec.argtypes = [p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p,
                               ctypes.c_size_t]
        L.twc_help_in.restype = ctypes.c_char_p
        L.twc_help_in.argtypes = [ctypes.c_char_p, ctypes.c_uint]
        L.twc_command_info.restype = ctypes.c_int
        L.twc_command_info.argtypes = [ctypes.c_size_t] + [ctypes.POINTER(ctypes.c_char_p)] * 3 + \
            [ctypes.POINTER(ctypes.c_uint)]
        L.twc_suggest.restype = ctypes.c_char_p
        L.twc_suggest.argtypes = [ctypes.c_char_p, ctypes.c_uint]
        L.twc_set_stack_reader.restype = None
        L.twc_set_stack_reader.argtypes = [p, READ_FN, p]
        L.twc_set_thread_stacks.restype = None
        L.twc_set_thread_stacks.argtypes = [p, THREAD_STACK_FN, p]
        L.twc_render_stack.restype = ctypes.c_int
        L.twc_render_stack.argtypes = [p, ctypes.c_uint64, ctypes.POINTER(ctypes.c_uint64), ctypes.c_size_t,
                                       ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
                                       ctypes.c_char_p, ctypes.c_size_t]
        L.twc_free.restype = None
        L.twc_free.argtypes = [p]
        L.twc_close.restype = None
        L.twc_close.argtypes = [p]
        L.twc_task_context.restype = ctypes.c_int
        L.twc_task_context.argtypes = [p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint64),
                                       ctypes.c_char_p, ctypes.c_size_t]
        L.twc_region_extent.restype = ctypes.c_int
        L.twc_region_extent.argtypes = [p, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint64)]
        L.twc_set_frames.restype = ctypes.c_int
        L.twc_set_frames.argtypes = [p, ctypes.POINTER(FactFrame), ctypes.c_size_t, ctypes.c_char_p,
                                     ctypes.c_uint64]
        L.twc_set_thread_facts.restype = ctypes.c_int
        L.twc_set_thread_facts.argtypes = [p, ctypes.POINTER(FactThread), ctypes.c_size_t]
        L.twc_set_thread_objects.restype = ctypes.c_int
        L.twc_set_thread_objects.argtypes = [p, ctypes.POINTER(FactObject), ctypes.c_size_t]
        L.twc_open_facts.restype = p
        L.twc_glibc_open.restype = p
        L.twc_glibc_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        L.twc_glibc_source.restype = ctypes.c_char_p
        L.twc_glibc_source.argtypes = [p]
        L.twc_glibc_close.argtypes = [p]
        L.twc_classify_thread.restype = ctypes.c_int
        L.twc_classify_thread.argtypes = [p, READ_FN, p, ctypes.POINTER(RawThread), ctypes.POINTER(Verdict)]
        L.twc_open_facts.argtypes = [ctypes.POINTER(Facts), ctypes.POINTER(ctypes.c_int), ctypes.c_char_p,
                                     ctypes.c_size_t]

    # ---- sessions ----

    def open_region(self, read_cb, addr, live):
        status = ctypes.c_int(0)
        err = ctypes.create_string_buffer(ERRLEN)
        s = self.L.twc_open_region(read_cb, None, addr, TWC_LIVE if live else 0,
                                   ctypes.byref(status), err, ERRLEN)
        if not s:
            raise CoreError(status.value or TWC_EINTERNAL, _s(err.value) or "cannot open the region")
        return s

    def open_facts(self, facts):
        status = ctypes.c_int(0)
        err = ctypes.create_string_buffer(ERRLEN)
        s = self.L.twc_open_facts(ctypes.byref(facts), ctypes.byref(status), err, ERRLEN)
        if not s:
            raise CoreError(status.value or TWC_EINTERNAL, _s(err.value) or "cannot build a model from the threads")
        return s

    def set_writer(self, s, write_cb):
        self.L.twc_set_writer(s, write_cb, None)

    def count_reader_stop(self, s):
        self.L.twc_count_reader_stop(s)

    def set_proc_threads(self, s, pid):
        """Have libtwcore learn what the kernel says of the threads of process `pid` (as gdb
        sees it) through its stock /proc source. Returns what must outlive the session."""
        ctx = ctypes.c_int(pid)
        one = ctypes.cast(self.L.twc_proc_kthread, ctypes.c_void_p)
        every = ctypes.cast(self.L.twc_proc_kthreads, ctypes.c_void_p)
        self.L.twc_set_thread_source(s, one, every, ctypes.byref(ctx))
        return ctx

    def set_image_time(self, s, realtime_ns):
        self.L.twc_set_image_time(s, realtime_ns)

    def set_symbolizer(self, s, symbolize_cb):
        self.L.twc_set_symbolizer(s, symbolize_cb, None)

    # ---- attach-only classification: gdb collects raw facts, libtwcore decides ----

    def glibc_open(self, libc_path, debug_path):
        """twc_glibc_open: a handle (close with glibc_close) and its source sentence."""
        g = self.L.twc_glibc_open(_b(libc_path), _b(debug_path))
        if not g:
            raise CoreError(TWC_EINTERNAL, "out of memory")
        return g, _s(self.L.twc_glibc_source(g))

    def glibc_close(self, g):
        self.L.twc_glibc_close(g)

    def classify_thread(self, g, read_cb, raw):
        """twc_classify_thread over a RawThread: a Verdict."""
        v = Verdict()
        rc = self.L.twc_classify_thread(g, read_cb, None, ctypes.byref(raw), ctypes.byref(v))
        if rc != TWC_OK:
            raise CoreError(rc, "cannot classify thread %d" % raw.tid)
        return v

    def facts_need_second_sample(self, facts):
        return bool(self.L.twc_facts_need_second_sample(ctypes.byref(facts)))

    def facts_agree(self, a, b):
        return bool(self.L.twc_facts_agree(ctypes.byref(a), ctypes.byref(b)))

    def set_runner(self, s, run_cb):
        self.L.twc_set_runner(s, run_cb, None)

    def set_fact_collector(self, s, collect_cb):
        """libtwcore calls collect_cb (a COLLECT_FN) before a command only when the threads'
        facts could change its answer (twc_set_fact_collector)."""
        self.L.twc_set_fact_collector(s, collect_cb, None)

    def set_frames(self, s, frames, exe, bias):
        """Lend (tid, pc, cfa, sp, fp) frames to a region session (twc_set_frames: copied)."""
        fa = (FactFrame * max(len(frames), 1))()
        for i, fr in enumerate(frames):
            fa[i].tid, fa[i].pc, fa[i].cfa, fa[i].sp, fa[i].fp = fr
        return self.L.twc_set_frames(s, fa, len(frames), _b(exe), bias)

    def set_thread_facts(self, s, facts):
        """Lend the threads of a Facts structure to a region session (twc_set_thread_facts: a
        thread task shown polling whose thread is blocked in the kernel is waiting)."""
        st = self.L.twc_set_thread_facts(s, facts.threads, facts.nthreads)
        # with the owners of what they block on: whose lock a blocked worker waits for
        return st or self.L.twc_set_thread_objects(s, facts.objects, facts.nobjects)

    def set_label(self, s, label):
        self.L.twc_set_target_label(s, _b(label))

    def exec(self, s, cmdline):
        out = ctypes.c_void_p()
        err = ctypes.create_string_buffer(ERRLEN)
        rc = self.L.twc_exec(s, _b(cmdline), ctypes.byref(out), err, ERRLEN)
        text = None
        if out.value:
            text = _s(ctypes.string_at(out.value))
            self.L.twc_free(out)
        if rc != TWC_OK:
            raise CoreError(rc, _s(err.value) or "tw %s failed (status %d)" % (cmdline, rc))
        return text or ""

    def close(self, s):
        if s:
            self.L.twc_close(s)

    def help(self, command=None):
        """Help from libtwcore's command table, for gdb: every command, or one."""
        r = self.L.twc_help_in(_b(command) if command else None, FE_GDB)
        return _s(r) if r else None

    def commands(self):
        """[(name, args, summary, where)] of the command table."""
        out, i = [], 0
        name, args, summ, where = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_uint()
        while self.L.twc_command_info(i, ctypes.byref(name), ctypes.byref(args), ctypes.byref(summ),
                                      ctypes.byref(where)) == 0:
            out.append((_s(name.value), _s(args.value), _s(summ.value), where.value))
            i += 1
        return out

    def suggest(self, word):
        r = self.L.twc_suggest(_b(word), FE_GDB)
        return _s(r) if r else None

    def set_stack_reader(self, s, read_cb):
        self.L.twc_set_stack_reader(s, read_cb, None)

    def set_thread_stacks(self, s, cb):
        self.L.twc_set_thread_stacks(s, cb, None)

    def render_stack(self, s, task, pcs, stopped, as_json):
        arr = (ctypes.c_uint64 * max(len(pcs), 1))(*pcs)
        out = ctypes.c_void_p()
        err = ctypes.create_string_buffer(ERRLEN)
        rc = self.L.twc_render_stack(s, task, arr, len(pcs), _b(stopped) if stopped else None, int(as_json),
                                     ctypes.byref(out), err, ERRLEN)
        text = None
        if out.value:
            text = _s(ctypes.string_at(out.value))
            self.L.twc_free(out)
        if rc != TWC_OK:
            raise CoreError(rc, _s(err.value) or "bt failed")
        return text or ""

    def task_context(self, s, task_id):
        """The saved registers of a parked task: dict rip, rsp, rbp, rbx, r12..r15, stack_lo, stack_hi."""
        regs = (ctypes.c_uint64 * 10)()
        err = ctypes.create_string_buffer(ERRLEN)
        rc = self.L.twc_task_context(s, task_id, regs, err, ERRLEN)
        if rc != TWC_OK:
            raise CoreError(rc, _s(err.value) or "task %d has no saved context" % task_id)
        names = ("rip", "rsp", "rbp", "rbx", "r12", "r13", "r14", "r15", "stack_lo", "stack_hi")
        return dict(zip(names, list(regs)))

    def region_extent(self, s):
        a, u = ctypes.c_uint64(), ctypes.c_uint64()
        if self.L.twc_region_extent(s, ctypes.byref(a), ctypes.byref(u)) != TWC_OK:
            return None
        return a.value, u.value


_lib = None


def candidates(plugin_dir):
    """Where libtwcore.so may be, in order: $TW_LIBTWCORE, the tree or PREFIX layout relative
    to the plugin (share/gdb/ -> ../../lib), then the loader's search path."""
    c = []
    env = os.environ.get("TW_LIBTWCORE")
    if env:
        c.append(env)
    c.append(os.path.normpath(os.path.join(plugin_dir, "..", "..", "lib", "libtwcore.so")))
    c.append("libtwcore.so")
    return c


def load(plugin_dir):
    """The loaded library (cached). Raises CoreError with a sentence when it cannot be found."""
    global _lib
    if _lib is not None:
        return _lib
    tried = []
    for path in candidates(plugin_dir):
        if os.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            _lib = Lib(path)
            return _lib
        except (OSError, AttributeError) as e:
            tried.append("%s (%s)" % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))
    raise CoreError(TWC_EINTERNAL, "cannot load libtwcore.so (tried %s); set TW_LIBTWCORE to its path"
                    % ", ".join(tried))
