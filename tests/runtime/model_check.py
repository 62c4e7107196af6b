#!/usr/bin/env python3
"""model_check.py EXAMPLE — reads `inspect PID` output (JSON lines) on stdin and asserts the
waits, holds and edges the example exists to show. Prints one line; exit 1 on a violation."""
import json, sys

WAITING, READY = 3, 1
ACQUIRE, RECV, SEND, PARK, TIMER, SELECT = 1, 2, 3, 6, 7, 9
HOLD, SENDER, RECEIVER = 1, 2, 3

ex = sys.argv[1]
recs = [json.loads(l) for l in sys.stdin if l.strip()]
tasks = {r["name"]: r for r in recs if "task" in r}
res = {r["name"]: r for r in recs if "resource" in r}
meta = [r for r in recs if "instr_errors" in r][0]
bad = []

def check(cond, msg):
    if not cond:
        bad.append(msg)

def edges(t, role):
    return {e[0] for e in t["edges"] if e[1] == role}

check(meta["instr_errors"] == 0, "instrumentation errors: %d" % meta["instr_errors"])
if ex == "deadlock":
    for i in range(4):
        t = tasks.get("philosopher-%d" % i)
        check(t is not None, "no philosopher-%d" % i)
        if not t:
            continue
        mine, nxt = res["fork-%d" % i]["resource"], res["fork-%d" % ((i + 1) % 4)]["resource"]
        check(t["state"] == WAITING and t["wait_kind"] == ACQUIRE and t["waiting_on"] == nxt,
              "philosopher-%d does not wait to acquire fork-%d" % (i, (i + 1) % 4))
        check(edges(t, HOLD) == {mine}, "philosopher-%d does not hold exactly fork-%d" % (i, i))
        a = t["await"] or {}
        check(a.get("file", "").endswith("deadlock.c") and a.get("expr") == "twrt_mutex_lock(right)",
              "philosopher-%d await site is %s" % (i, a))
        check(t["ctx"]["rip"] != 0 and t["ctx"]["lo"] < t["ctx"]["rsp"] < t["ctx"]["hi"],
              "philosopher-%d has no saved context inside its stack" % i)
    check("heartbeat" in tasks and tasks["heartbeat"]["polls"] >= 2, "heartbeat not polled")
elif ex == "channel-cycle":
    for i in range(3):
        t = tasks["stage-%d" % i]
        ch = res["ch-%d" % i]["resource"]
        check(t["state"] == WAITING and t["wait_kind"] == RECV and t["waiting_on"] == ch,
              "stage-%d does not wait to receive on ch-%d" % (i, i))
        check(ch in edges(t, RECEIVER), "stage-%d lacks the receiver of ch-%d" % (i, i))
        holders = [n for n, x in tasks.items() if ch in edges(x, SENDER)]
        check(holders == ["stage-%d" % ((i + 1) % 3)], "senders of ch-%d held by %s" % (i, holders))
elif ex == "backpressure":
    p, c, jobs = tasks["producer"], tasks["consumer"], res["jobs"]
    check(p["state"] == WAITING and p["wait_kind"] == SEND and p["waiting_on"] == jobs["resource"],
          "producer not blocked sending on jobs")
    check(jobs["resource"] in edges(c, RECEIVER), "consumer lacks the receiver")
    check(jobs["resource"] in edges(p, SENDER), "producer lacks the sender")
    check(jobs["queued"] >= 7, "jobs not (nearly) full: %d" % jobs["queued"])
elif ex == "long-poll":
    check(tasks["blocking-io"]["polls"] >= 2, "blocking-io polled fewer than 2 times")
elif ex == "lost-waker":
    t = tasks["data-waiter"]
    check(t["state"] == WAITING and t["wait_kind"] == PARK and t["wakers_alive"] == 0,
          "data-waiter is not parked with no waker: %s" % {k: t[k] for k in ("state", "wait_kind", "wakers_alive")})
    others = [n for n, x in tasks.items() if x["state"] == WAITING and x["wakers_alive"] == 0 and n != "data-waiter"]
    check(not others, "healthy waits without wakers: %s" % others)
elif ex == "select-cancel":
    t = tasks["selector"]
    check(t["state"] == WAITING and t["wait_kind"] == SELECT, "selector not waiting in its select")
    check(t["polls"] >= 4, "selector did not loop")
    check(res["reports"]["queued"] == 1, "reports channel should hold only the old report")
elif ex == "busy":
    n = len(tasks)
    check(n >= 10000, "only %d tasks" % n)
    lost = [x for x in recs if "task" in x and x["state"] == WAITING and x["wakers_alive"] <= 0]
    check(not lost, "%d waiting tasks without a waker" % len(lost))
elif ex == "starvation":
    t = tasks["starved"]
    check(t["state"] == READY and t["polls"] == 0, "starved task was polled or is not ready")
    check(all(tasks["hog-%d" % i]["state"] == 2 for i in range(2)), "hogs are not both polling")
else:
    bad.append("unknown example")
print("%s: %s" % (ex, "model ok" if not bad else "; ".join(bad)))
sys.exit(1 if bad else 0)
