// sessions.cpp — one libtwcore session per debugged process, kept across commands so that
// history moves (`tw back 5`, then `tw tasks`) persist; reopened when the process has run
// since (its stop id changed), because then "now" has moved.
#include "tw_lldb.h"
#include "facts.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

namespace twl {

namespace {
// libtwcore's second sample (twc_run_fn): resume the stopped process for a while, stop it again.
struct Runner {
    lldb::SBDebugger dbg;
    lldb::SBProcess process;
};

int run_target(void *ctx, unsigned ms, char *why, size_t whylen) {
    Runner *r = static_cast<Runner *>(ctx);
    auto t0 = std::chrono::steady_clock::now();
    bool ran = run_briefly(r->dbg, r->process, static_cast<int>(ms));
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    const char *msg = !ran ? "lldb could not let the process run and stop it again"
                      : took < static_cast<long>(ms) * 2 / 3 ? "the process stopped again too soon" : nullptr;
    if (!msg) return 0;
    if (why && whylen) snprintf(why, whylen, "%s", msg);
    return -1;
}

// libtwcore's fact collector (twc_collect_fn) for a live process: called before a command only
// when the threads' facts could change its answer (twc_needs_thread_facts); the threads are then
// walked once per session, since lldb holds the process stopped for the session's life. A
// healthy program's `tw tasks` unwinds no thread, as the console stops none.
struct Collector {
    lldb::SBProcess process;
    bool lent = false;
};

void collect_facts(twc_session *s, void *ctx) {
    Collector *c = static_cast<Collector *>(ctx);
    if (c->lent) return;
    c->lent = true;
    lldb::SBTarget target = c->process.GetTarget();
    lend_frames(s, target, c->process);
}

struct Entry {
    twc_session *session = nullptr;
    std::unique_ptr<Memory> memory;  // the reader's ctx: lives as long as the session
    std::unique_ptr<Runner> runner;  // the runner's ctx, likewise
    std::unique_ptr<Collector> collector;  // the fact collector's ctx, likewise
    int pid = 0;                     // the thread source's ctx: the process as this host sees it
    uint32_t stop_id = 0;
    bool attach_only = false;
};
// Keyed by lldb's process unique id and whether facts were asked for.
std::map<std::pair<uint32_t, bool>, Entry> g_sessions;
}  // namespace

static void drop(Entry &e) {
    if (e.session) twc_close(e.session);
    e.session = nullptr;
    e.memory.reset();
    e.runner.reset();
    e.collector.reset();
}

static twc_session *open_region(lldb::SBDebugger &dbg, lldb::SBProcess &p, uint64_t addr, Entry &e,
                                int *status, std::string *err) {
    bool live = is_live(p);
    e.memory.reset(new Memory{p});
    char buf[512] = "";
    twc_session *s = twc_open_region(read_memory, e.memory.get(), addr, live ? TWC_LIVE : 0,
                                     status, buf, sizeof buf);
    if (!s) {
        *err = buf[0] ? buf : "the TurboWish region could not be read";
        e.memory.reset();
        return nullptr;
    }
    if (live) {
        twc_set_writer(s, write_memory, e.memory.get());
        twc_count_reader_stop(s);   // lldb holds the process stopped: a poll spanning it is not the task's
        e.runner.reset(new Runner{dbg, p});
        twc_set_runner(s, run_target, e.runner.get());
        // what the kernel says of its threads, when it runs on this host (not a remote platform)
        lldb::SBPlatform platform = p.GetTarget().GetPlatform();
        if (platform.IsValid() && platform.GetName() && !strcmp(platform.GetName(), "host")) {
            e.pid = (int)p.GetProcessID();
            twc_set_thread_source(s, twc_proc_kthread, twc_proc_kthreads, &e.pid);
        }
    } else if (uint64_t written = core_file_mtime_ns()) {
        twc_set_image_time(s, written);   // the image's moment: a core holds no clock
    }
    twc_set_target_label(s, live ? "live process" : "core file");
    twc_set_symbolizer(s, symbolize_frame, e.memory.get());
    twc_set_stack_reader(s, read_memory, e.memory.get());  // bt: libtwcore walks the stack itself
    // an adapter names a local by its address, a thread sleeps in a call no adapter wraps: the
    // threads' frames know better. Live, walked only when libtwcore says they matter; a core's
    // every thread, as the console reads them.
    if (live) {
        e.collector.reset(new Collector{p});
        twc_set_fact_collector(s, collect_facts, e.collector.get());
    } else {
        lldb::SBTarget target = p.GetTarget();
        lend_frames(s, target, p);
    }
    return s;
}

twc_session *session_for(lldb::SBDebugger &dbg, bool attach_only, int *status, std::string *err) {
    lldb::SBTarget target = dbg.GetSelectedTarget();
    if (!target.IsValid()) {
        *status = TWC_ENOTFOUND;
        *err = "no target: attach with `lldb -p PID` or open a core with `lldb EXE -c CORE`";
        return nullptr;
    }
    lldb::SBProcess process = target.GetProcess();
    if (!process.IsValid() || process.GetState() == lldb::eStateExited ||
        process.GetState() == lldb::eStateDetached) {
        *status = TWC_ENOTFOUND;
        *err = "no process: attach with `lldb -p PID` or open a core with `lldb EXE -c CORE`";
        return nullptr;
    }
    if (process.GetState() == lldb::eStateRunning || process.GetState() == lldb::eStateStepping) {
        *status = TWC_EUSAGE;
        *err = "the process is running: interrupt it first (process interrupt)";
        return nullptr;
    }
    Entry &e = g_sessions[{process.GetUniqueID(), attach_only}];
    uint32_t stop = process.GetStopID();
    if (e.session && e.stop_id == stop) return e.session;
    drop(e);

    uint64_t addr = 0;
    std::string how;
    if (!attach_only && find_region(target, process, &addr, &how)) {
        e.session = open_region(dbg, process, addr, e, status, err);
    } else {
        e.session = open_facts(dbg, target, process, status, err);
        if (e.session) {  // bt: a task is a thread, unwound by lldb, symbolised like the rest
            e.memory.reset(new Memory{process});
            twc_set_symbolizer(e.session, symbolize_frame, e.memory.get());
            twc_set_thread_stacks(e.session, thread_stack, e.memory.get());
            // the target's memory: a shared_mutex reader's guard kept in a blocked frame (-O0)
            twc_set_stack_reader(e.session, read_memory, e.memory.get());
        }
    }
    // Taking a second attach-only sample resumes the process briefly: record the stop after it.
    e.stop_id = process.GetStopID();
    return e.session;
}

} // namespace twl
