"""Does lldb say what the console says? (tests/lldb/t_examples.sh)

usage: lldb_vs_console.py EXAMPLE NCMDS LLDB_OUT CONSOLE_OUT
Both outputs hold, in order, the JSON of `deadlocks` and `tasks` on the live process, then
NCMDS commands' JSON on its core. Live, the deadlocks (certainty, chain, each resource's
holders) and the tasks (id, name) must be equal (the process runs between the two looks, so
counters are not compared); on the core every answer must be equal but for timing fields.
The deadlock example's live cycle must be certain, of 4 tasks, each fork held by one
philosopher. Prints one line per difference; one parse of each output serves every check."""
import json
import sys

from jsonq import chain, norm, objects


def deadlocks(j):
    return [(d["certain"], chain(d["chain"]),
             sorted((e["resource"], [h["task"] for h in e["holders"]]) for e in d["chain"] if "resource" in e))
            for d in j["deadlocks"]]


def tasks(j):
    return sorted((t["id"], t["name"]) for t in j["tasks"])


def main():
    ex, ncmds = sys.argv[1], int(sys.argv[2])
    lldb, console = (objects(open(p).read()) for p in sys.argv[3:5])
    want = 2 + ncmds
    for who, objs in (("lldb", lldb), ("the console", console)):
        if len(objs) < want:
            print("%s: %s printed %d JSON answers, want %d" % (ex, who, len(objs), want))
            return 1
    bad = []
    try:
        if deadlocks(lldb[0]) != deadlocks(console[0]):
            bad.append("live: deadlocks differ: lldb %s console %s" % (deadlocks(lldb[0]), deadlocks(console[0])))
        if tasks(lldb[1]) != tasks(console[1]):
            bad.append("live: tasks differ: lldb %s console %s" % (tasks(lldb[1]), tasks(console[1])))
        if ex == "deadlock":
            d = lldb[0]["deadlocks"]
            if not any(x["certain"] and sum(1 for e in x["chain"] if "task" in e) == 4 for x in d):
                bad.append("live: no certain 4-task cycle in lldb: %s" % deadlocks(lldb[0]))
            if not all(len(e["holders"]) == 1 and e["holders"][0]["name"].startswith("philosopher-")
                       for x in d for e in x["chain"] if "resource" in e):
                bad.append("live: a fork in lldb's chain does not name the philosopher holding it")
    except (KeyError, TypeError) as e:
        bad.append("live: an answer lacks %r" % e)
    for i in range(ncmds):
        l, c = (json.dumps(norm(o[2 + i]), sort_keys=True) for o in (lldb, console))
        if l != c:
            bad.append("core: answer %d differs: lldb %s console %s" % (i, l[:200], c[:200]))
    for b in bad:
        print("%s %s" % (ex, b))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
