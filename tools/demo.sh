#!/usr/bin/env bash
# make demo: run the headline example (four philosophers in a lock cycle, one healthy
# heartbeat) and let TurboWish find the deadlock through gdb, then through the console.
set -u
B=build
ex=$B/examples/deadlock
[ -x "$ex" ] || { echo "demo: $ex was not built"; exit 1; }
out=$(mktemp)
"$ex" >"$out" 2>&1 &
pid=$!
disown $pid
trap 'kill -9 $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q 'tw-example: ready' "$out" && break; sleep 0.1; done
grep -q 'tw-example: ready' "$out" || { echo "demo: the example did not get ready"; exit 1; }
echo "== $ex is running as pid $pid. Asking gdb why its tasks are stuck:"
echo "\$ gdb -batch -x $B/share/gdb/turbowish.py -p $pid -ex 'tw deadlocks'"
gdb -batch -nx -x $B/share/gdb/turbowish.py -p $pid -ex 'tw deadlocks' 2>&1 | grep -v -E '^\[(New LWP|Thread debugging|Inferior)|^Using host libthread|^0x[0-9a-f]+ in |^[0-9]+\s+\.\./sysdeps|No such file or directory' 
echo
echo "== The console: every task, then why philosopher-0 cannot run:"
echo "\$ $B/bin/tw tasks --pid $pid"
$B/bin/tw tasks --pid $pid 2>&1
p0=$($B/bin/tw tasks --pid $pid --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin)['tasks'] if t['name']=='philosopher-0'][0])")
echo "\$ $B/bin/tw why --pid $pid $p0"
$B/bin/tw why --pid $pid "$p0" 2>&1
echo
echo "demo: done. Try: $B/bin/tw top --pid <pid> on a running example."
