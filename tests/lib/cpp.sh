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
    local how=certain deliver="deliver@future.cpp:12@deliver(std::promise<int>&)" main="cpp-future$v"
    main="${main:0:15}@future.cpp:21@main"   # a thread's comm is 15 bytes
    [ -n "$core" ] && how=possible
    case $v in
    -O2g) deliver="deliver@future.cpp:12@deliver" ;;
    -O2) deliver="cpp-future-O2@??:0@deliver(std::promise<int>&)" main="cpp-future-O2@??:0@main" ;;
    esac
    echo "$how $(printf '%s\n' "$main" "$deliver" | LC_ALL=C sort | tr '\n' ' ')0x?(future) cv(condvar)" ;;
  esac
}

# cpp_live_and_core PROG VARIANT PID LIVE MAKE_CORE ON_CORE: a frontend's answer for PROG built
# as VARIANT, running as PID, live (`LIVE PID` prints its `tw deadlocks --json`; retried while a
# loaded machine brings the threads to their waits) and from a core (`MAKE_CORE PID` echoes a
# core's path, `ON_CORE BIN CORE` prints the JSON). 0 when both are what cpp_want says; else 1
# with the difference in CPP_ERR.
cpp_live_and_core() {
  local prog=$1 v=$2 pid=$3 live=$4 make_core=$5 on_core=$6 want got core
  want=$(cpp_want "$prog" "$v")
  for _ in 1 2 3 4 5; do
    got=$($live "$pid" | cpp_summary)
    [ "$got" = "$want" ] && break
    sleep 0.3
  done
  [ "$got" = "$want" ] || { CPP_ERR="$prog$v live: '$got', want '$want'"; return 1; }
  core=$($make_core "$pid") || { CPP_ERR="no core of $prog$v"; return 1; }
  want=$(cpp_want "$prog" "$v" core)
  got=$($on_core "build/examples/$prog$v" "$core" | cpp_summary)
  rm -f "$core"
  [ "$got" = "$want" ] || { CPP_ERR="$prog$v core: '$got', want '$want'"; return 1; }
  CPP_SEEN="live: $(cpp_want "$prog" "$v"); core: $want"
}

# cpp_waits_summary: one line from the `tw tasks --json` and `tw resources --json` objects of
# stdin (examples/cpp/waits.cpp, every case at once): the sorted thread names, then each object
# a thread waits on or holds, and every mutex (a condvar waiter's too: `*jobs._M_mutex`, the
# condition_variable_any's own), as NAME(KIND)hHOLDERSwWAITERS; libstdc++'s atomic-wait pool slot
# is "pool", an address "0x?"; then the std::jthread joins (NAME<jthread VAR running FN, STOP>)
# and the waits of workers whose stop was requested (NAME<unobserved>), from the await sites.
cpp_waits_summary() {
  python3 -c 'import json,sys
js=[json.loads(l[l.index("{"):]) for l in sys.stdin.read().splitlines() if "{" in l and ("\"tasks\"" in l or "\"resources\"" in l)]
tasks=[t["name"] for j in js for t in j.get("tasks",[])]
def nm(n): return "pool" if n.startswith("std::__detail::__waiter_pool") else "0x?" if n.startswith("0x") else n
res=["%s(%s)h%dw%d"%(nm(r["name"]),r["kind"],len(r["holders"]),len(r["waiters"])) for j in js for r in j.get("resources",[]) if r["holders"] or r["waiters"] or r["kind"]=="mutex"]
def stop(t):
    e=t["await"]["expr"]
    if " of std::jthread" in e: return "%s<jthread%s>"%(t["name"],e.split(" of std::jthread",1)[1])
    if e.endswith(", stop requested, not observed"): return "%s<unobserved>"%t["name"]
stops=[x for j in js for x in map(stop,j.get("tasks",[])) if x]
print(" ".join(sorted(tasks)), "/", " ".join(sorted(res)), "/", " ".join(sorted(stops)))'
}

# cpp_waits_want VARIANT: what cpp_waits_summary must say of cpp-waits built as VARIANT (its
# local std::atomic named by local_wait's frame, without -g by its address). With
# DWARF the readers hold table (their guards' stated values from -O1, the guards in memory at
# -O0), and the barrier behind the pool slot is the one its waiters' `this` says (stated at -O1,
# in their frames at -O0; gcc's tail call leaves no such frame at -O2); without -g there are no
# start functions, no readers and no class for jobs' own mutex.
cpp_waits_want() {
  local v=$1
  local tasks="arrive arrive cpp-waits$v flag_wait local_wait owner reader reader stubborn worker writer"
  local table=h2w1 barrier="sync_point(barrier)h0w2" jobs_mu="*jobs._M_mutex(mutex)h0w0" word="local_wait:word(other)h0w1"
  local sig="(std::stop_token)" main="cpp-waits$v"
  local stops=()
  case $v in
  -O2g) barrier="pool(other)h0w2" tasks="cpp-waits-O2g cpp-waits-O2g cpp-waits-O2g flag_wait local_wait owner reader reader stubborn worker writer" sig= ;;
  -O2) table=h0w1 barrier="pool(other)h0w2" jobs_mu="0x?(mutex)h0w0" word="0x?(other)h0w1" tasks=$(printf 'cpp-waits-O2 %.0s' $(seq 11)); tasks=${tasks% } ;;
  esac
  # a jthread's stop request (cxx_stop.c): the destructor's, not observed by a plain condvar
  # wait; main's join() requests none. Without -g only the out-of-line destructor says jthread.
  if [ "$v" = -O2 ]; then
    stops=("cpp-waits-O2<jthread, stop requested by its destructor>" "cpp-waits-O2<unobserved>")
  else
    stops=("$main<jthread main:cvany running worker$sig, no stop requested>" "stubborn<unobserved>"
           "owner<jthread owner:t running stubborn$sig, stop requested by its destructor>")
  fi
  echo "$tasks / $(printf '%s\n' "$jobs_mu" "mu(mutex)h0w0" "plain_mu(mutex)h0w0" "flag(other)h0w1" "jobs(condvar)h0w1" "plain_cv(condvar)h0w1" "$barrier" \
    "table(rwlock)$table" "updated_cv(condvar)h0w2" "$word" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//') / $(printf '%s\n' "${stops[@]}" | LC_ALL=C sort | paste -sd' ')"
}

# cpp_waits_check VARIANT PID RUN: a debugger's answer on cpp-waits built as VARIANT, running as
# PID; `RUN PID CMD...` runs the tw commands in one session. 0 when cpp_waits_want matches
# (retried while a loaded machine brings the threads to their waits); else 1, CPP_ERR says how.
cpp_waits_check() {
  local v=$1 pid=$2 run=$3 want got
  want=$(cpp_waits_want "$v")
  for _ in 1 2 3; do
    got=$($run "$pid" 'tw tasks --json' 'tw resources --json' | cpp_waits_summary)
    [ "$got" = "$want" ] && { CPP_SEEN="$got"; return 0; }
    sleep 0.3
  done
  CPP_ERR="cpp-waits$v live: '$got', want '$want'"
  return 1
}

# cpp_debugger_checks RUN RUN_CORE MAKE_CORE OK: the C++ checks of a debugger frontend, the same
# for gdb (tests/gdb/t_cpp.sh) and lldb (tests/lldb/t_cpp.sh): cpp-bank and cpp-future at -O1 -g,
# -O0 -g, -O2 -g and -O2 (no debug info), live and from a core, then cpp-waits at -O1 -g, -O0 -g, -O2 -g (the barrier behind gcc's
# tail call, the atomic and the readers, the jthreads' stop requests) and -O2 (no debug info)
# live, and at -O1 -g from a core too.
# `RUN PID CMD...` and `RUN_CORE EXE CORE CMD...` run tw commands in one debugger session,
# `MAKE_CORE PID` echoes a core's path, `OK TEXT` reports a pass; the caller defines
# cpp_start NAME (an example under build/examples, ready; its pid in CPP_PID) and fail.
cpp_debugger_checks() {
  CPP_RUN=$1 CPP_RUN_CORE=$2
  local make_core=$3 ok=$4 prog v
  cpp__live() { $CPP_RUN "$1" 'tw deadlocks --json'; }
  cpp__on_core() { $CPP_RUN_CORE "$1" "$2" 'tw deadlocks --json'; }
  for prog in cpp-bank cpp-future; do
    for v in "" -O0 -O2g -O2; do
      cpp_start "$prog$v"
      cpp_live_and_core $prog "$v" "$CPP_PID" cpp__live "$make_core" cpp__on_core || fail "$CPP_ERR"
      kill -9 "$CPP_PID"
      $ok "$prog$v: $CPP_SEEN"
    done
  done
  local core got
  for v in "" -O0 -O2g -O2; do
    cpp_start "cpp-waits$v"
    cpp_waits_check "$v" "$CPP_PID" "$CPP_RUN" || fail "$CPP_ERR"
    if [ -z "$v" ]; then   # and from a core, the jthreads' stop requests (read from its memory)
      core=$($make_core "$CPP_PID") || fail "no core of cpp-waits"
      got=$($CPP_RUN_CORE build/examples/cpp-waits "$core" 'tw tasks --json' | cpp_waits_summary)
      rm -f "$core"
      [ "${got##* / }" = "${CPP_SEEN##* / }" ] || fail "cpp-waits core: '${got##* / }', want '${CPP_SEEN##* / }'"
    fi
    kill -9 "$CPP_PID"
    $ok "cpp-waits$v: $CPP_SEEN"
  done
}
