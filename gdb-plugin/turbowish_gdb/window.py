"""The run window between two attach-only samples, run as its own process beside gdb:
   python3 window.py PID SECONDS OUTFILE [TID...]

gdb's `continue` does not return until the process stops, so what must happen while the process
runs happens here: wait until the listed threads (blocked untimed in the first sample) are asleep
again -- the stop woke them and they re-entered their waits -- read their context-switch counts,
let the process run SECONDS, read them again, then interrupt it with SIGINT (again after 1 s and
2 s, in case the first arrives before gdb has resumed the process; gdb kills this process as soon
as the process stops). OUTFILE gets two JSON lines {tid: count}: libtwcore's progress sign
(twc_fact_thread.switches, the same counts attach/progress.c reads for the console)."""
import json
import os
import signal
import sys
import time


def state(pid, tid):
    """The thread's state letter from /proc (R, S, D, t...); "" when unreadable or malformed."""
    try:
        with open("/proc/%d/task/%d/stat" % (pid, tid)) as f:
            rest = f.read().rsplit(")", 1)[-1].split()
    except OSError:
        return ""
    return rest[0] if rest else ""


def switches(pid, tid):
    """The thread's context switches + 1; 0 when unknown, or when it is stopped (by the
    debugger, which may not have let it run yet): a count read then proves nothing."""
    if state(pid, tid) in ("t", "T"):
        return 0
    try:
        with open("/proc/%d/task/%d/status" % (pid, tid)) as f:
            v = [int(l.split()[1]) for l in f if l.split(":")[0] in
                 ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")]
        return sum(v) + 1 if len(v) == 2 else 0
    except (OSError, ValueError, IndexError):
        return 0


def asleep(pid, tid):
    return state(pid, tid) in ("", "S", "D")


def main():
    pid, seconds, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    tids = [int(t) for t in sys.argv[4:]]
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline and not all(asleep(pid, t) for t in tids):
        time.sleep(0.002)
    before = {t: switches(pid, t) for t in tids}
    time.sleep(seconds)
    end = {t: switches(pid, t) for t in tids}
    with open(out, "w") as f:
        f.write(json.dumps(before) + "\n" + json.dumps(end) + "\n")
    for pause in (1, 2, None):
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            return
        if pause is None:
            return
        time.sleep(pause)


if __name__ == "__main__":
    main()
