# tests/lib/cpp.sh — what the C++ tests expect of examples/cpp (cpp-bank, cpp-future), shared by
# the console, gdb, lldb and `tw run` scripts (tests/*/t_cpp.sh, issue 22). Source it.

# cpp_summary: one line from the last `tw deadlocks --json` object of stdin (a debugger prints
# other lines around it): per deadlock, certain or possible, then its tasks as
# NAME@FILE:LINE@FUNC and its resources as NAME(KIND), each sorted; an address is "0x?".
cpp_summary() {
  python3 -c 'import json,os,sys
lines=[l[l.index("{"):] for l in sys.stdin.read().splitlines() if "{" in l and "deadlocks" in l]
if not lines: print("no JSON"); sys.exit()
out=[]
for d in json.loads(lines[-1])["deadlocks"]:
    tasks=sorted(("%s@%s:%s@%s"%(e["name"],os.path.basename(e["await"]["file"]),e["await"]["line"],e["await"].get("func","")) for e in d["chain"] if "task" in e), key=lambda x: x.encode())
    res=sorted("%s(%s)"%("0x?" if e["name"].startswith("0x") else e["name"],e["kind"]) for e in d["chain"] if "resource" in e)
    out.append(("certain " if d["certain"] else "possible ")+" ".join(tasks+res))
print(" / ".join(out) if out else "no deadlock")'
}

# cpp_want PROG VARIANT [core]: the summary PROG built as VARIANT ("" = -O1 -g, -O0, -O2g, -O2)
# must give, live or from a core (one sample: a deadlock that needs two is possible there).
cpp_want() {
  local prog=$1 v=$2 core=${3:-}
  local name=transfer func="transfer(Account&, Account&, long)" site=bank.cpp:9 m=.m
  case $v in
  -O2g) func=transfer ;;                     # transfer inlined: no symbol carries its parameters
  -O2) name=cpp-bank-O2 site=??:0 m= ;;      # no DWARF: no line, no member, no start function
  esac
  case $prog in
  cpp-bank) echo "certain $name@$site@$func $name@$site@$func alice$m(mutex) bob$m(mutex)" ;;
  cpp-future)
    local how=certain deliver="deliver@future.cpp:12@deliver(std::promise<int>&)" main="cpp-future$v@future.cpp:21@main"
    [ -n "$core" ] && how=possible
    case $v in
    -O2g) deliver="deliver@future.cpp:12@deliver" ;;
    -O2) deliver="cpp-future-O2@??:0@deliver(std::promise<int>&)" main="cpp-future-O2@??:0@main" ;;
    esac
    echo "$how $(printf '%s\n' "$main" "$deliver" | LC_ALL=C sort | tr '\n' ' ')0x?(future) cv(condvar)" ;;
  esac
}
