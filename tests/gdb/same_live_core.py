"""Do gdb's answers live and from a core of the same stop agree? (tests/gdb/t_examples.sh)

usage: same_live_core.py EXAMPLE CMD... < gdb output holding len(CMD) JSON objects live, then
the same commands' objects from the core.
What must be equal: everything, except what depends on the time *now* or on the kernel's
run-queue times (long_poll, ready_starvation, long_pause: a live target has them, a core not;
the examples' alerts are checked live by the test), and the time figures, which include the
state a task is in up to the moment of reading (live: the last moment a thread of the stopped
target provably ran; a core has no clock: libtwcore takes its newest timestamp). Those must be
less than 2 s apart: deadlocks and alerts may let the target run for a second sample between
the live tasks and the gcore, so either may be the later. starvation records nothing once its
hogs begin polling, so its core holds no moment after that and its figures are not compared."""
import json
import sys

from jcheck import objects

TIMES = ("busy_ns", "scheduled_ns", "idle_ns")
CLOCKED = ("ready_starvation", "long_pause", "long_poll")


def comparable(j):
    if "alerts" in j:
        return dict(j, alerts=[a for a in j["alerts"] if a["kind"] not in CLOCKED])
    if "tasks" in j:
        return dict(j, tasks=[{k: v for k, v in t.items() if k not in TIMES} for t in j["tasks"]])
    return j


def figures(j):
    return {t["id"]: [t[k] for k in TIMES] for t in j["tasks"]}


def main():
    ex, cmds = sys.argv[1], sys.argv[2:]
    objs = objects(sys.stdin.read())
    n = len(cmds)
    if len(objs) < 2 * n:
        print("%s: %d JSON objects, want %d live and %d from the core" % (ex, len(objs), n, n))
        return 1
    bad = 0
    for k, cmd in enumerate(cmds):
        live, core = (json.dumps(comparable(o), sort_keys=True) for o in (objs[k], objs[n + k]))
        if live != core:
            print("%s: '%s' differs live vs core: live %s | core %s" % (ex, cmd, live[:300], core[:300]))
            bad = 1
    if ex != "starvation" and "tasks" in objs[0]:
        live, core = figures(objs[0]), figures(objs[n])
        far = [(i, l, core.get(i)) for i, l in live.items()
               if core.get(i) is None or any(abs(x - c) > 2e9 for x, c in zip(l, core[i]))]
        if far:
            print("%s: time figures live vs core of the same stop: %s" % (ex, far[:3]))
            bad = 1
    return bad


sys.exit(main())
