"""Checks of tests/tokio/blocking_in_poll.sh, one process per frontend's answer (a Python start
costs a second on a loaded machine).
usage: blocked_check.py TASKS-OUT ALERTS-OUT EXAMPLE.rs NAME|CALL|OBJECT-EXPR|LINE...
The outputs are whole debugger or console outputs; the first JSON object line of each is read.
Each named task must be polling and blocked in CALL at EXAMPLE.rs:LINE with OBJECT-EXPR true
(Python over `b`, its blocked_in); every other task must not be blocked; blocking_in_poll must
name exactly those tasks, and long_poll none of them. Prints what is wrong and exits 1."""
import json
import sys


def first(out):
    for line in out.splitlines():
        i = line.find("{")
        if i >= 0:
            try:
                return json.loads(line[i:])
            except ValueError:
                pass
    sys.exit("no JSON object in: %s" % out[:300])


tasks, alerts = first(sys.argv[1])["tasks"], first(sys.argv[2])["alerts"]
example, specs = sys.argv[3], [s.split("|") for s in sys.argv[4:]]
names = {s[0] for s in specs}
for name, call, obj, line in specs:
    t = next((t for t in tasks if t["name"] == name), None)
    b = t and t["blocked_in"]
    if not (t and t["state"] == "polling" and b and b["call"] == call and eval(obj)
            and (b["file"] or "").endswith(example) and b["line"] == int(line)):
        sys.exit("%s is not polling, blocked in %s at %s:%s: %s" % (name, call, example, line, json.dumps(t)))
other = [t["name"] for t in tasks if t["name"] not in names and t["blocked_in"] is not None]
if other:
    sys.exit("tasks %s read as blocked too" % other)
ids = {t["id"] for t in tasks if t["name"] in names}
got = sorted(a["task"] for a in alerts if a["kind"] == "blocking_in_poll")
if got != sorted(ids) or any(a["kind"] == "long_poll" and a.get("task") in ids for a in alerts):
    sys.exit("want blocking_in_poll (and no long_poll) on %s alone: %s" % (sorted(names), json.dumps(alerts)[:800]))
