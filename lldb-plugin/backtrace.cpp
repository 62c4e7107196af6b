// backtrace.cpp — what lldb lends libtwcore for `tw bt ID`: in an attach-only model a task is a
// thread, and its frames are the ones lldb unwinds (twc_thread_stack_fn). A parked task of a
// region is walked by libtwcore itself over the memory the session's reader gives it, and
// every frame is rendered there, so lldb prints what gdb and the console print.
#include "tw_lldb.h"

namespace twl {

size_t thread_stack(void *ctx, uint64_t tid, uint64_t *pcs, size_t max) {
    auto *m = static_cast<Memory *>(ctx);
    lldb::SBThread th = m->process.GetThreadByID(tid);
    if (!th.IsValid()) return 0;
    // One pc per real frame, as gdb's and the walk's: lldb lists inlined bodies as frames of
    // their own, and gives the real frame that holds them the inline call site's address; the
    // real frame's pc is its innermost inlined frame's.
    size_t n = 0;
    uint64_t first = 0;
    bool group_start = true;
    for (uint32_t i = 0; i < th.GetNumFrames() && n < max; i++) {
        lldb::SBFrame fr = th.GetFrameAtIndex(i);
        if (group_start) first = fr.GetPC();
        group_start = !fr.IsInlined();
        if (group_start) pcs[n++] = first;
    }
    return n;
}

}  // namespace twl
