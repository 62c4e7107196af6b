// thread_facts.cpp — one thread's raw facts as lldb shows them, for libtwcore to classify
// (twc_classify_thread): the syscall registers of the innermost frame, and per frame its
// function names, pc, sp and callee-saved registers. What they mean (which call, which object,
// who owns it) is decided in libtwcore, for every frontend alike. The site — the first frame in
// the program's own code — is read from lldb's line tables here.
// lldb 14 does not show orig_rax: a live thread's syscall number comes from
// /proc/PID/task/TID/syscall; in a core file libtwcore infers it from the frames' names.
#include "facts.h"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace twl {

namespace {
const uint32_t kMaxFrames = 32;

// The program's own code: the executable, or a library outside the system directories that is
// not TurboWish's own.
bool is_own(lldb::SBModule m, lldb::SBModule exe) {
    if (!m.IsValid()) return false;
    if (m == exe) return true;
    char path[4096];
    if (m.GetFileSpec().GetPath(path, sizeof path) == 0) return false;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strncmp(base, "libtw", 5) == 0 || strncmp(base, "libturbowish", 12) == 0) return false;
    if (strstr(path, "vdso")) return false;
    static const char *const kSystem[] = {"/lib/", "/lib32/", "/lib64/", "/usr/lib/",
                                          "/usr/lib32/", "/usr/lib64/", "/usr/libexec/"};
    for (const char *d : kSystem)
        if (strncmp(path, d, strlen(d)) == 0) return false;
    return true;
}

uint64_t reg(lldb::SBFrame &f, const char *name) {
    lldb::SBValue v = f.FindRegister(name);
    lldb::SBError e;
    return v.IsValid() ? v.GetValueAsUnsigned(e, 0) : 0;
}

// A live thread's current syscall number (-1 when running or unknown).
int64_t live_syscall(lldb::SBProcess &p, uint64_t tid) {
    std::ifstream f("/proc/" + std::to_string(p.GetProcessID()) + "/task/" + std::to_string(tid) + "/syscall");
    std::string first;
    if (!(f >> first)) return -1;
    char *end = nullptr;
    long long nr = strtoll(first.c_str(), &end, 10);
    return (end && *end == 0) ? nr : -1;
}

// Stopped just after a `syscall` instruction (a core file holds no library text: then read it
// from the library's file).
bool at_syscall(lldb::SBTarget &t, lldb::SBProcess &p, lldb::SBFrame &top) {
    uint64_t pc = top.GetPC();
    unsigned char insn[2] = {0, 0};
    lldb::SBError e, e2;
    if (pc < 2) return false;
    if (p.ReadMemory(pc - 2, insn, 2, e) != 2 && t.ReadMemory(t.ResolveLoadAddress(pc - 2), insn, 2, e2) != 2)
        return false;
    return insn[0] == 0x0f && insn[1] == 0x05;
}

std::string path_of(lldb::SBFileSpec fs) {
    char p[4096] = "";
    if (fs.IsValid()) fs.GetPath(p, sizeof p);
    return p;
}
}  // namespace

twc_glibc *glibc_of(lldb::SBTarget &target) {
    for (uint32_t i = 0; i < target.GetNumModules(); i++) {
        lldb::SBModule m = target.GetModuleAtIndex(i);
        std::string file = path_of(m.GetFileSpec());
        const char *base = strrchr(file.c_str(), '/') ? strrchr(file.c_str(), '/') + 1 : file.c_str();
        if (strncmp(base, "libc.so", 7) != 0 && !(strncmp(base, "libc-2.", 7) == 0 && strstr(base, ".so")))
            continue;
        std::string dbg = path_of(m.GetSymbolFileSpec());
        return twc_glibc_open(file.c_str(), dbg.empty() || dbg == file ? nullptr : dbg.c_str());
    }
    return twc_glibc_open(nullptr, nullptr);
}

ThreadFact classify_thread(lldb::SBTarget &target, lldb::SBProcess &process, lldb::SBThread &th,
                           const twc_glibc *glibc, twc_verdict *verdict) {
    ThreadFact t;
    t.tid = th.GetThreadID();
    if (th.GetName()) t.name = th.GetName();
    lldb::SBModule exe = target.GetModuleAtIndex(0);

    uint32_t n = std::min(th.GetNumFrames(), kMaxFrames);
    std::vector<twc_raw_frame> raw(n);
    std::vector<std::string> names;  // keeps the names the raw frames point to
    names.reserve(2 * n);
    static const char *const kSaved[] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
    bool site = false;
    for (uint32_t i = 0; i < n; i++) {
        lldb::SBFrame f = th.GetFrameAtIndex(i);
        twc_raw_frame &r = raw[i];
        r = twc_raw_frame{};
        r.pc = f.GetPC();
        r.sp = f.GetSP() == LLDB_INVALID_ADDRESS ? 0 : f.GetSP();
        for (int k = 0; k < 6; k++) r.saved[k] = reg(f, kSaved[k]);
        r.own = is_own(f.GetModule(), exe) ? 1 : 0;
        // the ELF symbol's start, never an inlined function's: the code that made the call
        lldb::addr_t start = f.GetSymbol().GetStartAddress().GetLoadAddress(target);
        r.func_start = start == LLDB_INVALID_ADDRESS ? 0 : start;
        const char *fn = f.GetFunctionName(), *sym = f.GetSymbol().GetName();
        if (fn) names.push_back(fn), r.names[r.nnames++] = names.back().c_str();
        if (sym && (!fn || strcmp(sym, fn) != 0)) names.push_back(sym), r.names[r.nnames++] = names.back().c_str();
        if (!r.own || site) continue;
        site = true;
        lldb::SBLineEntry le = f.GetLineEntry();
        char path[4096];
        if (le.IsValid() && le.GetLine() > 0 && le.GetFileSpec().GetPath(path, sizeof path) > 0) {
            t.file = path;
            t.line = (int)le.GetLine();
        }
        if (fn) t.func = fn;
    }
    if (n == 0) return t;
    lldb::SBFrame top = th.GetFrameAtIndex(0);
    twc_raw_thread rt{};
    rt.tid = t.tid;
    rt.nr = TWC_NR_NONE;
    if (at_syscall(target, process, top)) {
        int64_t nr = is_live(process) ? live_syscall(process, t.tid) : -1;
        rt.nr = nr >= 0 ? nr : TWC_NR_UNKNOWN;
    }
    rt.rax = (int64_t)reg(top, "rax");
    rt.rdi = reg(top, "rdi");
    rt.rsi = reg(top, "rsi");
    rt.rdx = reg(top, "rdx");
    rt.r10 = reg(top, "r10");
    rt.frames = raw.data();
    rt.nframes = raw.size();
    Memory mem{process};
    twc_verdict v{};
    if (glibc && twc_classify_thread(glibc, read_memory, &mem, &rt, &v) == TWC_OK) {
        t.block = v.block;
        t.timed = v.timed;
        t.object = v.object;
        t.object2 = v.object2;
    }
    if (verdict) *verdict = v;
    return t;
}

}  // namespace twl
