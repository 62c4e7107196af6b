#!/usr/bin/env python3
"""sample.py CASE FRONTEND PID COUNT LOGDIR — ask one frontend `tw deadlocks --json` about a
running healthy program COUNT times, each at a random instant, and print one summary line:
    CASE FRONTEND samples=N certain=C possible=P errors=E seconds=S
Every sample that says certain is kept whole in LOGDIR/CASE.FRONTEND.certain (the JSON and
the command that produced it); every sample without JSON in LOGDIR/CASE.FRONTEND.errors.
gdb and lldb take up to SESSION (5) samples in one debugger process, as a user who detaches and
attaches again would: each sample is still a fresh attach at a random instant, and what is
saved is the debugger's start-up, most of a sample's cost (the first attach of each session
still takes the path of a new one).
Run from the project root; lldb's plugin is the private copy in $TW_LLDB_PLUGIN."""
import json
import os
import random
import subprocess
import sys
import time

GDB_PLUGIN = "build/share/gdb/turbowish.py"


SESSION = int(os.environ.get("HEALTHY_SESSION", "5"))   # samples per gdb/lldb process


def pause():
    # a random instant: the program's phase must not line up with our period
    return random.uniform(0.0, 0.06)


def command(frontend, pid, count=1):
    """One process that asks COUNT times, attaching afresh (after a random pause) for each."""
    if frontend == "console":
        return ["build/bin/tw", "deadlocks", "--pid", pid, "--json"]
    if frontend == "gdb":
        cmd = ["gdb", "-batch", "-nx", "-x", GDB_PLUGIN, "-p", pid, "-ex", "tw deadlocks --json"]
        for _ in range(count - 1):
            cmd += ["-ex", "detach", "-ex", "shell sleep %.3f" % pause(), "-ex", "attach " + pid,
                    "-ex", "tw deadlocks --json"]
        return cmd
    if frontend == "lldb":
        # a loaded machine makes lldb-server slow to answer: allow it (as tests/lldb/lib.sh)
        cmd = ["lldb", "-b", "-O", "settings set plugin.process.gdb-remote.packet-timeout 120",
               "-o", "plugin load " + os.environ["TW_LLDB_PLUGIN"], "-p", pid,
               "-o", "tw deadlocks --json"]
        for _ in range(count - 1):
            cmd += ["-o", "process detach", "-o", "platform shell sleep %.3f" % pause(),
                    "-o", "process attach -p " + pid, "-o", "tw deadlocks --json"]
        return cmd
    raise SystemExit("unknown frontend " + frontend)


def answers(text):
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


# A debugger may fail to attach to a program whose threads come and go by the thousand (lldb:
# "attach failed: No such process" while one of them exits): that is no answer at all, not a
# verdict, and a user would attach again.
ATTACH_REFUSED = ("attach failed", "ptrace: No such process")


def ask(cmd):
    for _attempt in range(3):
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            out = run.stdout + run.stderr
        except subprocess.TimeoutExpired as e:
            return "timed out after 300 s: %s" % (e.stdout or "")
        if answers(out) or not any(r in out for r in ATTACH_REFUSED):
            return out
    return out


def main():
    case, frontend, pid, count, logdir = sys.argv[1:6]
    count = int(count)
    certain = possible = errors = 0
    started = time.monotonic()
    done = 0
    while done < count:
        n = 1 if frontend == "console" else min(SESSION, count - done)
        cmd = command(frontend, pid, n)
        time.sleep(pause())
        out = ask(cmd)
        got = answers(out)
        if len(got) < n and n > 1:
            # a session cut short (an attach refused mid-way): the rest are asked one by one
            n = max(len(got), 1)
            got = got[:n]
        for i in range(n):
            j = got[i] if i < len(got) else None
            if j is None or "deadlocks" not in j:
                errors += 1
                with open(os.path.join(logdir, "%s.%s.errors" % (case, frontend)), "a") as f:
                    f.write("sample %d: %s\n%s\n" % (done + i + 1, " ".join(cmd), out[-2000:]))
                continue
            verdicts = j["deadlocks"]
            if any(d.get("certain") for d in verdicts):
                certain += 1
                with open(os.path.join(logdir, "%s.%s.certain" % (case, frontend)), "a") as f:
                    f.write("sample %d: %s\n%s\n" % (done + i + 1, " ".join(cmd), json.dumps(j)))
            elif verdicts:
                possible += 1
        done += n
    print("%s %s samples=%s certain=%d possible=%d errors=%d seconds=%.0f"
          % (case, frontend, count, certain, possible, errors, time.monotonic() - started))


if __name__ == "__main__":
    main()
