"""Read debugger output on stdin; evaluate EXPR over its JSON object lines.
usage: jsonq.py [--nth N] [--all] EXPR
  j     the Nth JSON object (0-based; default 0), objs: all of them
  norm(x)     x without timing fields (keys ending _ns/_us/_ms, ts, elapsed...) and sorted keys
  chain(c)    a deadlock chain as (kind, id, name) tuples, rotated to its smallest task id
Prints the value (JSON for non-strings); exits 1 when there is no JSON object or the value is
None/False/empty, 2 when EXPR fails. objects(), norm() and chain() serve other checks too."""
import json
import re
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from jsonlines import check_main, objects  # noqa: E402  (re-exported for the scripts that import this one)

TIMING = re.compile(r"(_ns|_us|_ms|^ts|elapsed|_hist|^ago)$")


def norm(x):
    if isinstance(x, dict):
        return {k: norm(v) for k, v in sorted(x.items()) if not TIMING.search(k)}
    if isinstance(x, list):
        return [norm(v) for v in x]
    return x


def chain(c):
    t = [("task", e["task"], e.get("name")) if "task" in e else ("resource", e.get("resource"), e.get("name"))
         for e in c]
    tasks = [i for i, x in enumerate(t) if x[0] == "task"]
    if tasks:
        k = min(tasks, key=lambda i: t[i][1])
        t = t[k:] + t[:k]
    return t


def main():
    return check_main(sys.argv[1:], sys.stdin.read(), {"norm": norm, "chain": chain}, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
