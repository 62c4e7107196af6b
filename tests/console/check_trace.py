"""Schema check of a Chrome/Perfetto trace written by `tw export` (the JSON Object Format of
the Trace Event spec): what ui.perfetto.dev needs to load it. usage: check_trace.py FILE [TASKNAME]"""
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, dict) and isinstance(d.get("traceEvents"), list), "no traceEvents list"
ev = d["traceEvents"]
names, depth, starts, ends, slices = {}, {}, set(), set(), 0
for e in ev:
    assert isinstance(e, dict), "event is not an object"
    ph = e.get("ph")
    assert ph in ("M", "B", "E", "X", "i", "s", "f", "t"), "bad ph %r" % ph
    assert isinstance(e.get("pid"), int) and isinstance(e.get("tid"), int), "pid/tid not integers: %r" % e
    if ph == "M":
        assert e["name"] in ("process_name", "thread_name", "thread_sort_index"), e
        assert isinstance(e.get("args"), dict), e
        if e["name"] == "thread_name": names[e["tid"]] = e["args"]["name"]
        continue
    assert isinstance(e.get("ts"), (int, float)) and e["ts"] >= 0, "bad ts %r" % e
    if ph == "B":
        assert isinstance(e.get("name"), str), e
        depth[e["tid"]] = depth.get(e["tid"], 0) + 1; slices += 1
    elif ph == "E":
        depth[e["tid"]] = depth.get(e["tid"], 0) - 1
        assert depth[e["tid"]] >= 0, "E without B on tid %d" % e["tid"]
    elif ph in ("s", "f"):
        assert "id" in e, e
        (starts if ph == "s" else ends).add(e["id"])
assert all(v == 0 for v in depth.values()), "unbalanced B/E"
assert ends <= starts, "flow end without start"
assert names, "no task tracks named"
if len(sys.argv) > 2:
    assert sys.argv[2] in names.values(), "no track named %s (have %s)" % (sys.argv[2], sorted(set(names.values()))[:10])
print("trace ok: %d events, %d tracks, %d poll slices, %d flows" % (len(ev), len(names), slices, len(starts)))
