#!/usr/bin/env bash
# Pthread adapter line of `make bench` (issue 9): one uncontended lock + unlock pair, the same
# binary bare, under the adapter (started as users start it, `tw run`), and under helgrind,
# the tool people use for this today. A peer that cannot run here is said on stderr and its
# figure left out.
set -u
B=${B:-build}
bin=$B/bench/pthread_bench
[ -x "$bin" ] || exit 0
# The bare pair (pthread_lock_ns) is timed inside the adapter run, libc's own calls alternating
# with the interposed ones batch by batch (--bare-as): a pair measured in another process, a
# minute apart, once differed by 20 ns for a busy sibling hyperthread alone. The plain process
# (no preload at all) is kept beside it as *_process_ns.
"$bin" pthread_lock_process_ns
"$bin" pthread_nested_lock_process_ns --nested
if [ -x "$B/bin/tw" ] && [ -e "$B/lib/libtw-pthread.so" ]; then
  env -u TW_DISABLE "$B/bin/tw" run -- "$bin" pthread_lock_adapter_ns --adapter --bare-as pthread_lock_ns ||
    echo "bench: pthread_lock_adapter_ns failed" >&2
  # the same pair inside a held lock: the lock-order table's present-edge path on every lock
  env -u TW_DISABLE "$B/bin/tw" run -- "$bin" pthread_nested_lock_adapter_ns --adapter --nested --bare-as pthread_nested_lock_ns ||
    echo "bench: pthread_nested_lock_adapter_ns failed" >&2
  # one of 4,096 mutexes of an array, at random, as a server's hashed locks are taken
  # (memcached's item locks): neither the object nor its record is in a near cache
  env -u TW_DISABLE "$B/bin/tw" run -- "$bin" pthread_lock_array_adapter_ns --adapter --array 4096 --bare-as pthread_lock_array_ns ||
    echo "bench: pthread_lock_array_adapter_ns failed" >&2
else
  "$bin" pthread_lock_ns
  "$bin" pthread_nested_lock_ns --nested
  "$bin" pthread_lock_array_ns --array 4096
fi
# A wait that returns at once (poll of a readable pipe), bare and under the adapter, made by the
# program and through a library (the adapter then finds the program's frame behind it).
if [ -x "$B/bench/wait_bench" ]; then
  "$B/bench/wait_bench" pthread_wait_ns direct
  if [ -x "$B/bin/tw" ] && [ -e "$B/lib/libtw-pthread.so" ]; then
    for how in direct via; do
      env -u TW_DISABLE "$B/bin/tw" run -- "$B/bench/wait_bench" "pthread_wait_${how}_adapter_ns" "$how" --adapter ||
        echo "bench: pthread_wait_${how}_adapter_ns failed" >&2
    done
  fi
fi
# ~7 µs a pair under helgrind: 4,000 batches (p99.9 still a measured batch) take seconds
if command -v valgrind >/dev/null; then
  valgrind --tool=helgrind -q "$bin" pthread_lock_helgrind_ns 4000 400 ||
    echo "bench: pthread_lock_helgrind_ns failed" >&2
else
  echo "bench: valgrind not installed (make deps); pthread_lock_helgrind_ns left out" >&2
fi
