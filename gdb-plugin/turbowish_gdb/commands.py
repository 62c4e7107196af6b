"""The `tw` prefix command and one gdb command class per subcommand (like Linux's scripts/gdb).

Each class's docstring is its `help`, taken from libtwcore's command table (twc_help_in), so
gdb, lldb and the console describe every command with the same words. Every subcommand but
frame, facts and bt --gdb hands its words to libtwcore (twc_exec) and prints what comes back
verbatim; errors are one gdb.GdbError line; memory faults never escape as Python tracebacks.
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


class TwSubcommand(gdb.Command):
    """Base of every `tw WORD` subcommand: registers itself under its word."""
    word = None

    def __init__(self):
        gdb.Command.__init__(self, "tw " + self.word, gdb.COMMAND_USER, gdb.COMPLETE_NONE)


class CoreCommand(TwSubcommand):
    """Base of the subcommands that libtwcore answers."""

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
`tw help CMD` is libtwcore's help for one command. See docs/gdb.md."""

    def __init__(self):
        gdb.Command.__init__(self, "tw", gdb.COMMAND_USER, gdb.COMPLETE_COMMAND, True)

    @guarded
    def invoke(self, arg, from_tty):
        opts, words = split(arg)
        if words and not words[0].startswith("-"):
            where = {n: w for n, _a, _s, w in lib().commands()}.get(words[0], 0)
            if where & twcore.FE_CONSOLE:
                raise gdb.GdbError("%s is a command of the tw program: run tw %s TARGET" % (words[0], words[0]))
            near = lib().suggest(words[0])
            raise gdb.GdbError("unknown tw command \"%s\"; %s" % (
                words[0], "did you mean \"%s\"? (see `help tw`)" % near if near else "see `help tw`"))
        run("summary", arg)


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


class TwBt(TwSubcommand):
    """(help from libtwcore's command table)"""
    word = "bt"

    @guarded
    def invoke(self, arg, from_tty):
        opts, words = split(arg)
        if "--gdb" not in words:
            # libtwcore walks the stack over the memory gdb lends it and renders it, as in lldb
            # and the console; attach-only tasks are threads, unwound by gdb (frames.ThreadStacks)
            s = sessions.get(lib(), attach_only="--attach-only" in opts, one_sample=True)
            _say_note(s)
            out = s.exec(" ".join(["bt"] + words))
            gdb.write(out if out.endswith("\n") else out + "\n")
            return
        # --gdb: gdb's own unwinder (DWARF CFI) instead of the frame-pointer walk, for code
        # built without frame pointers; libtwcore still renders the frames
        words = [w for w in words if w != "--gdb"]
        tid = _task_id(words, "bt")
        s = sessions.get(lib(), attach_only="--attach-only" in opts, one_sample=True)
        _say_note(s)
        if s.kind != "region":
            raise gdb.GdbError("tw bt --gdb: attach-only tasks are threads, already unwound by gdb: use tw bt %d" % tid)
        pcs = [f["pc"] for f in stack.frames_gdb(s.lib.task_context(s.handle, tid))]
        gdb.write(s.lib.render_stack(s.handle, tid, pcs, None if pcs else "gdb could not unwind it",
                                     "--json" in words))


class TwFrame(TwSubcommand):
    """Show a parked task's stack in gdb's own `bt`: frame 0 stays the selected thread's, and
from frame 1 on gdb unwinds the task from its saved registers.

Usage: tw frame ID     (then bt, frame N, info locals, p ...)
       tw frame none   (back to the thread's own stack)"""

    word = "frame"

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


class TwFacts(TwSubcommand):
    """What attach-only sees in each thread, before libtwcore analyses it: blocking call,
object, owner, semaphore value, blocking site, and where each fact came from.

Usage: tw facts [--json] [--one-sample]"""

    word = "facts"

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
                    kind = "std::thread" if t.block == facts_mod.T.BLOCK_JOIN else "mutex"
                    what += " (%s 0x%x from %s)" % (kind, t.object2, t.how2 or "?")
                if t.timed:
                    what += " timed"
                if t.how:
                    what += " [%s]" % t.how
            gdb.write("  thread %d %-16s %-48s at %s\n" % (t.tid, t.name, what, site))
        for o in c.objects.values():
            gdb.write("  object 0x%x kind %d owner %d value %d\n" % (o.addr, o.kind, o.owner, o.value))


class TwHelp(TwSubcommand):
    """(help from libtwcore's command table)"""
    word = "help"

    @guarded
    def invoke(self, arg, from_tty):
        _opts, words = split(arg)
        text = lib().help(words[0] if words else None)
        if text.startswith("no such command"):
            raise gdb.GdbError(text.strip())
        gdb.write(text if text.endswith("\n") else text + "\n")


# Commands whose gdb side is more than handing the line to libtwcore; every other command of
# the table that works in gdb is a CoreCommand (HistoryCommand for moves through history).
SPECIAL = {"bt": TwBt, "frame": TwFrame, "facts": TwFacts, "help": TwHelp}
HISTORY = ("back", "forward", "at", "now")


def command_classes():
    """One class per command of libtwcore's table that works in gdb, its docstring the table's
    help (gdb shows the first line in `help tw`, all of it in `help tw NAME`); without
    libtwcore, none (the prefix's errors then say why)."""
    try:
        table = lib().commands()
    except twcore.CoreError:
        return []
    out = []
    for name, _args, _summary, where in table:
        if not where & twcore.FE_GDB:
            continue
        doc = lib().help(name).rstrip("\n")
        base = SPECIAL.get(name) or (HistoryCommand if name in HISTORY else CoreCommand)
        out.append(type("Tw" + name.capitalize(), (base,), {"__doc__": doc, "word": name}))
    return out


def register(plugin_dir):
    global PLUGIN_DIR
    PLUGIN_DIR = plugin_dir
    Tw()
    for c in command_classes():
        c()
    sessions.install_events()
