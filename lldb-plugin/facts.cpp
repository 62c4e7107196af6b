// facts.cpp — attach-only: with no TurboWish region, every thread is a task and every object a
// thread blocks on is a resource. The plugin only collects facts; libtwcore builds the model,
// names objects from the executable's symbols, and analyses it exactly as for a region.
#include "facts.h"

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

Sample collect(lldb::SBTarget &target, lldb::SBProcess &process) {
    Sample s;
    bool live = is_live(process);
    for (uint32_t i = 0; i < process.GetNumThreads(); i++) {
        lldb::SBThread th = process.GetThreadAtIndex(i);
        if (!th.IsValid()) continue;
        ThreadFact t = classify_thread(target, process, th);
        if (t.name.empty() && live) t.name = comm_of(process, t.tid);
        switch (t.block) {
        case TWC_BLOCK_MUTEX: case TWC_BLOCK_RWLOCK_RD: case TWC_BLOCK_RWLOCK_WR:
        case TWC_BLOCK_SEM: case TWC_BLOCK_COND: case TWC_BLOCK_BARRIER:
            if (t.object && !s.objects.count(t.object))
                s.objects[t.object] = read_object(process, t.block, t.object);
            break;
        default:
            break;
        }
        if (t.object2 && !s.objects.count(t.object2))
            s.objects[t.object2] = read_object(process, TWC_BLOCK_MUTEX, t.object2);
        s.threads.push_back(t);
    }
    return s;
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

uint64_t load_bias(lldb::SBTarget &target, lldb::SBModule exe) {
    lldb::SBAddress hdr = exe.GetObjectFileHeaderAddress();
    uint64_t load = hdr.GetLoadAddress(target), file = hdr.GetFileAddress();
    if (load == LLDB_INVALID_ADDRESS || file == LLDB_INVALID_ADDRESS) return 0;
    return load - file;
}
}  // namespace

twc_session *open_facts(lldb::SBDebugger &dbg, lldb::SBTarget &target, lldb::SBProcess &process,
                        int *status, std::string *err) {
    bool live = is_live(process);
    Sample s = collect(target, process);
    int agree = 0;
    if (live) {
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
    lldb::SBModule exe = target.GetModuleAtIndex(0);
    char exe_path[4096] = "";
    if (exe.IsValid()) exe.GetFileSpec().GetPath(exe_path, sizeof exe_path);

    twc_facts f{};
    f.threads = threads.data();
    f.nthreads = threads.size();
    f.objects = objects.data();
    f.nobjects = objects.size();
    f.samples_agree = agree;
    f.from_core = live ? 0 : 1;
    f.exe = exe_path[0] ? exe_path : nullptr;
    f.load_bias = exe.IsValid() ? load_bias(target, exe) : 0;
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
