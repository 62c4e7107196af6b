// sampling.cpp — a second attach-only sample needs the process to have run in between: a thread
// just woken from a futex still looks blocked while stopped. Resume it synchronously and let a
// helper thread interrupt it (a SIGSTOP stop, which `lldb -b` does not treat as a crash).
#include "facts.h"

#include <chrono>
#include <thread>

namespace twl {

bool run_briefly(lldb::SBDebugger &dbg, lldb::SBProcess &p, int ms) {
    if (!is_live(p) || p.GetState() != lldb::eStateStopped) return false;
    bool was_async = dbg.GetAsync();
    dbg.SetAsync(false);
    lldb::SBProcess copy = p;
    std::thread stopper([copy, ms]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        copy.SendAsyncInterrupt();
    });
    lldb::SBError e = p.Continue();
    stopper.join();
    dbg.SetAsync(was_async);
    return e.Success() && p.GetState() == lldb::eStateStopped;
}

}  // namespace twl
