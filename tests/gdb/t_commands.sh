#!/usr/bin/env bash
# The tw command itself: `help tw` lists every command of DESIGN.md's table (and bt, frame);
# without a target, with an unknown subcommand, a bad id or no libtwcore, each says so in
# one line without a traceback; pause/resume write the control area of a live process (the
# runtime takes the request once gdb lets it run) and say why not on a core; the session
# keeps its history position across commands and across a stop of the target.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/deadlock
h=$(timeout 30 gdb -batch -nx -x "$PLUGIN" -ex 'help tw' 2>&1)
for c in summary tasks task resources resource why deadlocks alerts log back forward at now pause resume bt frame validate; do
  echo "$h" | grep -q "^tw $c -- " || fail "help tw lacks tw $c"
done
timeout 30 gdb -batch -nx -x "$PLUGIN" -ex 'help tw deadlocks' 2>&1 | grep -q -- '--json' || fail "help tw deadlocks does not mention --json"
# help is libtwcore's command table: gdb's `help tw bt` and `tw help bt` are the console's words
hb=$(timeout 30 gdb -batch -nx -x "$PLUGIN" -ex 'tw help bt' 2>&1)
[ -n "$hb" ] && [ "$hb" = "$(build/bin/tw help bt)" ] || fail "tw help bt in gdb differs from the console's: [$hb]"
[ "$(timeout 30 gdb -batch -nx -x "$PLUGIN" -ex 'help tw bt' 2>&1)" = "$hb" ] || fail "help tw bt is not the table's text"
echo "$h" | grep -q "^tw ps -- " && fail "help tw lists ps, which works only in the tw program"
o=$(timeout 30 gdb -batch -nx -x "$PLUGIN" -ex 'tw tasks' 2>&1)
[ "$o" = "no process or core file: attach (gdb -p PID), run the program, or load a core (gdb EXE CORE)" ] || fail "no target: [$o]"
# The plugin copied away from the tree finds no libtwcore and says so.
mkdir -p "$TMP/share/gdb" && cp -r build/share/gdb/turbowish.py build/share/gdb/turbowish_gdb "$TMP/share/gdb/"
start build/examples/deadlock; p=$PID
o=$(timeout 30 gdb -batch -nx -x "$TMP/share/gdb/turbowish.py" -p "$p" -ex 'echo <<\n' -ex 'tw tasks' -ex 'echo >>\n' 2>&1 | sed -n '/^<<$/,/^>>$/p' | sed '1d;$d')
[ "$(echo "$o" | grep -c .)" = 1 ] && echo "$o" | grep -q "cannot load libtwcore.so" || fail "no libtwcore: [$o]"
o=$(TW_LIBTWCORE=$PWD/build/lib/libtwcore.so timeout 30 gdb -batch -nx -x "$TMP/share/gdb/turbowish.py" -p "$p" -ex 'tw tasks --json' 2>&1)
echo "$o" | json '"tasks" in j' >/dev/null || fail "TW_LIBTWCORE not honoured"
o=$(gdb_pid "$p" 'tw frobnicate' 'tw task 999999' 'tw bt notanumber' 'tw why' 'tw --json')
no_traceback "$o" || fail "traceback: $o"
echo "$o" | grep -q 'unknown tw command "frobnicate"' || fail "unknown subcommand not named: $o"
echo "$o" | grep -q "bt: 'notanumber' is not a number" || fail "bad bt id not refused: $o"
echo "$o" | grep -q 'no task 999999' || fail "unknown task not named: $o"
echo "$o" | json '"tasks" in j or "alerts" in j or "as_of" in j' >/dev/null || fail "plain 'tw --json' printed no summary JSON"
o=$(gdb_pid "$p" 'tw taks')
echo "$o" | grep -q 'did you mean "tasks"' || fail "no suggestion for a typo: $o"

# History: back then tasks shows as_of; the position survives the target running briefly.
# The SIGINT that stops it is sent only while gdb is still attached: should `continue` come
# back early, a late SIGINT would kill the detached example.
o=$(gdb_pid "$p" 'tw back 3' 'tw tasks --json' 'shell sleep 0' 'tw tasks --json')
echo "$o" | json 'j["as_of"] is not None' >/dev/null || fail "tw back 3: tasks not as_of"
seq=$(echo "$o" | json 'j["as_of"]')
cont=$(timeout 180 gdb -batch -nx -x "$PLUGIN" -p "$p" -ex "tw at $seq" -ex 'tw tasks --json' \
  -ex 'python import subprocess; subprocess.Popen(["sh","-c","sleep 0.3; grep -q \"TracerPid:[[:space:]]*[1-9]\" /proc/'"$p"'/status && kill -INT '"$p"'"])' -ex 'continue' \
  -ex 'tw tasks --json' 2>&1)
echo "$cont" | json --nth 1 "j['as_of']==$seq" >/dev/null || fail "after continue + stop, the history position $seq was lost: $(echo "$cont" | tail -3)"

# pause / resume: live, the request lands once the process runs again.
t=$(gdb_pid "$p" 'tw tasks --json' | json '[x["id"] for x in j["tasks"] if x["name"]=="philosopher-2"][0]') || fail "no philosopher-2"
o=$(gdb_pid "$p" "tw pause $t")
no_traceback "$o" || fail "tw pause: $o"
paused=
for _ in $(seq 1 20); do
  sleep 0.5
  paused=$(gdb_pid "$p" 'tw tasks --json' | json "[x['paused'] for x in j['tasks'] if x['id']==$t][0]")
  [ "$paused" = true ] && break
done
[ "$paused" = true ] || fail "tw pause $t did not take effect after detach"
gdb_pid "$p" "tw resume $t" >/dev/null
for _ in $(seq 1 20); do
  sleep 0.5
  paused=$(gdb_pid "$p" 'tw tasks --json' | json "[x['paused'] for x in j['tasks'] if x['id']==$t][0]")
  [ "$paused" = false ] && break
done
[ "$paused" = false ] || fail "tw resume $t did not take effect"
core=$(core_of "$p")
o=$(gdb_core build/examples/deadlock "$core" 'echo <<\n' "tw pause $t" 'echo >>\n')
b=$(echo "$o" | sed -n '/^<<$/,/^>>$/p' | sed '1d;$d')
[ "$(echo "$b" | grep -c .)" = 1 ] && echo "$b" | grep -q -i core || fail "tw pause on a core: [$b]"
ok "help, one-line errors, history across commands and stops, pause/resume live, refused on a core"
