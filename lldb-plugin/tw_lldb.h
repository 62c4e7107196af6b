/* tw_lldb.h — the lldb plugin's internal interface between its files.
 * The plugin holds no analysis: it finds bytes (a region, or facts read off the threads) and
 * hands them to libtwcore, then prints what libtwcore renders. */
#ifndef TW_LLDB_H
#define TW_LLDB_H

#include <lldb/API/LLDB.h>

#include <cstdint>
#include <string>
#include <vector>

#include "twcore.h"

namespace twl {

/* memory.cpp: libtwcore's reader/writer callbacks over an SBProcess (ctx = Memory *). */
struct Memory {
    lldb::SBProcess process;
};
int64_t read_memory(void *ctx, uint64_t addr, void *buf, uint64_t len);
int64_t write_memory(void *ctx, uint64_t addr, const void *buf, uint64_t len);
bool read_u64(lldb::SBProcess &p, uint64_t addr, uint64_t *v);
bool read_u32(lldb::SBProcess &p, uint64_t addr, uint32_t *v);
/* A live process (not a core file, not a minidump). */
bool is_live(lldb::SBProcess &p);
// When the core file lldb loaded was written (CLOCK_REALTIME ns); 0 when not known.
uint64_t core_file_mtime_ns();

/* region_find.cpp: the address of the region header, and how it was found; false if none. */
bool find_region(lldb::SBTarget &target, lldb::SBProcess &process, uint64_t *addr, std::string *how);

/* sessions.cpp: the libtwcore session of the selected process, opened on first use and kept
 * while the process stays stopped at the same stop, so history moves (`tw back`) persist.
 * attach_only forces a model from thread facts even when a region exists.
 * NULL with *status and a sentence in *err when there is no usable target. */
twc_session *session_for(lldb::SBDebugger &dbg, bool attach_only, int *status, std::string *err);

/* facts.cpp: attach-only session from the threads of a process with no region. */
twc_session *open_facts(lldb::SBDebugger &dbg, lldb::SBTarget &target, lldb::SBProcess &process,
                        int *status, std::string *err);

/* backtrace.cpp: twc_thread_stack_fn over lldb's unwinder (ctx = the session's Memory), for
 * `tw bt TID` in attach-only models. */
size_t thread_stack(void *ctx, uint64_t tid, uint64_t *pcs, size_t max);

/* frames.cpp: libtwcore's twc_symbolize_fn over lldb's symbols (ctx = the session's Memory). */
int symbolize_frame(void *ctx, uint64_t pc, char *func, size_t funclen, char *file, size_t filelen, int *line,
                    char *object, size_t objlen);

/* stack_frames.cpp: the executable's path and load bias; every thread's frames in it (pc, CFA,
 * sp, fp) for libtwcore to name stack objects from; and lending them to a region session. */
void exe_of(lldb::SBTarget &target, std::string *path, uint64_t *bias);
std::vector<twc_fact_frame> program_frames(lldb::SBTarget &target, lldb::SBProcess &process);
void lend_frames(twc_session *s, lldb::SBTarget &target, lldb::SBProcess &process);

} // namespace twl

#endif
