// blocking.cpp — what one thread is blocked in, read off its innermost frames and registers:
// the innermost known library call names the wait, the futex syscall's address ($rdi) names
// the object, and the first frame in the program's own code is the blocking site.
#include "facts.h"

#include <cstring>

namespace twl {

namespace {
const uint32_t kMaxFrames = 24;

struct Call {
    const char *pattern;  // substring of the normalised function name
    int block;
    int timed;
};
// Innermost match wins: a cond_wait re-taking its mutex is blocked on the mutex.
const Call kCalls[] = {
    {"lll_lock_wait", TWC_BLOCK_MUTEX, 0},         {"lll_clocklock_wait", TWC_BLOCK_MUTEX, 1},
    {"mutex_timedlock", TWC_BLOCK_MUTEX, 1},       {"mutex_clocklock", TWC_BLOCK_MUTEX, 1},
    {"mutex_lock", TWC_BLOCK_MUTEX, 0},            {"mutex_cond_lock", TWC_BLOCK_MUTEX, 0},
    {"rwlock_timedrdlock", TWC_BLOCK_RWLOCK_RD, 1}, {"rwlock_clockrdlock", TWC_BLOCK_RWLOCK_RD, 1},
    {"rwlock_rdlock", TWC_BLOCK_RWLOCK_RD, 0},     {"rwlock_timedwrlock", TWC_BLOCK_RWLOCK_WR, 1},
    {"rwlock_clockwrlock", TWC_BLOCK_RWLOCK_WR, 1}, {"rwlock_wrlock", TWC_BLOCK_RWLOCK_WR, 0},
    {"sem_timedwait", TWC_BLOCK_SEM, 1},           {"sem_clockwait", TWC_BLOCK_SEM, 1},
    {"sem_wait", TWC_BLOCK_SEM, 0},                {"cond_timedwait", TWC_BLOCK_COND, 1},
    {"cond_clockwait", TWC_BLOCK_COND, 1},         {"cond_wait", TWC_BLOCK_COND, 0},
    {"timedjoin", TWC_BLOCK_JOIN, 1},              {"clockjoin", TWC_BLOCK_JOIN, 0},
    {"pthread_join", TWC_BLOCK_JOIN, 0},           {"barrier_wait", TWC_BLOCK_BARRIER, 0},
};

std::string normalise(const char *fn) {
    std::string s = fn ? fn : "";
    size_t p = s.find('(');
    if (p != std::string::npos) s.resize(p);
    size_t i = 0;
    while (i < s.size() && s[i] == '_') i++;
    s.erase(0, i);
    if (s.compare(0, 3, "GI_") == 0) return normalise(s.c_str() + 3);
    if (s.compare(0, 5, "libc_") == 0) return normalise(s.c_str() + 5);
    return s;
}

bool is_system_module(lldb::SBModule m, lldb::SBModule exe) {
    if (!m.IsValid()) return true;
    if (m == exe) return false;
    char path[4096];
    if (m.GetFileSpec().GetPath(path, sizeof path) == 0) return true;
    return strncmp(path, "/lib/", 5) == 0 || strncmp(path, "/lib64/", 7) == 0 ||
           strncmp(path, "/usr/lib/", 9) == 0 || strncmp(path, "/usr/lib64/", 11) == 0 ||
           strstr(path, "[vdso]") != nullptr || strstr(path, "linux-vdso") != nullptr;
}

uint64_t reg(lldb::SBFrame &f, const char *name, bool *ok) {
    lldb::SBValue v = f.FindRegister(name);
    lldb::SBError e;
    uint64_t x = v.IsValid() ? v.GetValueAsUnsigned(e, 0) : 0;
    if (ok) *ok = v.IsValid() && e.Success();
    return x;
}

// Stopped inside a blocking syscall: the instruction before pc is `syscall` and the kernel
// left a restart code in $rax (-ERESTARTSYS .. -ERESTART_RESTARTBLOCK, or -EINTR). lldb 14 does
// not show orig_rax, so the call itself is named by the frames, not by the syscall number.
bool in_syscall(lldb::SBProcess &p, lldb::SBFrame &top) {
    uint64_t pc = top.GetPC();
    unsigned char insn[2] = {0, 0};
    lldb::SBError e;
    if (pc < 2 || p.ReadMemory(pc - 2, insn, 2, e) != 2 || insn[0] != 0x0f || insn[1] != 0x05)
        return false;
    int64_t rax = (int64_t)reg(top, "rax", nullptr);
    return (rax >= -516 && rax <= -512) || rax == -4;
}

// Calls that wait for time (the rest of the blocking syscalls wait for the outside world).
bool is_sleep_call(lldb::SBThread &th, uint32_t own, int *timed) {
    static const char *const kTimed[] = {"nanosleep", "usleep", "sleep", "sigtimedwait"};
    static const char *const kUntimed[] = {"pause", "sigsuspend", "sigwait"};
    for (uint32_t i = 0; i < own && i < kMaxFrames; i++) {
        std::string n = normalise(th.GetFrameAtIndex(i).GetFunctionName());
        for (const char *k : kUntimed)
            if (n.find(k) != std::string::npos) { *timed = 0; return true; }
        for (const char *k : kTimed)
            if (n.find(k) != std::string::npos) { *timed = 1; return true; }
    }
    return false;
}

// The mutex a condvar waiter will re-take: glibc keeps it in a callee-saved register across
// the futex wait; lldb's unwinder recovers those in the condvar frames.
uint64_t condvar_mutex(lldb::SBProcess &p, lldb::SBThread &th, uint32_t last_lib, uint64_t cond) {
    static const char *const kSaved[] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
    for (uint32_t i = 1; i < last_lib && i < kMaxFrames; i++) {
        lldb::SBFrame f = th.GetFrameAtIndex(i);
        if (normalise(f.GetFunctionName()).find("cond_") == std::string::npos) continue;
        lldb::SBValue m = f.FindVariable("mutex");  // with glibc's debug info
        lldb::SBError e;
        uint64_t mv = m.IsValid() ? m.GetValueAsUnsigned(e, 0) : 0;
        if (e.Success() && mv && looks_like_mutex(p, mv)) return mv;
        for (const char *r : kSaved) {
            bool ok = false;
            uint64_t v = reg(f, r, &ok);
            if (ok && (v < cond || v >= cond + 48) && looks_like_mutex(p, v)) return v;
        }
    }
    return 0;
}
}  // namespace

ThreadFact classify_thread(lldb::SBTarget &target, lldb::SBProcess &process, lldb::SBThread &th) {
    ThreadFact t;
    t.tid = th.GetThreadID();
    if (th.GetName()) t.name = th.GetName();
    lldb::SBModule exe = target.GetModuleAtIndex(0);

    // Library frames up to the first frame of the program's own code (the blocking site).
    uint32_t n = th.GetNumFrames(), own = n;
    const Call *call = nullptr;
    for (uint32_t i = 0; i < n && i < kMaxFrames; i++) {
        lldb::SBFrame f = th.GetFrameAtIndex(i);
        if (!is_system_module(f.GetModule(), exe)) {
            own = i;
            lldb::SBLineEntry le = f.GetLineEntry();
            char path[4096];
            if (le.IsValid() && le.GetLine() > 0 && le.GetFileSpec().GetPath(path, sizeof path) > 0) {
                t.file = path;
                t.line = (int)le.GetLine();
            }
            if (f.GetFunctionName()) t.func = f.GetFunctionName();
            break;
        }
        std::string name = normalise(f.GetFunctionName());
        for (const Call &c : kCalls)
            if (!call && name.find(c.pattern) != std::string::npos) call = &c;
        if (call && call->timed) t.timed = 1;
    }

    lldb::SBFrame top = th.GetFrameAtIndex(0);
    if (!in_syscall(process, top)) return t;  // running or runnable: not blocked

    std::string inner = normalise(top.GetFunctionName());
    if (call || inner.find("futex") != std::string::npos) {
        // Futex waits keep their arguments: $rdi is the futex word, $r10 the timeout.
        uint64_t uaddr = reg(top, "rdi", nullptr);
        if (reg(top, "r10", nullptr) != 0) t.timed = 1;
        t.block = call ? call->block : TWC_BLOCK_UNKNOWN;
        t.object = object_from_futex(process, t.block, uaddr);
        if (t.block == TWC_BLOCK_JOIN && t.object == 0) t.block = TWC_BLOCK_NONE;  // it just exited
        if (t.block == TWC_BLOCK_COND) t.object2 = condvar_mutex(process, th, own, t.object);
        return t;
    }
    int timed = 0;
    if (is_sleep_call(th, own, &timed)) {
        t.block = TWC_BLOCK_SLEEP;
        t.timed = timed;
    } else {
        t.block = TWC_BLOCK_IO;
    }
    return t;
}

}  // namespace twl
