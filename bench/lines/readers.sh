#!/usr/bin/env bash
# Reader lines of `make bench`: libtwcore on 100,000 tasks and 1,000,000 events (through `tw`
# on a snapshot), the gdb plugin on a live 100,000-task process, and the memory it takes.
set -u
B=${B:-build}
[ -x "$B/bench/big_region" ] && [ -x "$B/bin/tw" ] || exit 0
export TW_MAX_TASKS=100000 TW_MAX_RESOURCES=100000 TW_LOG_EVENTS=1048576
snap=$B/bench/big.tw
env -u TW_DISABLE "$B/bench/big_region" -o "$snap" || exit 1
fig() { # NAME CMD... : 5 runs; wall-clock ms as NAME, CPU ms (user+sys) as NAME_cpu
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
name, cmd = sys.argv[1], sys.argv[2:]
wall, cpu = [], []
for _ in range(5):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = time.monotonic(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall.append((t1 - t0) * 1e3)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3)
for n, v in ((name, sorted(wall)), (name[:-3] + "_cpu_ms", sorted(cpu))):
    print('"%s": {"median": %.1f, "p999": %.1f},' % (n, v[2], v[-1]))
PY
}
fig reader_tasks_100k_ms "$B/bin/tw" tasks --all --json --file "$snap"
fig deadlock_100k_ms "$B/bin/tw" deadlocks --json --file "$snap"
fig rewind_1m_ms "$B/bin/tw" back 999999 --file "$snap"
fig baseline_open_ms "$B/bin/tw" now --file "$snap"
# live: gdb `tw tasks --limit 50` minus gdb attaching and detaching alone
out=$(mktemp)
env -u TW_DISABLE "$B/bench/big_region" --stay >"$out" & pid=$!
for _ in $(seq 600); do grep -q ready "$out" && break; sleep 0.1; done
if grep -q ready "$out"; then
  fig gdb_attach_ms gdb -batch -nx -p $pid
  fig gdb_tasks_ms gdb -batch -nx -x "$B/share/gdb/turbowish.py" -p $pid -ex 'tw tasks --limit 50'
  rss=$(awk '/memfd:turbowish/{m=1} m&&/^Rss:/{print $2*1024; exit}' /proc/$pid/smaps)
  echo "\"region_touched_100k_tasks_1m_events_bytes\": {\"median\": ${rss:-0}, \"p999\": ${rss:-0}},"
fi
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"
# The reader's cost on a live region (issue 21 point 6): `tw tasks --json` on a healthy program
# (examples/hello: nothing for the threads' facts to change, so the target is never stopped) and
# on one whose task is blocked inside its poll (examples/blocking-in-poll: every thread stopped
# once for their facts). Wall and CPU time of the look, 5 runs; and how long the target stood
# still, first PTRACE_SEIZE to last PTRACE_DETACH under strace, 3 runs (0 when never stopped).
look_cost() { # NAME EXAMPLE
  local out pid
  out=$(mktemp)
  "$B/examples/$2" >"$out" 2>&1 & pid=$!
  for _ in $(seq 100); do grep -q ready "$out" && break; sleep 0.1; done
  if grep -q ready "$out"; then
    fig "look_${1}_ms" "$B/bin/tw" tasks --json --pid $pid
    command -v strace >/dev/null && python3 - "$1" "$B/bin/tw" $pid <<'PY'
import subprocess, sys, tempfile
name, tw, pid = sys.argv[1:]
stops = []
for _ in range(3):
    with tempfile.NamedTemporaryFile("r") as log:
        subprocess.run(["strace", "-f", "-qq", "-ttt", "-e", "trace=ptrace", "-o", log.name, tw, "tasks", "--json", "--pid", pid],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ts = [(float(l.split()[1]), l) for l in log if "PTRACE_" in l and len(l.split()) > 1]
    seize = [t for t, l in ts if "PTRACE_SEIZE" in l]
    detach = [t for t, l in ts if "PTRACE_DETACH" in l]
    stops.append((max(detach) - min(seize)) * 1e3 if seize and detach else 0.0)
stops.sort()
print('"look_%s_stopped_ms": {"median": %.1f, "p999": %.1f},' % (name, stops[1], stops[-1]))
PY
  fi
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"
}
look_cost healthy hello
look_cost blocked blocking-in-poll
echo "\"snapshot_100k_tasks_1m_events_bytes\": {\"median\": $(stat -c %s "$snap"), \"p999\": $(stat -c %s "$snap")}"
rm -f "$snap"
