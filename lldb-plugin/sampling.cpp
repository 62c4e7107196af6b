// sampling.cpp — a second attach-only sample needs the process to have run in between: a thread
// just woken from a futex still looks blocked while stopped. Resume it synchronously and let a
// helper thread interrupt it (a SIGSTOP stop, which `lldb -b` does not treat as a crash).
#include "facts.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace twl {

namespace {
// The thread's state letter from /proc (R, S, D, t...); 0 when unreadable or malformed.
char state_of(uint64_t pid, uint64_t tid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t c = s.rfind(')');
    return c == std::string::npos || c + 2 >= s.size() ? 0 : s[c + 2];
}

// The counts are read while the process runs, never while stopped: stopping a thread in a futex
// wakes it, and its restart is a switch of its own (the same reading as attach/progress.c).
// 0 (unknown) while the thread is stopped: lldb-server, slow on a loaded host, may still hold it
// in a signal stop, and a count that did not move then proves nothing.
uint64_t switches(uint64_t pid, uint64_t tid) {
    char st = state_of(pid, tid);
    if (st == 't' || st == 'T') return 0;
    std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/status");
    std::string key;
    uint64_t v = 0, sum = 0;
    int seen = 0;
    for (std::string line; std::getline(f, line);) {
        std::istringstream in(line);
        if (in >> key >> v && (key == "voluntary_ctxt_switches:" || key == "nonvoluntary_ctxt_switches:")) {
            sum += v;
            seen++;
        }
    }
    return seen == 2 ? sum + 1 : 0;
}

bool asleep(uint64_t pid, uint64_t tid) {
    char st = state_of(pid, tid);
    return st == 0 || st == 'S' || st == 'D';
}

void watch_run(uint64_t pid, int ms, ProgressWatch *w) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    auto all_asleep = [&] {
        for (uint64_t t : w->tids) if (!asleep(pid, t)) return false;
        return true;
    };
    while (std::chrono::steady_clock::now() < deadline && !all_asleep())
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    for (uint64_t t : w->tids) w->before[t] = switches(pid, t);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    for (uint64_t t : w->tids) w->end[t] = switches(pid, t);
}
}  // namespace

bool run_briefly(lldb::SBDebugger &dbg, lldb::SBProcess &p, int ms, ProgressWatch *watch) {
    if (!is_live(p) || p.GetState() != lldb::eStateStopped) return false;
    bool was_async = dbg.GetAsync();
    dbg.SetAsync(false);
    lldb::SBProcess copy = p;
    uint64_t pid = p.GetProcessID();
    std::thread stopper([copy, ms, pid, watch]() mutable {
        if (watch)
            watch_run(pid, ms, watch);
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        copy.SendAsyncInterrupt();
    });
    lldb::SBError e = p.Continue();
    stopper.join();
    dbg.SetAsync(was_async);
    return e.Success() && p.GetState() == lldb::eStateStopped;
}

}  // namespace twl
