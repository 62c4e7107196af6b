"""Evaluate a Python expression over one JSON object printed by gdb.

usage: jcheck.py [--nth N] EXPR  < output
The Nth line (0-based) that holds a JSON object (from its first "{") is parsed as `j`; EXPR
is evaluated with j, objs (all of them), chain(d) (a deadlock chain as comparable tuples,
rotated to start at its smallest task id) and tasks(d) (task ids of a chain). Prints the
value; exits 1 when there is no such object or the value is falsy (0 is a value), 2 on an
error in EXPR."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from jsonlines import check_main, objects  # noqa: E402  (re-exported for the scripts that import this one)


def chain(d):
    c = [("task", e["task"], e.get("name")) if "task" in e else ("resource", e.get("resource"), e.get("name"))
         for e in d["chain"]]
    t = [i for i, x in enumerate(c) if x[0] == "task"]
    if t:
        k = min(t, key=lambda i: c[i][1])
        c = c[k:] + c[:k]
    return c


def tasks(d):
    return [e["task"] for e in d["chain"] if "task" in e]


def main():
    return check_main(sys.argv[1:], sys.stdin.read(), {"chain": chain, "tasks": tasks})


if __name__ == "__main__":
    sys.exit(main())
