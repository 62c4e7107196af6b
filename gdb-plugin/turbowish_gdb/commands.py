"""The `tw` prefix command and one gdb command class per subcommand (like Linux's scripts/gdb).

Each class's docstring is its `help`. Every subcommand but bt, frame and facts hands its
words to libtwcore (twc_exec) and prints what comes back verbatim; errors are one
gdb.GdbError line; memory faults never escape as Python tracebacks.
"""
import json

import gdb

from . import facts as facts_mod
from . import memory as memory_mod
from . import sessions
from . import stack
from . import target
from . import twcore

PLUGIN_DIR = None
PLUGIN_OPTIONS = ("--attach-only", "--one-sample")


def lib():
    return twcore.load(PLUGIN_DIR)


def split(arg):
    """(plugin options, the words for libtwcore)."""
    try:
        words = gdb.string_to_argv(arg or "")
    except (gdb.error, ValueError) as e:
        raise gdb.GdbError(str(e))
    opts = {w for w in words if w in PLUGIN_OPTIONS}
    return opts, [w for w in words if w not in PLUGIN_OPTIONS]


def _say_note(s):
    if s.note:
        gdb.write("tw: %s\n" % s.note, gdb.STDERR)
        s.note = None


def guarded(fn):
    """Turn every failure into one gdb.GdbError line."""
    def wrapper(self, arg, from_tty):
        self.dont_repeat()
        try:
            return fn(self, arg, from_tty)
        except gdb.GdbError:
            raise
        except twcore.CoreError as e:
            raise gdb.GdbError(str(e))
        except target.NoTarget as e:
            raise gdb.GdbError(str(e))
        except gdb.MemoryError as e:
            raise gdb.GdbError("cannot read the target's memory (%s)" % str(e).splitlines()[0])
        except KeyboardInterrupt:
            raise gdb.GdbError("interrupted")
        except Exception as e:  # a bug of ours: still one line, never a traceback
            raise gdb.GdbError("tw: internal error: %s: %s" % (type(e).__name__, e))
    wrapper.__doc__ = fn.__doc__
    return wrapper


def run(word, arg):
    opts, words = split(arg)
    s = sessions.get(lib(), attach_only="--attach-only" in opts, one_sample="--one-sample" in opts)
    _say_note(s)
    out = s.exec(" ".join([word] + words))
    if out and not out.endswith("\n"):
        out += "\n"
    gdb.write(out)
    return s


class CoreCommand(gdb.Command):
    """Base of the subcommands that libtwcore answers."""
    word = None

    def __init__(self):
        gdb.Command.__init__(self, "tw " + self.word, gdb.COMMAND_USER, gdb.COMPLETE_NONE)

    @guarded
    def invoke(self, arg, from_tty):
        run(self.word, arg)


class HistoryCommand(CoreCommand):
    @guarded
    def invoke(self, arg, from_tty):
        s = run(self.word, arg)
        s.refresh_as_of()


class Tw(gdb.Command):
    """TurboWish: why is my task stuck? (tasks, resources, deadlocks, alerts, history)

Usage: tw [SUBCOMMAND] [ARGS] [--json] [--attach-only] [--one-sample]
Plain `tw` is `tw summary`. Every subcommand accepts --json (one JSON object on one line).
The target is gdb's: a live process (gdb -p PID) or a core file (gdb EXE CORE). Without a
TurboWish region (an uninstrumented program), or with --attach-only, the model is built from
the threads themselves (blocking calls, glibc's mutex owners, semaphore values).
--one-sample: on a live process take one sample only (no 150 ms run between two): a deadlock that
needs a second sample (everyone blocked, condvars, semaphores) stays possible.
See docs/gdb.md."""

    def __init__(self):
        gdb.Command.__init__(self, "tw", gdb.COMMAND_USER, gdb.COMPLETE_COMMAND, True)

    @guarded
    def invoke(self, arg, from_tty):
        opts, words = split(arg)
        if words and not words[0].startswith("-"):
            raise gdb.GdbError("unknown tw command \"%s\"; see `help tw`" % words[0])
        run("summary", arg)


class TwSummary(CoreCommand):
    """The top view: task counts by state, average ready-wait and poll time, alerts banner.

Usage: tw summary [--json]   (same as plain `tw`)"""
    word = "summary"


class TwTasks(CoreCommand):
    """One line per task: id, name, state, polls, busy, idle, await site, attributes.

Usage: tw tasks [--limit N] [--json]"""
    word = "tasks"


class TwTask(CoreCommand):
    """The record of task ID: histograms, waits, holds, intents, recent events.

Usage: tw task ID [--json]"""
    word = "task"


class TwResources(CoreCommand):
    """One line per resource: id, name, kind, class, holders, waiters.

Usage: tw resources [--json]"""
    word = "resources"


class TwResource(CoreCommand):
    """The record of resource ID: capacity, units, holders, waiters, intents.

Usage: tw resource ID [--json]"""
    word = "resource"


class TwWhy(CoreCommand):
    """The chain that keeps task ID from running: task -> resource -> holder -> ... until a
running or ready task, or a cycle.

Usage: tw why ID [--json]"""
    word = "why"


class TwDeadlocks(CoreCommand):
    """Every deadlock (certain or possible), as interleaved task/resource chains.

Usage: tw deadlocks [--json] [--attach-only] [--one-sample]"""
    word = "deadlocks"


class TwAlerts(CoreCommand):
    """Every alert (deadlock, lost_waker, long_poll, ...), each with its doc page.

Usage: tw alerts [--json]"""
    word = "alerts"


class TwLog(CoreCommand):
    """The newest N events (default 20), merged across threads, and how far back history reaches.

Usage: tw log [N] [--json]"""
    word = "log"


class TwBack(HistoryCommand):
    """Move the view N events back in history (default 1); later commands show that moment (as_of).

Usage: tw back [N] [--json]
       tw back --await ID   (back to when task ID began the await it is blocked at now)"""
    word = "back"


class TwForward(HistoryCommand):
    """Move the view N events forward in history (default 1).

Usage: tw forward [N] [--json]"""
    word = "forward"


class TwAt(HistoryCommand):
    """Move the view to just after event SEQ.

Usage: tw at SEQ [--json]"""
    word = "at"


class TwNow(HistoryCommand):
    """Move the view back to the present.

Usage: tw now [--json]"""
    word = "now"


class TwPause(CoreCommand):
    """Ask the runtime to stop scheduling task ID (live processes only).

Usage: tw pause ID [--json]
gdb keeps the process stopped while attached: the runtime takes the request when it runs
again (after `continue` or `detach`)."""
    word = "pause"


class TwResume(CoreCommand):
    """Ask the runtime to schedule task ID again (live processes only).

Usage: tw resume ID [--json]"""
    word = "resume"


class TwValidate(CoreCommand):
    """Check the region (header, tables, rings) and report what is torn, dropped or corrupt.

Usage: tw validate [--json]"""
    word = "validate"


def _task_id(words, what):
    ids = [w for w in words if not w.startswith("-")]
    if len(ids) != 1:
        raise gdb.GdbError("usage: tw %s ID" % what)
    try:
        v = int(ids[0], 0)
    except ValueError:
        raise gdb.GdbError("tw %s: \"%s\" is not a task id" % (what, ids[0]))
    if v <= 0 or v >= 1 << 32:
        raise gdb.GdbError("tw %s: %s is not a task id" % (what, ids[0]))
    return v


def _thread_by_tid(tid):
    for th in gdb.selected_inferior().threads():
        if th.ptid[1] == tid or (th.ptid[1] == 0 and th.ptid[0] == tid):
            return th
    return None


def _thread_frames(th):
    """Frames of a real thread (attach-only tasks are threads), symbolised like tw bt."""
    try:
        old = gdb.selected_thread()
        oldf = gdb.selected_frame()
    except gdb.error:
        old, oldf = None, None
    out = []
    try:
        th.switch()
        f = gdb.newest_frame()
        while f is not None and len(out) < stack.MAX_FRAMES:
            d = stack.symbolise(f.pc(), f.level() > 0 and f.type() == gdb.NORMAL_FRAME)
            d["pc"] = f.pc()
            if f.name():
                d["func"] = f.name()
            out.append(d)
            f = f.older()
    except gdb.error:
        pass
    finally:
        if old is not None and old.is_valid():
            old.switch()
            if oldf is not None and oldf.is_valid():
                oldf.select()
    return out


class TwBt(gdb.Command):
    """The stack of a parked task, innermost first: "#N 0xADDR in FUNC (FILE:LINE)".

Usage: tw bt ID [--json] [--gdb]
The task's own stack (not the worker thread's), from its saved registers: a walk of the
frame-pointer chain over target memory, symbolised by gdb; with --gdb (or when the walk stops
at once) gdb's own unwinder (DWARF CFI, inlined frames). Live and on core files. For
attach-only models (a task is a thread) it is that thread's backtrace. To use gdb's own
`bt`, `frame N` and `info locals` on the task, see `tw frame`."""

    def __init__(self):
        gdb.Command.__init__(self, "tw bt", gdb.COMMAND_USER, gdb.COMPLETE_NONE)

    @guarded
    def invoke(self, arg, from_tty):
        opts, words = split(arg)
        as_json = "--json" in words
        tid = _task_id([w for w in words if w != "--gdb"], "bt")
        s = sessions.get(lib(), attach_only="--attach-only" in opts, one_sample=True)
        _say_note(s)
        if s.kind == "region":
            ctx = s.lib.task_context(s.handle, tid)
            frames, method = stack.frames(s.memory, ctx, "gdb" if "--gdb" in words else "auto")
        else:
            th = _thread_by_tid(tid)
            if th is None:
                raise gdb.GdbError("no thread %d in this process" % tid)
            frames, method = _thread_frames(th), "thread"
        if as_json:
            j = {"task": tid, "unwinder": method,
                 "frames": [dict(level=i, **f) for i, f in enumerate(frames)]}
            gdb.write(json.dumps(j, separators=(",", ":")) + "\n")
        else:
            for i, f in enumerate(frames):
                gdb.write(stack.format_frame(i, f) + "\n")
            if len(frames) < 2 and s.kind == "region":
                gdb.write("(the walk stops after %d frame%s: the task's stack memory is not readable%s)\n"
                          % (len(frames), "" if len(frames) == 1 else "s",
                             "" if target.is_live(gdb.selected_inferior()) else " or not in this core file"))


class TwFrame(gdb.Command):
    """Show a parked task's stack in gdb's own `bt`: frame 0 stays the selected thread's, and
from frame 1 on gdb unwinds the task from its saved registers.

Usage: tw frame ID     (then bt, frame N, info locals, p ...)
       tw frame none   (back to the thread's own stack)"""

    def __init__(self):
        gdb.Command.__init__(self, "tw frame", gdb.COMMAND_USER, gdb.COMPLETE_NONE)

    @guarded
    def invoke(self, arg, from_tty):
        opts, words = split(arg)
        if stack.UNWINDER is None:
            raise gdb.GdbError("this gdb has no Python unwinder API; use tw bt")
        if words == ["none"] or not words:
            stack.UNWINDER.clear()
            gdb.write("tw frame: showing the threads' own stacks\n")
            return
        tid = _task_id(words, "frame")
        s = sessions.get(lib(), attach_only="--attach-only" in opts, one_sample=True)
        if s.kind != "region":
            th = _thread_by_tid(tid)
            if th is None:
                raise gdb.GdbError("no thread %d in this process" % tid)
            th.switch()
            gdb.write("tw frame: attach-only tasks are threads; selected thread %d (LWP %d)\n" % (th.num, tid))
            return
        ctx = s.lib.task_context(s.handle, tid)
        th = gdb.selected_thread()
        if th is None:
            raise gdb.GdbError("no thread selected")
        stack.UNWINDER.set(th.ptid, tid, ctx)
        gdb.write("tw frame: frames from #1 on are task %d's stack (frame #0 is thread %d's); "
                  "`tw frame none` to undo\n" % (tid, th.num))


class TwFacts(gdb.Command):
    """What attach-only sees in each thread, before libtwcore analyses it: blocking call,
object, owner, semaphore value, blocking site, and where each fact came from.

Usage: tw facts [--json] [--one-sample]"""

    def __init__(self):
        gdb.Command.__init__(self, "tw facts", gdb.COMMAND_USER, gdb.COMPLETE_NONE)

    @guarded
    def invoke(self, arg, from_tty):
        opts, words = split(arg)
        inf = target.inferior()
        mem = memory_mod.Memory(inf)
        c = facts_mod.collect(lib(), inf, mem, target.is_live(inf), one_sample="--one-sample" in opts)
        if "--json" in words:
            gdb.write(json.dumps(c.as_dict(), separators=(",", ":")) + "\n")
            return
        gdb.write("%s\n" % c.describe())
        for t in c.threads:
            site = "%s:%d" % (t.file, t.line) if t.file else (t.func or "?")
            what = facts_mod.T.BLOCK_NAMES[t.block]
            if t.block != facts_mod.T.BLOCK_NONE:
                what += " in %s" % (t.call or "?")
                if t.object:
                    what += " on 0x%x" % t.object
                if t.object2:
                    what += " (mutex 0x%x)" % t.object2
                if t.timed:
                    what += " timed"
                if t.how:
                    what += " [%s]" % t.how
            gdb.write("  thread %d %-16s %-48s at %s\n" % (t.tid, t.name, what, site))
        for o in c.objects.values():
            gdb.write("  object 0x%x kind %d owner %d value %d\n" % (o.addr, o.kind, o.owner, o.value))


class TwHelp(gdb.Command):
    """libtwcore's help for every tw command, or one.

Usage: tw help [COMMAND]"""

    def __init__(self):
        gdb.Command.__init__(self, "tw help", gdb.COMMAND_USER, gdb.COMPLETE_NONE)

    @guarded
    def invoke(self, arg, from_tty):
        _opts, words = split(arg)
        text = lib().help(words[0] if words else None)
        if not text:
            raise gdb.GdbError("no help for \"%s\"" % (words[0] if words else ""))
        gdb.write(text if text.endswith("\n") else text + "\n")


COMMANDS = [TwSummary, TwTasks, TwTask, TwResources, TwResource, TwWhy, TwDeadlocks, TwAlerts,
            TwLog, TwBack, TwForward, TwAt, TwNow, TwPause, TwResume, TwValidate, TwBt, TwFrame,
            TwFacts, TwHelp]


def register(plugin_dir):
    global PLUGIN_DIR
    PLUGIN_DIR = plugin_dir
    Tw()
    for c in COMMANDS:
        c()
    sessions.install_events()
