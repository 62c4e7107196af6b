// facts.cpp — attach-only: with no TurboWish region, every thread is a task and every object a
// thread blocks on is a resource. The plugin only collects facts; libtwcore builds the model,
// names objects from the executable's symbols, and analyses it exactly as for a region.
#include "facts.h"
#include "tw_region.h"

#include <algorithm>
#include <fstream>
#include <map>

namespace twl {

namespace {
struct Sample {
    std::vector<ThreadFact> threads;
    std::map<uint64_t, ObjectFact> objects;
};

std::string comm_of(lldb::SBProcess &p, uint64_t tid) {
    std::ifstream f("/proc/" + std::to_string(p.GetProcessID()) + "/task/" + std::to_string(tid) + "/comm");
    std::string s;
    std::getline(f, s);
    return s;
}

int kind_of_block(int block) {
    switch (block) {
    case TWC_BLOCK_MUTEX: return TW_RES_MUTEX;
    case TWC_BLOCK_RWLOCK_RD: case TWC_BLOCK_RWLOCK_WR: return TW_RES_RWLOCK;
    case TWC_BLOCK_SEM: return TW_RES_SEMAPHORE;
    case TWC_BLOCK_COND: return TW_RES_CONDVAR;
    case TWC_BLOCK_BARRIER: return TW_RES_BARRIER;
    case TWC_BLOCK_UNKNOWN: return TW_RES_OTHER;
    default: return 0;
    }
}

std::string exe_name(lldb::SBTarget &target) {
    const char *f = target.GetExecutable().GetFilename();
    return f ? std::string(f).substr(0, 15) : "?";  // what the kernel's comm would say
}

Sample collect(lldb::SBTarget &target, lldb::SBProcess &process) {
    Sample s;
    bool live = is_live(process);
    std::string fallback = exe_name(target);
    for (uint32_t i = 0; i < process.GetNumThreads(); i++) {
        lldb::SBThread th = process.GetThreadAtIndex(i);
        if (!th.IsValid()) continue;
        ThreadFact t = classify_thread(target, process, th);
        if (t.name.empty() && live) t.name = comm_of(process, t.tid);
        if (t.name.empty()) t.name = fallback;
        int kind = kind_of_block(t.block);
        if (kind && t.object && !s.objects.count(t.object))
            s.objects[t.object] = read_object(process, kind, t.object);
        if (t.block == TWC_BLOCK_COND && t.object2 && !s.objects.count(t.object2))
            s.objects[t.object2] = read_object(process, TW_RES_MUTEX, t.object2);
        s.threads.push_back(t);
    }
    std::sort(s.threads.begin(), s.threads.end(),
              [](const ThreadFact &x, const ThreadFact &y) { return x.tid < y.tid; });
    return s;
}

// Mutex cycles are proven by owner fields from one sample; other untimed waits are certain
// only when a second sample >= 100 ms later shows the same facts.
bool needs_second_sample(const Sample &s) {
    for (const ThreadFact &t : s.threads)
        if (!t.timed && (t.block == TWC_BLOCK_SEM || t.block == TWC_BLOCK_COND ||
                         t.block == TWC_BLOCK_JOIN || t.block == TWC_BLOCK_BARRIER ||
                         t.block == TWC_BLOCK_RWLOCK_RD || t.block == TWC_BLOCK_RWLOCK_WR ||
                         t.block == TWC_BLOCK_UNKNOWN))
            return true;
    return false;
}

bool same(const Sample &a, const Sample &b) {
    if (a.threads.size() != b.threads.size() || a.objects.size() != b.objects.size()) return false;
    std::map<uint64_t, const ThreadFact *> by_tid;
    for (const ThreadFact &t : a.threads) by_tid[t.tid] = &t;
    for (const ThreadFact &t : b.threads) {
        auto it = by_tid.find(t.tid);
        if (it == by_tid.end()) return false;
        const ThreadFact &u = *it->second;
        if (u.block != t.block || u.object != t.object || u.object2 != t.object2 || u.timed != t.timed)
            return false;
    }
    for (const auto &kv : b.objects) {
        auto it = a.objects.find(kv.first);
        if (it == a.objects.end() || it->second.owner_tid != kv.second.owner_tid ||
            it->second.value != kv.second.value)
            return false;
    }
    return true;
}

}  // namespace

twc_session *open_facts(lldb::SBDebugger &dbg, lldb::SBTarget &target, lldb::SBProcess &process,
                        int *status, std::string *err) {
    bool live = is_live(process);
    Sample s = collect(target, process);
    int agree = 0;
    if (live && needs_second_sample(s)) {
        Sample first = std::move(s);
        if (!run_briefly(dbg, process, 150)) {
            *status = TWC_ENOTFOUND;
            *err = "the process did not stop again after a second attach-only sample was asked for";
            return nullptr;
        }
        s = collect(target, process);
        agree = same(first, s);
    }

    std::vector<twc_fact_thread> threads;
    for (const ThreadFact &t : s.threads) {
        twc_fact_thread f{};
        f.tid = t.tid;
        f.name = t.name.empty() ? nullptr : t.name.c_str();
        f.block = t.block;
        f.timed = t.timed;
        f.object = t.object;
        f.object2 = t.object2;
        f.file = t.file.empty() ? nullptr : t.file.c_str();
        f.line = t.line;
        f.func = t.func.empty() ? nullptr : t.func.c_str();
        threads.push_back(f);
    }
    std::vector<twc_fact_object> objects;
    for (const auto &kv : s.objects) {
        twc_fact_object o{};
        o.addr = kv.second.addr;
        o.kind = kv.second.kind;
        o.owner_tid = kv.second.owner_tid;
        o.value = kv.second.value;
        o.name = nullptr;  // libtwcore names it from the executable's symbols, like every frontend
        objects.push_back(o);
    }
    std::string exe_path;
    uint64_t bias;
    exe_of(target, &exe_path, &bias);
    std::vector<twc_fact_frame> frames = program_frames(target, process);

    twc_facts f{};
    f.threads = threads.data();
    f.nthreads = threads.size();
    f.objects = objects.data();
    f.nobjects = objects.size();
    f.samples_agree = agree;
    f.from_core = live ? 0 : 1;
    f.exe = exe_path.empty() ? nullptr : exe_path.c_str();
    f.load_bias = bias;
    f.frames = frames.data();
    f.nframes = frames.size();
    f.source = kGlibcLayoutSource;
    char buf[512] = "";
    twc_session *sess = twc_open_facts(&f, status, buf, sizeof buf);
    if (!sess) {
        *err = buf[0] ? buf : "no TurboWish region, and the threads' facts could not be modelled";
        return nullptr;
    }
    twc_set_target_label(sess, live ? "live process" : "core file");
    return sess;
}

}  // namespace twl
