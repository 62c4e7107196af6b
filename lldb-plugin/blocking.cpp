// blocking.cpp — what one thread is blocked in, read off its frames and registers. The same
// rules as the gdb plugin's facts.py, so both frontends hand libtwcore the same facts:
//   - blocked = stopped inside a syscall the kernel will restart ($rax = -ERESTART*, -EINTR,
//     -ENOSYS, the instruction before pc being `syscall`);
//   - the call = the outermost glibc frame with a known name (what the program called);
//   - the object = glibc's own argument variable when libc's debug info is there, else derived
//     from the futex syscall's address ($rdi) by glibc's layout;
//   - the site = the first frame in the program's own code.
// lldb 14 does not show orig_rax: a live thread's syscall number comes from
// /proc/PID/task/TID/syscall; in a core file it is inferred from the call's name.
#include "facts.h"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace twl {

namespace {
const uint32_t kMaxFrames = 32;
const int64_t kSysFutex = 202, kSysRestart = 219, kSysNanosleep = 35, kSysClockNanosleep = 230;

struct Rule {
    const char *prefix;
    int block;
    int timed;
    const char *arg;  // glibc's name for the object argument
};
const Rule kRules[] = {
    {"pthread_mutex_timedlock", TWC_BLOCK_MUTEX, 1, "mutex"},
    {"pthread_mutex_clocklock", TWC_BLOCK_MUTEX, 1, "mutex"},
    {"pthread_mutex_lock", TWC_BLOCK_MUTEX, 0, "mutex"},
    {"pthread_rwlock_timedrdlock", TWC_BLOCK_RWLOCK_RD, 1, "rwlock"},
    {"pthread_rwlock_clockrdlock", TWC_BLOCK_RWLOCK_RD, 1, "rwlock"},
    {"pthread_rwlock_rdlock", TWC_BLOCK_RWLOCK_RD, 0, "rwlock"},
    {"pthread_rwlock_timedwrlock", TWC_BLOCK_RWLOCK_WR, 1, "rwlock"},
    {"pthread_rwlock_clockwrlock", TWC_BLOCK_RWLOCK_WR, 1, "rwlock"},
    {"pthread_rwlock_wrlock", TWC_BLOCK_RWLOCK_WR, 0, "rwlock"},
    {"sem_timedwait", TWC_BLOCK_SEM, 1, "sem"},
    {"sem_clockwait", TWC_BLOCK_SEM, 1, "sem"},
    {"new_sem_wait", TWC_BLOCK_SEM, 0, "sem"},
    {"sem_wait", TWC_BLOCK_SEM, 0, "sem"},
    {"pthread_cond_timedwait", TWC_BLOCK_COND, 1, "cond"},
    {"pthread_cond_clockwait", TWC_BLOCK_COND, 1, "cond"},
    {"pthread_cond_wait", TWC_BLOCK_COND, 0, "cond"},
    {"pthread_timedjoin", TWC_BLOCK_JOIN, 1, "threadid"},
    {"pthread_clockjoin_np", TWC_BLOCK_JOIN, 1, "threadid"},
    {"pthread_clockjoin_ex", TWC_BLOCK_JOIN, 0, "threadid"},
    {"pthread_join", TWC_BLOCK_JOIN, 0, "threadid"},
    {"pthread_barrier_wait", TWC_BLOCK_BARRIER, 0, "barrier"},
};
const char *const kSleepNames[] = {"nanosleep", "clock_nanosleep", "sleep", "usleep", "thrd_sleep",
                                   "libc_nanosleep"};
const char *const kIoNames[] = {
    "poll", "ppoll", "select", "pselect", "pselect6", "epoll_wait", "epoll_pwait", "read",
    "libc_read", "readv", "recv", "libc_recv", "recvfrom", "recvmsg", "libc_recvmsg", "accept",
    "libc_accept", "accept4", "wait4", "waitpid", "libc_waitpid", "waitid", "pause", "libc_pause",
    "sigsuspend", "sigwait", "sigtimedwait", "sigwaitinfo", "msgrcv", "connect", "libc_connect",
    "write", "libc_write", "sendmsg", "send", "sendto", "flock", "lockf", "open", "open64",
    "openat", "openat64", "libc_open64", "fsync", "fdatasync", "wait", "system"};
const int64_t kInSyscallRax[] = {-512, -513, -514, -516, -38, -4};

// __GI___pthread_mutex_lock -> pthread_mutex_lock; ___pthread_cond_wait -> pthread_cond_wait.
std::string normalise(const char *fn) {
    std::string n = fn ? fn : "";
    n = n.substr(0, n.find('@'));
    n.erase(0, n.find_first_not_of('_') == std::string::npos ? n.size() : n.find_first_not_of('_'));
    if (n.compare(0, 3, "GI_") == 0) {
        n.erase(0, 3);
        n.erase(0, n.find_first_not_of('_') == std::string::npos ? n.size() : n.find_first_not_of('_'));
    }
    return n;
}

bool in_list(const std::string &n, const char *const *list, size_t len) {
    std::string trimmed = n;
    while (!trimmed.empty() && (trimmed.back() == '6' || trimmed.back() == '4')) trimmed.pop_back();
    for (size_t i = 0; i < len; i++)
        if (n == list[i] || trimmed == list[i]) return true;
    return false;
}

// The block a function name means, or false.
bool classify(const char *fn, int *block, int *timed, const char **arg) {
    if (!fn) return false;
    std::string n = normalise(fn);
    for (const Rule &r : kRules)
        if (n.compare(0, strlen(r.prefix), r.prefix) == 0) {
            *block = r.block, *timed = r.timed, *arg = r.arg;
            return true;
        }
    *arg = nullptr;
    if (in_list(n, kSleepNames, sizeof kSleepNames / sizeof *kSleepNames)) {
        *block = TWC_BLOCK_SLEEP, *timed = 1;
        return true;
    }
    if (in_list(n, kIoNames, sizeof kIoNames / sizeof *kIoNames)) {
        *block = TWC_BLOCK_IO, *timed = 0;
        return true;
    }
    return false;
}

bool is_futex_block(int b) {
    return b == TWC_BLOCK_MUTEX || b == TWC_BLOCK_RWLOCK_RD || b == TWC_BLOCK_RWLOCK_WR ||
           b == TWC_BLOCK_SEM || b == TWC_BLOCK_COND || b == TWC_BLOCK_JOIN || b == TWC_BLOCK_BARRIER;
}

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

bool stopped_in_syscall(lldb::SBTarget &t, lldb::SBProcess &p, lldb::SBFrame &top) {
    uint64_t pc = top.GetPC();
    unsigned char insn[2] = {0, 0};
    lldb::SBError e, e2;
    if (pc < 2) return false;
    // A core file holds no library text: then read it from the library's file.
    if (p.ReadMemory(pc - 2, insn, 2, e) != 2 &&
        t.ReadMemory(t.ResolveLoadAddress(pc - 2), insn, 2, e2) != 2)
        return false;
    if (insn[0] != 0x0f || insn[1] != 0x05) return false;
    int64_t rax = (int64_t)reg(top, "rax");
    return std::find(std::begin(kInSyscallRax), std::end(kInSyscallRax), rax) != std::end(kInSyscallRax);
}

// glibc's argument variable (libc6-dbg), outermost glibc frame first; 0 when not available.
uint64_t debug_arg(lldb::SBThread &th, uint32_t inner, const char *name) {
    for (uint32_t i = inner; name && i-- > 0;) {
        lldb::SBValue v = th.GetFrameAtIndex(i).FindVariable(name);
        lldb::SBError e;
        if (!v.IsValid()) continue;
        uint64_t x = v.GetValueAsUnsigned(e, 0);
        if (e.Success() && x) return x;
    }
    return 0;
}

// glibc >= 2.25 keeps no pointer from a condvar to its mutex; the wait's frames still hold it
// in a callee-saved register, which lldb's unwinder recovers.
uint64_t mutex_in_saved_registers(lldb::SBProcess &p, lldb::SBThread &th, uint32_t upto, uint64_t cond) {
    static const char *const kSaved[] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
    for (uint32_t i = 0; i <= upto && i < th.GetNumFrames(); i++) {
        lldb::SBFrame f = th.GetFrameAtIndex(i);
        for (const char *r : kSaved) {
            uint64_t v = reg(f, r);
            if (v && v != cond && plausible_mutex(p, v)) return v;
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

    uint32_t n = std::min(th.GetNumFrames(), kMaxFrames), user = n;
    for (uint32_t i = 0; i < n; i++) {
        lldb::SBFrame f = th.GetFrameAtIndex(i);
        if (!is_own(f.GetModule(), exe)) continue;
        user = i;
        lldb::SBLineEntry le = f.GetLineEntry();
        char path[4096];
        if (le.IsValid() && le.GetLine() > 0 && le.GetFileSpec().GetPath(path, sizeof path) > 0) {
            t.file = path;
            t.line = (int)le.GetLine();
        }
        if (f.GetFunctionName()) t.func = f.GetFunctionName();
        break;
    }
    if (n == 0) return t;
    lldb::SBFrame top = th.GetFrameAtIndex(0);
    if (!stopped_in_syscall(target, process, top)) return t;  // running, or about to enter a call

    int block = TWC_BLOCK_NONE, timed = 0;
    const char *arg = nullptr;
    bool rule = false;
    for (uint32_t i = user; !rule && i-- > 0;)
        rule = classify(th.GetFrameAtIndex(i).GetFunctionName(), &block, &timed, &arg);

    int64_t nr = is_live(process) ? live_syscall(process, t.tid) : -1;
    if (nr < 0) {  // a core file: infer the syscall from the call
        std::string inner = normalise(top.GetFunctionName());
        if ((rule && is_futex_block(block)) ||
            (!rule && (inner.find("futex") != std::string::npos || inner.find("lll_") != std::string::npos)))
            nr = kSysFutex;
        else if (rule && block == TWC_BLOCK_SLEEP)
            nr = kSysNanosleep;
        else
            nr = 0;
    }
    uint64_t rdi = reg(top, "rdi");
    if (nr == kSysFutex) {
        uint64_t op = reg(top, "rsi") & ~(uint64_t)(128 | 256);
        if (op != 0 && op != 6 && op != 9 && op != 11 && op != 13) return t;  // FUTEX_WAKE & co.
    }
    if (nr == kSysRestart) {  // only timed waits are restarted this way; rdi is still the futex
        t.block = rule ? block : TWC_BLOCK_SLEEP;
        t.timed = 1;
        if (t.block != TWC_BLOCK_SLEEP && t.block != TWC_BLOCK_IO)
            t.object = object_from_futex(process, t.block, rdi, 0);
        return t;
    }
    uint64_t expected = reg(top, "rdx") & 0xffffffffu;
    bool futex_timed = nr == kSysFutex && reg(top, "r10") != 0;
    if (!rule) {
        if (nr == kSysFutex) {
            t.block = TWC_BLOCK_UNKNOWN, t.object = rdi, t.timed = futex_timed;
        } else if (nr == kSysNanosleep || nr == kSysClockNanosleep) {
            t.block = TWC_BLOCK_SLEEP, t.timed = 1;
        } else {
            t.block = TWC_BLOCK_IO;
        }
        return t;
    }
    t.block = block;
    t.timed = (timed || futex_timed) ? 1 : 0;
    if (block == TWC_BLOCK_SLEEP || block == TWC_BLOCK_IO) return t;
    if (nr != kSysFutex) {  // a call that is not waiting on its object (a cancellation point)
        t.block = (nr == kSysNanosleep || nr == kSysClockNanosleep) ? TWC_BLOCK_SLEEP : TWC_BLOCK_IO;
        return t;
    }
    uint64_t dbg = block == TWC_BLOCK_JOIN ? 0 : debug_arg(th, user, arg);
    t.object = dbg ? dbg : object_from_futex(process, block, rdi, expected);
    if (block == TWC_BLOCK_COND) {
        uint64_t m = debug_arg(th, user, "mutex");
        if (!m) m = mutex_in_saved_registers(process, th, user, t.object);
        t.object2 = (m && plausible_mutex(process, m)) ? m : 0;
    }
    return t;
}

}  // namespace twl
