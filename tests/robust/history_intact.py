#!/usr/bin/env python3
"""history_intact.py TW NAME[,NAME...] SNAPSHOT... -- the history tw shows for each named task is whole.

A task updated by one thread records each change of its version as one event in that thread's
ring, and a ring keeps a contiguous run of its newest events. So, whatever a reader
left out (overwritten, lost), the task-version events it shows for such a task must carry
consecutive versions. An event mis-read from a ring slot that was overwritten during the copy
(a newer event taken for an older one, or a half-written one) breaks the run.

Prints "intact: SNAPSHOT NAME thread T: N events, versions A..B" per task and thread; exits 1
at the first hole found."""
import json
import subprocess
import sys

# events whose `version` is the task's (the others carry their resource's, or none)
TASK_VERSIONED = {"spawn", "name", "poll_begin", "poll_end", "done", "dropped", "wake", "waker_create",
                  "waker_clone", "waker_drop", "waker_transfer", "pause", "resume", "await_begin",
                  "await_end", "acquire_req", "block_full", "block_empty", "handle_add", "handle_drop",
                  "intent_set", "intent_clear", "attr", "cancel"}


def tw_json(tw, args):
    out = subprocess.run([tw] + args + ["--json"], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        sys.exit("tw %s failed (%d): %s" % (" ".join(args), out.returncode, out.stderr.strip()))
    return json.loads(out.stdout[out.stdout.index("{"):])


def check(tw, names, snapshot):
    target = ["--file", snapshot]
    tasks = tw_json(tw, ["tasks"] + target)["tasks"]
    events = tw_json(tw, ["log", "100000000"] + target)["events"]
    for name in names:
        ids = [t["id"] for t in tasks if t["name"] == name]
        if len(ids) != 1:
            sys.exit("%s: no single task named %s" % (snapshot, name))
        # per thread: its spawn was recorded by the spawner's thread, the rest by the writer's
        by_thread = {}
        for e in events:
            if e["task"] == ids[0] and e["type"] in TASK_VERSIONED:
                by_thread.setdefault(e["thread"], []).append(e["version"])
        for thread, vs in sorted(by_thread.items()):
            vs.sort()
            for a, b in zip(vs, vs[1:]):
                if b != a + 1:
                    sys.exit(snapshot + ": history of %s (thread %d) has a hole or a duplicate: version %d then %d (%d events shown)"
                             % (name, thread, a, b, len(vs)))
            print("intact: %s %s thread %d: %d events, versions %d..%d" % (snapshot, name, thread, len(vs), vs[0], vs[-1]))


def main():
    tw, names = sys.argv[1], sys.argv[2].split(",")
    for snapshot in sys.argv[3:]:
        check(tw, names, snapshot)


main()
