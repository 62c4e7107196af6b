/* facts.h — attach-only fact collection inside the lldb plugin: what each thread is blocked in,
 * on which object (libtwcore decides from the raw facts lldb collects). */
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

/* thread_facts.cpp: libtwcore's glibc layout for the target's libc (close with
 * twc_glibc_close); one thread's raw facts (frames, syscall registers) classified by libtwcore
 * with it, plus the site lldb's line tables give. verdict (may be NULL) gets libtwcore's whole
 * answer, objects included. */
twc_glibc *glibc_of(lldb::SBTarget &target);
ThreadFact classify_thread(lldb::SBTarget &target, lldb::SBProcess &process, lldb::SBThread &thread,
                           const twc_glibc *glibc, twc_verdict *verdict = nullptr);

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
