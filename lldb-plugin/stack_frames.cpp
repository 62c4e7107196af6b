// stack_frames.cpp — where each of the program's frames is (pc, CFA, sp, fp), lent to libtwcore
// so that it names objects living in them from the executable's DWARF ("main:mu1"). lldb only
// collects; libtwcore evaluates the frame bases and locations and decides the name, exactly as
// for gdb and the console. Inlined frames are lldb's synthetic copies of the concrete frame
// (same CFA): the concrete one is enough.
#include "facts.h"
#include "tw_lldb.h"

namespace twl {

void exe_of(lldb::SBTarget &target, std::string *path, uint64_t *bias) {
    lldb::SBModule exe = target.GetModuleAtIndex(0);
    char p[4096] = "";
    *bias = 0;
    if (exe.IsValid()) {
        exe.GetFileSpec().GetPath(p, sizeof p);
        lldb::SBAddress hdr = exe.GetObjectFileHeaderAddress();
        uint64_t load = hdr.GetLoadAddress(target), file = hdr.GetFileAddress();
        if (load != LLDB_INVALID_ADDRESS && file != LLDB_INVALID_ADDRESS) *bias = load - file;
    }
    *path = p;
}

std::vector<twc_fact_frame> program_frames(lldb::SBTarget &target, lldb::SBProcess &process) {
    std::vector<twc_fact_frame> out;
    lldb::SBModule exe = target.GetModuleAtIndex(0);
    for (uint32_t i = 0; i < process.GetNumThreads(); i++) {
        lldb::SBThread th = process.GetThreadAtIndex(i);
        if (!th.IsValid()) continue;
        uint32_t n = th.GetNumFrames();
        // lldb lists inlined bodies as frames of their own and gives the real frame that holds
        // them the inline call site's address: a real frame's pc is its innermost inlined
        // frame's (as in backtrace.cpp), which libtwcore follows out through the inline chain
        uint64_t group_pc = 0;
        uint32_t group_first = 0;
        bool group_start = true;
        for (uint32_t k = 0; k < n && k < 64; k++) {
            lldb::SBFrame f = th.GetFrameAtIndex(k);
            if (!f.IsValid()) continue;
            if (group_start) { group_pc = f.GetPC(); group_first = k; }
            group_start = !f.IsInlined();
            if (f.IsInlined() || !(f.GetModule() == exe)) continue;
            twc_fact_frame ff{};
            ff.tid = th.GetThreadID();
            ff.pc = group_first == 0 ? group_pc : group_pc - 1;   // a caller is looked up inside its call
            uint64_t cfa = f.GetCFA();
            ff.cfa = cfa == LLDB_INVALID_ADDRESS ? 0 : cfa;
            ff.sp = f.GetSP() == LLDB_INVALID_ADDRESS ? 0 : f.GetSP();
            ff.fp = f.GetFP() == LLDB_INVALID_ADDRESS ? 0 : f.GetFP();
            out.push_back(ff);
        }
    }
    return out;
}

void lend_frames(twc_session *s, lldb::SBTarget &target, lldb::SBProcess &process) {
    std::string exe;
    uint64_t bias;
    exe_of(target, &exe, &bias);
    std::vector<twc_fact_frame> fr = program_frames(target, process);
    if (!exe.empty() && !fr.empty()) twc_set_frames(s, fr.data(), fr.size(), exe.c_str(), bias);
    // and whether each thread is blocked in the kernel: a thread task polling in the region while
    // its thread sleeps in a call no adapter wraps is waiting (core/kernel_waits.c)
    std::vector<ThreadFact> facts;
    std::vector<twc_fact_object> objects;  // with their owners: whose lock a blocked worker waits for
    twc_glibc *glibc = glibc_of(target);
    for (uint32_t i = 0; i < process.GetNumThreads(); i++) {
        lldb::SBThread th = process.GetThreadAtIndex(i);
        if (!th.IsValid()) continue;
        twc_verdict v{};
        facts.push_back(classify_thread(target, process, th, glibc, &v));
        for (int k = 0; k < v.nobjs; k++) objects.push_back(v.objs[k]);
    }
    twc_glibc_close(glibc);
    std::vector<twc_fact_thread> ct(facts.size());
    for (size_t i = 0; i < facts.size(); i++) {
        const ThreadFact &f = facts[i];
        ct[i] = twc_fact_thread{f.tid, f.name.c_str(), f.block, f.timed, f.object, f.object2,
                                f.file.empty() ? nullptr : f.file.c_str(), f.line,
                                f.func.empty() ? nullptr : f.func.c_str(), f.switches};
    }
    if (!ct.empty()) twc_set_thread_facts(s, ct.data(), ct.size());
    if (!objects.empty()) twc_set_thread_objects(s, objects.data(), objects.size());
}

} // namespace twl
