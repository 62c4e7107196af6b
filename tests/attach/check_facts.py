#!/usr/bin/env python3
"""check_facts.py SCENARIO MODE < twa_dump output — asserts what attach-only must find.

MODE is "live" or "core". Exits 1 with one line saying what was wrong. Thread names are only
checked live (a core holds one process name, not per-thread names)."""
import sys

MUTEX, RD, WR, SEM, COND, JOIN, BARRIER, SLEEP, IO, UNKNOWN = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10

def parse(text):
    threads, objects, meta = [], {}, {}
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "thread":
            d = dict(x.split("=", 1) for x in w[2:])
            threads.append({"tid": int(w[1]), "name": d["name"], "block": int(d["block"]),
                            "timed": int(d["timed"]), "object": int(d["object"], 16),
                            "object2": int(d["object2"], 16), "site": d["site"], "func": d["func"]})
        elif w[0] == "object":
            d = dict(x.split("=", 1) for x in w[2:])
            objects[int(w[1], 16)] = {"kind": int(d["kind"]), "owner": int(d["owner"]), "value": int(d["value"])}
        elif line.startswith("agree="):
            meta = dict(x.split("=", 1) for x in line.split(" ", 4))
        elif w[0] == "error":
            fail("collector error: " + line)
    return threads, objects, meta

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

def expect(cond, msg):
    if not cond:
        fail(msg)

def mutex_cycles(threads, objects):
    """Cycles thread -> mutex -> owner thread, from owner fields only (sets of tids)."""
    by_tid = {t["tid"]: t for t in threads}
    nxt = {}
    for t in threads:
        if t["block"] in (MUTEX, WR) and not t["timed"] and t["object"] in objects:
            o = objects[t["object"]]["owner"]
            if o in by_tid:
                nxt[t["tid"]] = o
    cycles = set()
    for s in nxt:
        seen, x = [], s
        while x in nxt and x not in seen:
            seen.append(x)
            x = nxt[x]
        if x in seen:
            cycles.add(frozenset(seen[seen.index(x):]))
    return cycles

def blocked(threads, kind):
    return [t for t in threads if t["block"] == kind]

def sites_ok(threads, mode, need_lines):
    for t in threads:
        if t["block"] in (MUTEX, SEM, COND, JOIN, RD, WR):
            expect(t["func"] != "-", "thread %d blocked with no function of the program found" % t["tid"])
            if need_lines:
                expect(t["site"].split(":")[0].endswith(".c") and int(t["site"].rsplit(":", 1)[1]) > 0,
                       "thread %d has no file:line (%s)" % (t["tid"], t["site"]))

def main():
    scen, mode = sys.argv[1], sys.argv[2]
    need_lines = len(sys.argv) > 3 and sys.argv[3] == "lines"
    threads, objects, meta = parse(sys.stdin.read())
    expect(threads, "no threads reported")
    live = mode == "live"
    expect(meta.get("core") == ("0" if live else "1"), "from_core flag wrong: %r" % meta)
    expect("layout table" in meta.get("source", "") or "debug info" in meta.get("source", ""), "source does not say where layouts came from: %r" % meta)
    sites_ok(threads, mode, need_lines)
    by_name = {t["name"]: t for t in threads}
    main_t = threads[0]
    cyc = mutex_cycles(threads, objects)
    if scen in ("cycle3", "abba", "pi_robust", "many"):
        sizes = sorted(len(c) for c in cyc)
        want = {"cycle3": [3], "abba": [2], "pi_robust": [2, 2], "many": [2] * 50}[scen]
        expect(sizes == want, "%s: mutex cycles from owner fields %s, want %s" % (scen, sizes, want))
        if live and scen == "cycle3":
            expect({"cyc-a", "cyc-b", "cyc-c"} <= set(by_name), "thread names not from comm: %s" % list(by_name))
        if scen in ("cycle3", "abba"):
            expect(main_t["block"] == JOIN and main_t["object"] in {t["tid"] for t in threads},
                   "main should be joining a deadlocked thread: %r" % main_t)
    elif scen == "mutex_sem":
        s = blocked(threads, SEM)
        m = blocked(threads, MUTEX)
        expect(len(s) == 1 and len(m) == 2, "want 1 thread on a semaphore, 2 on the mutex: %r" % threads)
        expect(objects[s[0]["object"]]["value"] == 0, "semaphore value should be 0")
        expect(m[0]["object"] == m[1]["object"] and objects[m[0]["object"]]["owner"] == s[0]["tid"],
               "the mutex's owner should be the thread waiting on the semaphore")
    elif scen == "philosophers":
        s = blocked(threads, SEM)
        expect(len(s) == 5 and len({t["object"] for t in s}) == 5, "want 5 philosophers on 5 forks: %r" % s)
        expect(all(objects[t["object"]]["value"] == 0 and objects[t["object"]]["kind"] == 3 for t in s),
               "every fork should be a semaphore at 0")
    elif scen == "cond_lost":
        c = blocked(threads, COND)
        expect(len(c) == 1 and not c[0]["timed"], "want one untimed condvar waiter: %r" % threads)
        expect(objects[c[0]["object"]]["kind"] == 7, "condvar object kind")
        expect(c[0]["object2"] in objects and objects[c[0]["object2"]]["owner"] == 0,
               "the condvar's mutex should be found and free: %r" % c[0])
        expect(main_t["block"] == JOIN and main_t["object"] == c[0]["tid"], "main joins the waiter")
    elif scen == "join_forever":
        s = blocked(threads, SEM)
        expect(len(s) == 1 and main_t["block"] == JOIN and main_t["object"] == s[0]["tid"],
               "main should join the thread stuck on the semaphore: %r" % threads)
    elif scen == "rw_starve":
        w = blocked(threads, WR)
        s = blocked(threads, SEM)
        expect(len(w) == 1 and len(s) == 1, "want a writer on the rwlock and a reader on the semaphore: %r" % threads)
        expect(objects[w[0]["object"]]["kind"] == 2 and objects[w[0]["object"]]["owner"] == 0,
               "rwlock object: kind 2, no writer owner (a reader holds it)")
    elif scen == "timed":
        kinds = sorted(t["block"] for t in threads if t["timed"])
        expect(kinds == [MUTEX, SEM, COND, SLEEP], "timed waits found: %s" % kinds)
    elif scen in ("prodcons", "pool"):
        expect(not cyc, "a healthy program shows a mutex cycle: %s" % cyc)
        stuck = [t for t in threads if t["block"] in (MUTEX, RD, WR, SEM, COND, JOIN, BARRIER, UNKNOWN)
                 and not t["timed"]]
        expect(not (meta.get("agree") == "1" and len(stuck) == len(threads)),
               "a healthy program was seen with every thread blocked in two agreeing samples")
    else:
        fail("unknown scenario " + scen)
    print("ok %s %s: %d threads, %d objects" % (scen, mode, len(threads), len(objects)))

main()
