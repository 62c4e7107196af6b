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
    std::map<uint64_t, twc_fact_object> objects;
};

std::string comm_of(lldb::SBProcess &p, uint64_t tid) {
    std::ifstream f("/proc/" + std::to_string(p.GetProcessID()) + "/task/" + std::to_string(tid) + "/comm");
    std::string s;
    std::getline(f, s);
    return s;
}

std::string exe_name(lldb::SBTarget &target) {
    const char *f = target.GetExecutable().GetFilename();
    return f ? std::string(f).substr(0, 15) : "?";  // what the kernel's comm would say
}

Sample collect(lldb::SBTarget &target, lldb::SBProcess &process, const twc_glibc *glibc) {
    Sample s;
    bool live = is_live(process);
    std::string fallback = exe_name(target);
    for (uint32_t i = 0; i < process.GetNumThreads(); i++) {
        lldb::SBThread th = process.GetThreadAtIndex(i);
        if (!th.IsValid()) continue;
        twc_verdict v{};
        ThreadFact t = classify_thread(target, process, th, glibc, &v);
        if (t.name.empty() && live) t.name = comm_of(process, t.tid);
        if (t.name.empty()) t.name = fallback;
        for (int k = 0; k < v.nobjs; k++) {
            twc_fact_object &o = s.objects[v.objs[k].addr];
            if (!o.addr || !o.owner_tid) o = v.objs[k];
        }
        s.threads.push_back(t);
    }
    std::sort(s.threads.begin(), s.threads.end(),
              [](const ThreadFact &x, const ThreadFact &y) { return x.tid < y.tid; });
    return s;
}

// A sample as libtwcore's facts: views into the sample, valid while it and this object live.
struct FactsView {
    std::vector<twc_fact_thread> threads;
    std::vector<twc_fact_object> objects;
    twc_facts facts{};

    explicit FactsView(const Sample &s) {
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
            f.switches = t.switches;
            threads.push_back(f);
        }
        for (const auto &kv : s.objects) {
            twc_fact_object o = kv.second;
            o.name = nullptr;  // libtwcore names it from the executable's symbols, like every frontend
            objects.push_back(o);
        }
        facts.threads = threads.data();
        facts.nthreads = threads.size();
        facts.objects = objects.data();
        facts.nobjects = objects.size();
    }
};
}  // namespace

twc_session *open_facts(lldb::SBDebugger &dbg, lldb::SBTarget &target, lldb::SBProcess &process,
                        int *status, std::string *err) {
    bool live = is_live(process);
    twc_glibc *glibc = glibc_of(target);
    std::string source = twc_glibc_source(glibc);
    Sample s = collect(target, process, glibc);
    int agree = 0;
    FactsView probe(s);
    if (live && twc_facts_need_second_sample(&probe.facts)) {
        Sample first = std::move(s);
        ProgressWatch watch;
        for (const ThreadFact &t : first.threads)
            if (t.block != TWC_BLOCK_NONE && !t.timed) watch.tids.push_back(t.tid);
        if (!run_briefly(dbg, process, 150, &watch)) {
            twc_glibc_close(glibc);
            *status = TWC_ENOTFOUND;
            *err = "the process did not stop again after a second attach-only sample was asked for";
            return nullptr;
        }
        s = collect(target, process, glibc);
        for (ThreadFact &t : first.threads) t.switches = watch.before.count(t.tid) ? watch.before[t.tid] : 0;
        for (ThreadFact &t : s.threads) t.switches = watch.end.count(t.tid) ? watch.end[t.tid] : 0;
        FactsView a(first), b(s);
        agree = twc_facts_agree(&a.facts, &b.facts);
    }
    twc_glibc_close(glibc);
    FactsView view(s);
    twc_facts &f = view.facts;
    std::string exe_path;
    uint64_t bias;
    exe_of(target, &exe_path, &bias);
    std::vector<twc_fact_frame> frames = program_frames(target, process);

    f.samples_agree = agree;
    f.from_core = live ? 0 : 1;
    f.exe = exe_path.empty() ? nullptr : exe_path.c_str();
    f.load_bias = bias;
    f.frames = frames.data();
    f.nframes = frames.size();
    f.source = source.c_str();
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
