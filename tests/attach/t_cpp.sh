#!/usr/bin/env bash
# C++ programs read as C++, attach-only from the console (issue 22): examples/cpp's cpp-bank (ABBA
# on std::mutex members of `static Account alice, bob`) and cpp-future (a std::future whose
# promise is never set), built -O1 -g, -O0 -g, -O2 -g and -O2, live and from gcore cores. Pins:
# mutexes named by member path (bob.m, not _ZL3bob), the site at the user's line inside inlined
# libstdc++ (bank.cpp:9, not gthr-default.h:749) in the demangled function, threads named after
# their start function (transfer, deliver), and the future a resource of kind future.
set -u
cd "$(dirname "$0")/../.."
TW=build/bin/tw
. tests/lib/cpp.sh
for f in $TW build/examples/cpp-bank build/examples/cpp-future-O2 build/examples/cpp-waits-O2; do [ -e "$f" ] || { echo "FAIL t_cpp: $f is not built"; exit 1; }; done
TMP=$(mktemp -d -t twcpp.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t_cpp: $*"; exit 1; }
start() {
  "$1" >"$TMP/out" 2>&1 &
  PID=$!; disown "$PID"; PIDS+=("$PID")
  for _ in $(seq 1 100); do
    grep -q 'tw-example: ready' "$TMP/out" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || fail "$1 exited before ready"
    sleep 0.05
  done
  fail "$1 not ready"
}
live() { timeout 30 "$TW" deadlocks --pid "$1" --json; }
core_of() { timeout 60 gcore -o "$TMP/core" "$1" >/dev/null 2>&1 && echo "$TMP/core.$1"; }
on_core() { timeout 30 "$TW" deadlocks --core "$2" --exe "$1" --json; }
n=0
for prog in cpp-bank cpp-future; do
  for v in "" -O0 -O2g -O2; do
    start "build/examples/$prog$v"
    cpp_live_and_core $prog "$v" "$PID" live core_of on_core || fail "$CPP_ERR"
    if [ "$prog$v" = cpp-bank-O2 ]; then   # no line table: the text names the function instead of ??:0
      site="waits at transfer(Account&, Account&, long) (no debug info) pthread_mutex_lock(&bob)"
      timeout 30 "$TW" deadlocks --pid "$PID" | grep -qF "$site" || fail "cpp-bank-O2 text: no '$site'"
    fi
    kill -9 "$PID"
    n=$((n + 2))
  done
done
# C++17/20 waits (examples/cpp/waits.cpp, every case at once): std::shared_mutex readers as
# holders (from their std::shared_lock's DWARF values), condition_variable_any's own mutex named
# *jobs._M_mutex, the std::barrier behind libstdc++'s atomic-wait pool, a jthread's destructor
# that requested the stop joined forever by a worker that does not observe it, and main's join()
# that requested none (cxx_stop.c); without -g, demangled names and the same kinds. Live at every build, and from a
# core at -O1 -g and -O2.
waits_of() { timeout 30 "$TW" tasks "$@" --json; timeout 30 "$TW" resources "$@" --json; }
for v in "" -O0 -O2g -O2; do
  start "build/examples/cpp-waits$v"
  want=$(cpp_waits_want "$v")
  for try in 1 2 3 4 5; do
    got=$(waits_of --pid "$PID" | cpp_waits_summary)
    [ "$got" = "$want" ] && break
    sleep 0.3
  done
  [ "$got" = "$want" ] || fail "cpp-waits$v live: '$got', want '$want'"
  if [ "$v" = "" ] || [ "$v" = -O2 ]; then
    core=$(core_of "$PID") || fail "gcore cpp-waits$v"
    got=$(waits_of --core "$core" --exe "build/examples/cpp-waits$v" | cpp_waits_summary)
    rm -f "$core"
    [ "$got" = "$want" ] || fail "cpp-waits$v core: '$got', want '$want'"
    n=$((n + 1))
  fi
  kill -9 "$PID"
  n=$((n + 1))
done
# C++17/20 classes (tests/attach/progs/cpp_sync.cpp): each object its kind, each thread at its
# own line. latch and counting_semaphore were "other" futexes before their DWARF class was read.
want_res="flag:other gate:barrier rec:mutex slots:semaphore table:rwlock tm:mutex"
want_tasks="acquire@cpp_sync.cpp:26 atomic_wait@cpp_sync.cpp:27 cpp_sync@cpp_sync.cpp:36 latch_wait@cpp_sync.cpp:25 reader@cpp_sync.cpp:21 recursive@cpp_sync.cpp:23 timed@cpp_sync.cpp:24 writer@cpp_sync.cpp:22"
kinds() { python3 -c 'import json,sys; j=json.load(sys.stdin); print(" ".join(sorted("%s:%s"%(r["name"],r["kind"]) for r in j["resources"])))'; }
sites() { python3 -c 'import json,sys,os; j=json.load(sys.stdin); print(" ".join(sorted("%s@%s:%s"%(t["name"],os.path.basename(t["await"]["file"]),t["await"]["line"]) for t in j["tasks"])))'; }
g++ -std=c++20 -O1 -g -pthread -o "$TMP/cpp_sync" tests/attach/progs/cpp_sync.cpp || fail "cannot compile cpp_sync.cpp"
start "$TMP/cpp_sync"
for try in 1 2 3 4 5; do
  got=$(timeout 30 "$TW" resources --pid "$PID" --json | kinds)
  [ "$got" = "$want_res" ] && break
  sleep 0.3
done
[ "$got" = "$want_res" ] || fail "cpp_sync live resources: '$got', want '$want_res'"
got=$(timeout 30 "$TW" tasks --pid "$PID" --json | sites)
[ "$got" = "$want_tasks" ] || fail "cpp_sync live tasks: '$got', want '$want_tasks'"
core=$(core_of "$PID") || fail "gcore cpp_sync"
got=$(timeout 30 "$TW" resources --core "$core" --exe "$TMP/cpp_sync" --json | kinds)
[ "$got" = "$want_res" ] || fail "cpp_sync core resources: '$got', want '$want_res'"
n=$((n + 3))
# clang's libc++ (examples/cpp/module.mk, tools/libcxx.sh): its std::mutex and
# std::condition_variable are glibc's underneath, its std::thread joins with pthread_join, and its
# headers are toolchain sources; its future waits on a condvar inside its shared state, under
# __assoc_sub_state::__sub_wait: a `future`, as libstdc++'s.
if [ -f build/libcxx/unavailable ]; then
  echo "SKIP t_cpp libc++: $(cat build/libcxx/unavailable)"
else
  for f in build/examples/cpp-bank-libcxx build/examples/cpp-future-libcxx; do [ -x "$f" ] || fail "$f is not built"; done
  bank=$(cpp_want cpp-bank "")
  start build/examples/cpp-bank-libcxx
  for try in 1 2 3 4 5; do got=$(live "$PID" | cpp_summary); [ "$got" = "$bank" ] && break; sleep 0.3; done
  [ "$got" = "$bank" ] || fail "cpp-bank-libcxx live: '$got', want '$bank'"
  joins=$(timeout 30 "$TW" tasks --pid "$PID" --json | python3 -c 'import json,sys; print(sum(t["await"]["expr"].startswith("pthread_join(") for t in json.load(sys.stdin)["tasks"]))')
  [ "$joins" = 1 ] || fail "cpp-bank-libcxx: main is not seen joining a std::thread ($joins joins)"
  core=$(core_of "$PID") || fail "gcore cpp-bank-libcxx"
  got=$(on_core build/examples/cpp-bank-libcxx "$core" | cpp_summary)
  rm -f "$core"
  [ "$got" = "$bank" ] || fail "cpp-bank-libcxx core: '$got', want '$bank'"
  kill -9 "$PID"
  fut="certain cpp-future-libc@future.cpp:21@main deliver@future.cpp:12@deliver(std::__1::promise<int>&) 0x?(future) cv(condvar)"
  start build/examples/cpp-future-libcxx
  for try in 1 2 3 4 5; do got=$(live "$PID" | cpp_summary); [ "$got" = "$fut" ] && break; sleep 0.3; done
  [ "$got" = "$fut" ] || fail "cpp-future-libcxx live: '$got', want '$fut'"
  kill -9 "$PID"
  n=$((n + 4))
fi
echo "t_cpp: $n checks passed (cpp-bank, cpp-future and cpp-waits at -O1 -g, -O0 -g, -O2 -g, -O2; C++17/20 classes; libc++; live and core)"
