# tests/lib/local_names.sh — what the "objects on stacks" tests expect, shared by the console,
# gdb, lldb and pthread-adapter scripts (tests/*/t*-local-names.sh). Source it.

# local_names_want PROG: the sorted resource names of PROG's certain deadlock
local_names_want() {
  case $1 in
    local_abba) echo "main:mu1 main:mu2" ;;
    local_ring) echo "main:mutex_resource[0] main:mutex_resource[1] main:mutex_resource[2]" ;;
    local_member) echo "main:acct.lock main:mu" ;;
  esac
}
# local_names_of: the sorted resource names of the certain deadlocks in the last JSON object
# line of stdin (a debugger's output has other lines around it), one line
local_names_of() {
  python3 -c 'import json,sys
lines=[l[l.index("{"):] for l in sys.stdin.read().splitlines() if "{" in l and "deadlocks" in l]
j=json.loads(lines[-1]) if lines else {"deadlocks":[]}
print(" ".join(sorted(e["name"] for d in j["deadlocks"] if d["certain"] for e in d["chain"] if "resource" in e)))'
}
# local_names_build PROG OPT OUT: build a test program (tests/attach/progs) with -g -OPT
local_names_build() {
  gcc -std=gnu11 -D_GNU_SOURCE -g -"$2" -pthread -o "$3" "tests/attach/progs/$1.c"
}
