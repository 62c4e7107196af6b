#!/usr/bin/env bash
# Hostile input through gdb (issue 11): a region of a newer ABI, of the other byte order, with
# a bad magic, an unreadable tw_region, a used size past the region (live and in a core), a
# core without the region: each is one error line, never a Python traceback, and gdb goes on
# to the next command. tw_region NULL falls back to attach-only.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/hello
start build/examples/hello; p=$PID
R='((unsigned long)tw_region)'
# between MARK: the lines gdb printed for one command
between() { echo "$1" | sed -n "/^<<$2\$/,/^>>$2\$/p" | sed '1d;$d'; }
a=()
n=0
case_() { # NAME SETUP-COMMANDS... -- runs `tw tasks` after the setup, then undoes it with $UNDO
  n=$((n+1)); local name=$1; shift
  for c in "$@"; do a+=(-ex "$c"); done
  a+=(-ex "echo <<$n\\n" -ex 'tw tasks' -ex "echo >>$n\\n")
  for c in "${UNDO[@]}"; do a+=(-ex "$c"); done
  NAMES[$n]=$name
}
declare -a NAMES
UNDO=("set var *(unsigned short*)($R+12)=1");            case_ "newer ABI" "set var *(unsigned short*)($R+12)=3"
UNDO=("set var *(unsigned int*)($R+8)=0x01020304");      case_ "other byte order" "set var *(unsigned int*)($R+8)=0x04030201"
UNDO=("set var *(char*)($R)=84");                        case_ "bad magic" "set var *(char*)($R)=88"
UNDO=("set var *(unsigned long*)($R+32)=\$used");        case_ "used size past the region" "set \$used=*(unsigned long*)($R+32)" "set var *(unsigned long*)($R+32)=0x7fffffffffffffff"
UNDO=("set var *(unsigned long*)($R+0x58)=\$toff");      case_ "task table offset 2^63" "set \$toff=*(unsigned long*)($R+0x58)" "set var *(unsigned long*)($R+0x58)=0x8000000000000000"
UNDO=("set var tw_region=\$saved");                      case_ "tw_region unreadable" "set \$saved=tw_region" "set var tw_region=(void*)0x1000"
UNDO=("set var tw_region=\$saved");                      case_ "tw_region at code" "set var tw_region=(void*)&tw_state"
out=$(timeout 180 gdb -batch -nx -x "$PLUGIN" -p "$p" "${a[@]}" -ex 'tw tasks --json' 2>&1)
no_traceback "$out" || fail "a Python traceback: $(echo "$out" | grep -m3 -A3 -E 'Traceback|Python Exception')"
want=("ABI 3" "byte order" "TURBOWSH" "corrupt" "corrupt" "cannot read" "TURBOWSH")
for i in $(seq 1 $n); do
  b=$(between "$out" $i)
  [ "$(echo "$b" | grep -c .)" = 1 ] || fail "${NAMES[$i]}: not one line: [$b]"
  echo "$b" | grep -q "${want[$((i-1))]}" || fail "${NAMES[$i]}: '$b' does not say '${want[$((i-1))]}'"
done
echo "$out" | tail -2 | json '"tasks" in j and len(j["tasks"])>=3' >/dev/null || fail "after the cases the region does not read again: $(echo "$out" | tail -2)"
ok "$n hostile regions: one line each, no traceback; gdb carries on"

# A core whose region's used size is past the region; a core without the region at all.
out=$(timeout 180 gdb -batch -nx -x "$PLUGIN" -p "$p" -ex "set \$used=*(unsigned long*)($R+32)" -ex "set var *(unsigned long*)($R+32)=0x7fffffffffff" \
      -ex "gcore $TMP/big.core" -ex "set var *(unsigned long*)($R+32)=\$used" 2>&1)
c=$(gdb_core build/examples/hello "$TMP/big.core" 'echo <<c\n' 'tw tasks' 'echo >>c\n')
b=$(between "$c" c); [ "$(echo "$b" | grep -c .)" = 1 ] && echo "$b" | grep -q corrupt || fail "core with a bad used size: [$b]"
echo 1 > /proc/$p/coredump_filter   # anonymous private memory only: the memfd is not dumped
core=$(core_of "$p")
c=$(gdb_core build/examples/hello "$core" 'echo <<c\n' 'tw tasks' 'echo >>c\n')
b=$(between "$c" c); [ "$(echo "$b" | grep -c .)" = 1 ] && echo "$b" | grep -q -i -E "region|read" || fail "core without the region: [$b]"
no_traceback "$c" || fail "core without the region: traceback"
ok "cores with a corrupt region or none: one line each"

# tw_region NULL: no region, so attach-only (the task ids are thread ids).
o=$(gdb_pid "$p" 'set $saved=tw_region' 'set var tw_region=0' 'tw tasks --json' 'set var tw_region=$saved')
echo "$o" | json "any(t['id']==$p for t in j['tasks'])" >/dev/null || fail "tw_region NULL: no attach-only model: $(echo "$o" | tail -2)"
ok "tw_region NULL falls back to attach-only"
