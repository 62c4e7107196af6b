"""One libtwcore session per target, kept across commands.

A session is reused while the target is the same inferior, process or core and has not run
since it was opened, so `tw back 5` followed by `tw tasks --json` shows the earlier moment
(as_of). When the target runs (or its memory is written, or an inferior function is called)
the session is reopened over fresh memory, and the history position is carried over with
`at SEQ` when that event is still in the log.
"""
import ctypes
import json
import os

import gdb

from . import facts as facts_mod
from . import frames
from . import memory as memory_mod
from . import target
from . import twcore

_generation = [0]


def _bump(*_args):
    _generation[0] += 1


def install_events():
    for ev in ("cont", "exited", "memory_changed", "inferior_call", "new_inferior",
               "inferior_deleted", "new_objfile", "clear_objfiles"):
        reg = getattr(gdb.events, ev, None)
        if reg is not None:
            reg.connect(_bump)


class Session:
    """A libtwcore session and what keeps it valid (callbacks, fact storage)."""

    def __init__(self, lib, handle, kind, how, memory=None, callbacks=None, keep=None, note=None,
                 symbolizer=None):
        self.lib = lib
        self.handle = handle
        self.kind = kind           # "region" or "facts"
        self.how = how             # how the region was found, or the attach-only source
        self.memory = memory
        self.callbacks = callbacks
        self.symbolizer = symbolizer   # its ctypes callback must outlive the session
        self.keep = keep           # ctypes objects the facts point to
        self.note = note           # a line to say once (e.g. why attach-only)
        self.as_of = None

    def exec(self, cmdline):
        return self.lib.exec(self.handle, cmdline)

    def refresh_as_of(self):
        """Remember the history position (as_of of the summary) to carry it over a reopen."""
        try:
            j = json.loads(self.exec("summary --json").strip().splitlines()[-1])
            self.as_of = j.get("as_of")
        except (twcore.CoreError, ValueError, IndexError, AttributeError):
            pass

    def close(self):
        if self.handle:
            self.lib.close(self.handle)
            self.handle = None


class _Runner:
    """libtwcore's second sample (twc_run_fn): continue the stopped process for a while, then
    interrupt it, as attach-only's second sample does. Keep it as long as the session."""

    def __init__(self, inf, mem):
        self.inf = inf
        self.mem = mem
        self.cb = twcore.RUN_FN(self._run)

    def _run(self, _ctx, ms, why, whylen):
        try:
            msg = facts_mod.run_for_second_sample(self.inf, self.mem, ms / 1000.0)
        except Exception as e:   # never raise into C
            msg = "gdb could not run the process: %s" % e
        if not msg:
            return 0
        if why and whylen:
            b = msg.encode("utf-8", "replace")[:whylen - 1] + b"\0"
            ctypes.memmove(why, b, len(b))
        return -1


_cache = {}   # (target key, mode, one sample) -> (generation, Session)


def drop_all():
    for _gen, s in list(_cache.values()):
        s.close()
    _cache.clear()


def get(lib, attach_only=False, one_sample=False):
    """The session for the selected target (opened or reused)."""
    inf = target.inferior()
    # one sample and two are different answers: neither may be served for the other (a cached
    # two-sample proof is no reply to --one-sample, nor one sample to a plain `tw deadlocks`)
    k = (target.key(inf), "facts" if attach_only else "auto", bool(one_sample))
    gen = _generation[0]
    old = _cache.get(k)
    if old is not None and old[0] == gen and old[1].handle:
        return old[1]
    as_of = None
    if old is not None:
        as_of = old[1].as_of
        old[1].close()
        del _cache[k]
    s = _open(lib, inf, attach_only, one_sample)
    # Opening may have run the target (two attach-only samples): key on the generation after.
    _cache[k] = (_generation[0], s)
    if as_of is not None:
        try:
            s.exec("at %d" % int(as_of))
            s.as_of = as_of
        except (twcore.CoreError, ValueError, TypeError):
            s.note = "history position %s is no longer in the log; showing now" % as_of
    return s


def _lend_frames(lib, h, inf):
    """The threads' frames, so that objects the adapter named by address get the name of the
    local that holds them ("main:mu1"). Best effort: a frame gdb cannot read just is not lent."""
    try:
        exe = target.exe_path()
        fr = facts_mod.program_frames(inf)
        if exe and fr:
            lib.set_frames(h, fr, exe, target.load_bias(exe))
        # and whether each thread is blocked in the kernel: a thread task polling in the region
        # while its thread sleeps in a call no adapter wraps is waiting (core/kernel_waits.c)
        facts, _keep = facts_mod.sample(lib, inf, memory_mod.Memory(inf), target.is_live(inf)).to_ctypes()
        lib.set_thread_facts(h, facts)
    except (gdb.error, gdb.MemoryError, RuntimeError, ValueError):
        pass


class _Collector:
    """libtwcore's fact collector (twc_collect_fn) for a live process: it asks before each
    command whether the threads' facts could change the answer (twc_needs_thread_facts), and
    only then are the threads walked, once per session: gdb holds the process stopped, and a
    session lives for one stop. A healthy program's `tw tasks` walks no thread (unwinding every
    thread of a big server costs more than the rest of the command)."""

    def __init__(self, lib, inf):
        self.lib = lib
        self.inf = inf
        self.lent = False
        self.cb = twcore.COLLECT_FN(self._collect)

    def _collect(self, h, _ctx):
        if self.lent:
            return
        self.lent = True
        try:
            _lend_frames(self.lib, h, self.inf)
        except Exception:   # never raise into C
            pass


def _open(lib, inf, attach_only, one_sample):
    live = target.is_live(inf)
    mem = memory_mod.Memory(inf)
    reason = "--attach-only"
    if not attach_only:
        addr, how = target.find_region(inf, mem)
        if addr:
            cb = memory_mod.Callbacks(twcore, mem, writable=live)
            h = lib.open_region(cb.read_cb, addr, live)
            if cb.write_cb is not None:
                lib.set_writer(h, cb.write_cb)
                # gdb holds the process stopped: a poll spanning this stop is not the task's
                # (a session is opened once per stop: the generation changes when it runs)
                lib.count_reader_stop(h)
            elif not live and target.core_path():
                try:   # the image's moment: a core holds no clock
                    lib.set_image_time(h, os.stat(target.core_path()).st_mtime_ns)
                except OSError:
                    pass
            lib.set_label(h, target.label(inf))
            sym = frames.Symbolizer(twcore)
            lib.set_symbolizer(h, sym.cb)
            lib.set_stack_reader(h, cb.read_cb)   # bt: libtwcore walks the task's stack itself
            runner = pid = collector = None
            if live and not one_sample:
                runner = _Runner(inf, mem)
                lib.set_runner(h, runner.cb)
            if live and target.connection_type(inf) == "native":
                pid = lib.set_proc_threads(h, inf.pid)   # this host's kernel knows its threads
            if live:
                # walked only when libtwcore says the facts matter, as the console stops only then
                collector = _Collector(lib, inf)
                lib.set_fact_collector(h, collector.cb)
            else:
                # a core: the console reads every thread's notes, whatever the question
                _lend_frames(lib, h, inf)
            return Session(lib, h, "region", how, memory=mem, callbacks=cb, symbolizer=sym,
                           keep=(runner, pid, collector))
        reason = how
    f = facts_mod.collect(lib, inf, mem, live, one_sample=one_sample)
    facts, keep = f.to_ctypes()
    h = lib.open_facts(facts)
    lib.set_label(h, target.label(inf))
    sym = frames.Symbolizer(twcore)
    lib.set_symbolizer(h, sym.cb)
    stacks = frames.ThreadStacks(twcore)   # bt: a task is a thread, unwound by gdb
    lib.set_thread_stacks(h, stacks.cb)
    # the target's memory: a shared_mutex reader's guard kept in a blocked thread's frame (-O0)
    cb = memory_mod.Callbacks(twcore, mem, writable=False)
    lib.set_stack_reader(h, cb.read_cb)
    return Session(lib, h, "facts", f.source, memory=mem, callbacks=cb, keep=(facts, keep, stacks), symbolizer=sym,
                   note=None if attach_only else
                   "attach-only: %s; model built from the threads (%s)" % (reason, f.describe()))
