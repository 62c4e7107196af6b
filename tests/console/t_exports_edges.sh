#!/usr/bin/env bash
# Exports show what the analysis uses: the channel-cycle deadlock's DOT graph draws, for every
# task, its waits, holds, sender and receiver edges, and its red edges close the cycle
# stage-0 -> ch-0 -> stage-1 -> ch-1 -> stage-2 -> ch-2 -> stage-0 (live and on a gcore'd core);
# the Perfetto trace names the process by its program, not "tasks".
. tests/console/lib.sh
start_example channel-cycle || finish
P=$EX_PID
timeout 300 gcore -o "$TMP/core" "$P" >/dev/null 2>&1 || fail "gcore failed"
for src in "--pid $P" "--core $TMP/core.$P --exe build/examples/channel-cycle"; do
  $TW export $src --format dot -o "$TMP/g.dot" >/dev/null || fail "$src: dot export"
  $TW tasks $src --json >"$TMP/tasks.json"
  r=$(python3 - "$TMP/g.dot" "$TMP/tasks.json" <<'PY'
import json, re, sys
dot = open(sys.argv[1]).read()
tasks = json.loads(open(sys.argv[2]).read())["tasks"]
edges = re.findall(r'^\s*([tr]\d+) -> ([tr]\d+) \[label="([^"]+)"([^\]]*)\]', dot, re.M)
have = {(a, b, l) for a, b, l, _ in edges}
want = set()
for t in tasks:
    for r in t["waiting_on"]: want.add(("t%d" % t["id"], "r%d" % r, "waits"))
    for r in t["holds"]: want.add(("r%d" % r, "t%d" % t["id"], "held by"))
    for r in t["senders_of"]: want.add(("r%d" % r, "t%d" % t["id"], "sender"))
    for r in t["receivers_of"]: want.add(("r%d" % r, "t%d" % t["id"], "receiver"))
missing = want - have
red = {}
for a, b, l, rest in edges:
    if "color=red" in rest: red.setdefault(a, []).append(b)
# follow red edges from stage-0: the cycle must come back through every task
start = "t%d" % [t["id"] for t in tasks if t["name"] == "stage-0"][0]
seen, cur = [], start
while cur not in seen and cur in red and len(red[cur]) == 1:
    seen.append(cur); cur = red[cur][0]
tasks_in = [n for n in seen if n.startswith("t")]
print("missing %s; red cycle %s" % (sorted(missing), " -> ".join(seen + [cur])))
sys.exit(0 if not missing and cur == start and len(tasks_in) == 3 else 1)
PY
) && ok "$src: dot has every edge, and the red ones close the cycle: $r" || fail "$src: $r"
  $TW export $src --format perfetto -o "$TMP/t.json" >/dev/null || fail "$src: perfetto export"
  n=$(python3 -c 'import json,sys; print([e["args"]["name"] for e in json.load(open(sys.argv[1]))["traceEvents"] if e.get("name")=="process_name"][0])' "$TMP/t.json")
  [ "$n" = channel-cycle ] && ok "$src: the trace's process is named $n" || fail "$src: the trace's process is named '$n'"
done
timeout 240 dot -Tsvg "$TMP/g.dot" 2>/dev/null | grep -q '<svg' && ok "the graph renders with dot -Tsvg" || fail "dot -Tsvg failed"
finish
