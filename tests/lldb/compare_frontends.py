#!/usr/bin/env python3
"""Every command in the three frontends — the tw console, gdb and lldb — on one target, text and
--json, compared byte for byte: what libtwcore renders must reach the user unchanged.

usage: compare_frontends.py (--pid PID | --core CORE --exe EXE) --tw TW --gdb-plugin PY --lldb-plugin SO
                  [--task ID] [--resource ID] [--seq SEQ]

The target must not move while it is read (a process stopped with SIGSTOP, or a core). Errors
are compared without each frontend's prefix ("tw: ", "error: ", gdb's none). Help is compared
per command; the overview lists what works in each frontend, so it differs by design
(docs/console.md, "One interface"). Prints one line per difference; exits 1 if any.
"""
import argparse
import json
import os
import re
import subprocess
import sys

TIMEOUT = int(os.environ.get("TW_DBG_TIMEOUT", "600"))


def commands(task, resource, seq):
    """(label, [command lines in one session], which output to compare: -1 = the last)"""
    base = ["summary", "tasks", "task %d" % task, "resources", "resource %d" % resource, "why %d" % task,
            "deadlocks", "alerts", "log 10", "bt %d" % task, "validate"]
    out = []
    for c in base:
        out.append((c, [c]))
        out.append((c + " --json", [c + " --json"]))
    out += [("help bt", ["help bt"]), ("help why", ["help why"]), ("help tasks", ["help tasks"])]
    out.append(("at %d; tasks --json" % seq, ["at %d" % seq, "tasks --json"]))
    out.append(("at %d; deadlocks" % seq, ["at %d" % seq, "deadlocks"]))
    out.append(("task 999 (not found)", ["task 999"]))
    return out


def run(argv, stdin=None):
    p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=TIMEOUT, universal_newlines=True)
    return p.stdout


def strip_err(text):
    return "\n".join(re.sub(r"^(tw: |error: )", "", l) for l in text.splitlines())


def console(a, lines):
    """The REPL keeps one session (history moves persist), like a debugger; the last
    command's output is what follows the previous commands' output."""
    target = ["--pid", str(a.pid)] if a.pid else ["--core", a.core, "--exe", a.exe]
    outs = []
    for i in range(len(lines)):
        outs.append(run([a.tw, "console"] + target, "\n".join(lines[:i + 1]) + "\n"))
    # the output of the last line: what the whole script printed minus what its prefix did
    last, before = outs[-1], outs[-2] if len(outs) > 1 else ""
    return strip_err(last[len(before):] if last.startswith(before) else last)


MARK = "@@tw-compare@@"


def session_lines(groups, marker):
    """Every group as a debugger session runs it: back to now (the session keeps the history
    position between groups, a fresh console does not), then its lines, each after a marker:
    "skip" before all but the last, the group's number before the last."""
    out = []
    for i, (_label, lines) in enumerate(groups):
        for j, l in enumerate(["now"] + lines):
            out.append(marker(MARK + (str(i) if j == len(lines) else "skip")))
            out.append("tw " + l)
    out.append(marker(MARK + "end"))
    return out


def gdb(a, groups):
    argv = ["gdb", "-batch", "-nx", "-x", a.gdb_plugin]
    argv += ["-p", str(a.pid)] if a.pid else [a.exe, a.core]
    for c in session_lines(groups, lambda m: "echo %s\\n" % m):
        argv += ["-ex", c]
    return split(run(argv), len(groups))


def lldb(a, groups):
    argv = ["lldb", "-b", "-O", "settings set plugin.process.gdb-remote.packet-timeout 120",
            "-o", "plugin load " + a.lldb_plugin]
    argv += ["-p", str(a.pid)] if a.pid else [a.exe, "-c", a.core]
    # lldb -b stops at the first failing command, so markers must not fail: a shell echo
    for c in session_lines(groups, lambda m: "platform shell echo " + m):
        argv += ["-o", c]
    # lldb echoes each command as "(lldb) CMD": not output
    text = "\n".join(l for l in run(argv).splitlines() if not l.startswith("(lldb) "))
    return split(text, len(groups))


def split(text, n):
    """Output after marker i up to the next marker."""
    parts, cur, idx = {}, [], None
    for l in text.splitlines():
        m = re.match(re.escape(MARK) + r"(\d+|skip|end)$", l)
        if m:
            if idx is not None:
                parts[idx] = "\n".join(cur)
            idx = int(m.group(1)) if m.group(1).isdigit() else None
            cur = []
            continue
        if idx is not None:
            cur.append(l)
    if idx is not None:   # lldb -b quits at a failing command: its error ends the text
        parts[idx] = "\n".join(l for l in cur if not re.match(r"Process \d+ (detached|exited)", l))
    return [strip_err(parts.get(i, "(no output)")) for i in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int)
    ap.add_argument("--core")
    ap.add_argument("--exe")
    ap.add_argument("--tw", required=True)
    ap.add_argument("--gdb-plugin", required=True)
    ap.add_argument("--lldb-plugin", required=True)
    ap.add_argument("--task", type=int, default=3)
    ap.add_argument("--resource", type=int, default=2)
    ap.add_argument("--seq", type=int, help="an event to move to (default: the oldest of `log 10`)")
    a = ap.parse_args()
    if a.seq is None:
        # event numbers are the region's own (docs/region.md): take one the target retains
        target = ["--pid", str(a.pid)] if a.pid else ["--core", a.core, "--exe", a.exe]
        line = [l for l in run([a.tw, "log", "10", "--json"] + target).splitlines() if l.startswith("{")][0]
        a.seq = json.loads(line)["events"][0]["seq"]
    groups = commands(a.task, a.resource, a.seq)
    g = gdb(a, groups)
    l = lldb(a, groups)
    diffs = 0
    for i, (label, lines) in enumerate(groups):
        c = console(a, lines)
        outs = {"console": c.strip("\n"), "gdb": g[i].strip("\n"), "lldb": l[i].strip("\n")}
        if not outs["console"]:
            print("EMPTY %s: the console printed nothing" % label)
            diffs += 1
        for other in ("gdb", "lldb"):
            if outs[other] != outs["console"]:
                diffs += 1
                print("DIFF %s: console vs %s\n  console: %r\n  %-7s: %r" % (label, other, outs["console"][:600],
                                                                          other, outs[other][:600]))
    print("%d commands compared in console, gdb and lldb: %d difference%s"
          % (len(groups), diffs, "" if diffs == 1 else "s"))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
