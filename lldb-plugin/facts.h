/* facts.h — attach-only fact collection inside the lldb plugin: what each thread is blocked in,
 * on which object, and what glibc's object says about its owner or count. */
#ifndef TW_LLDB_FACTS_H
#define TW_LLDB_FACTS_H

#include "tw_lldb.h"

#include <map>
#include <string>
#include <vector>

namespace twl {

struct ThreadFact {
    uint64_t tid = 0;
    std::string name;
    int block = TWC_BLOCK_NONE;
    int timed = 0;
    uint64_t object = 0, object2 = 0;
    std::string file, func;
    int line = 0;
    uint64_t switches = 0;  /* context switches read in the run window (sampling.cpp), 0 unknown */
};

struct ObjectFact {
    uint64_t addr = 0;
    int kind = 0;           /* enum tw_res_kind */
    uint64_t owner_tid = 0;
    int64_t value = -1;
};

/* blocking.cpp: classify one thread from its innermost frames and registers. */
ThreadFact classify_thread(lldb::SBTarget &target, lldb::SBProcess &process, lldb::SBThread &thread);

/* glibc_layout.cpp: glibc's x86-64 object layouts (2.25 .. 2.40). */
extern const char *const kGlibcLayoutSource;
/* The object blocked on, from the futex word a thread sleeps on ($rdi in the syscall) and the
 * value it expects there ($rdx); for a join, the joined thread's TID. */
uint64_t object_from_futex(lldb::SBProcess &p, int block, uint64_t uaddr, uint64_t expected);
/* What an object (kind: enum tw_res_kind) says about itself: owner TID, semaphore value. */
ObjectFact read_object(lldb::SBProcess &p, int kind, uint64_t addr);
/* Whether the bytes at addr look like a pthread_mutex_t (a condvar's mutex). */
bool plausible_mutex(lldb::SBProcess &p, uint64_t addr);

/* Context switches of the listed threads, read while the process ran between two samples:
 * libtwcore's progress sign (twc_fact_thread.switches). */
struct ProgressWatch {
    std::vector<uint64_t> tids;          /* threads blocked untimed in the first sample */
    std::map<uint64_t, uint64_t> before; /* once they were asleep again after the resume */
    std::map<uint64_t, uint64_t> end;    /* just before the stop */
};

/* sampling.cpp: let a live process run for `ms` milliseconds, then stop it again; with a
 * watch, read its threads' counts at both edges of the run. */
bool run_briefly(lldb::SBDebugger &dbg, lldb::SBProcess &p, int ms, ProgressWatch *watch = nullptr);

}  // namespace twl

#endif
