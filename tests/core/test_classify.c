/* Attach-only classification in libtwcore (twc_classify_thread): raw facts in — the frames'
 * function names innermost first, the syscall registers, a memory holding glibc objects — and
 * the thread's wait out. One row per blocking call and glibc layout: adding a call to
 * core/blocking_calls.c or a glibc version to core/glibc_layout.c adds a row here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tw_region.h"
#include "twcore.h"

/* ---- a fake target: zeros in [LO, HI), a few 32-bit words set, nothing readable elsewhere ---- */
#define LO 0x10000ull
#define HI 0x20000ull
struct word { uint64_t addr; uint32_t value; };
struct fake { const struct word *w; };

static int64_t fake_read(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    const struct fake *f = ctx;
    if (addr < LO || addr >= HI)
        return -14;
    if (addr + len > HI)
        len = HI - addr;
    memset(buf, 0, len);
    for (const struct word *w = f->w; w && w->addr; w++)
        for (int b = 0; b < 4; b++)
            if (w->addr + b >= addr && w->addr + b < addr + len)
                ((uint8_t *)buf)[w->addr + b - addr] = (uint8_t)(w->value >> (8 * b));
    return (int64_t)len;
}

#define M 0x10100ull  /* a pthread_mutex_t */
#define C 0x10200ull  /* a pthread_cond_t */
#define S 0x10300ull  /* a sem_t */
#define R 0x10400ull  /* a pthread_rwlock_t */
#define B 0x10500ull  /* a pthread_barrier_t */
#define T 0x10600ull  /* a joined thread's tid word */
#define W 0x10700ull  /* some other futex */
#define OWNER 77

struct row {
    const char *what;
    const char *glibc;           /* the target's glibc version, NULL: no libc mapped */
    const char *names[5];        /* innermost first; "main" is the program's own frame */
    int64_t nr, rax;             /* rax 0 means -512 (-ERESTARTSYS: still in the call) */
    uint64_t rdi, rsi, rdx, r10;
    uint64_t rbx;                /* frame 0's rbx */
    struct word mem[6];
    int block, timed;
    uint64_t object, object2, owner; /* owner: of the object (mutex, rwlock) */
    int64_t value;               /* semaphore value, or -1 */
};

/* A caller whose code says what it passed: `lea M(%rip),%rsi; call ...` at CALLER (12 bytes,
 * as 32-bit words for the fake target). A row whose memory holds it has "main" at CALLER. */
#define CALLER 0x10800ull
#define CALLER_CODE {CALLER, 0xf9358d48}, {CALLER + 4, 0xe8fffff8}, {CALLER + 8, 0}
#define M2 0x10180ull /* another plausible mutex */

#define WAIT_PRIVATE 128          /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define WAIT_BITSET_PRIVATE 137
#define WAKE_PRIVATE 129

static const struct row rows[] = {
    {"mutex: __lll_lock_wait under pthread_mutex_lock", "2.36", {"__lll_lock_wait", "___pthread_mutex_lock", "main"},
     202, 0, M, WAIT_PRIVATE, 2, 0, 0, {{M, 2}, {M + 8, OWNER}}, TWC_BLOCK_MUTEX, 0, M, 0, OWNER, -1},
    {"mutex: glibc's __GI_ alias", "2.36", {"__GI___lll_lock_wait", "main"},
     202, 0, M, WAIT_PRIVATE, 2, 0, 0, {{M, 2}, {M + 8, OWNER}}, TWC_BLOCK_MUTEX, 0, M, 0, OWNER, -1},
    {"mutex: timedlock is timed", "2.36", {"__futex_abstimed_wait_common", "__pthread_mutex_clocklock_common", "___pthread_mutex_timedlock", "main"},
     202, 0, M, WAIT_BITSET_PRIVATE, 2, 0x7ffd0000, 0, {{M, 2}, {M + 8, OWNER}}, TWC_BLOCK_MUTEX, 1, M, 0, OWNER, -1},
    {"mutex: PI lock keeps the owner in the lock word", "2.36", {"__pthread_mutex_lock_full", "main"},
     202, 0, M, 6 | 128, 0, 0, 0, {{M, OWNER | 0x80000000u}, {M + 16, 32}}, TWC_BLOCK_MUTEX, 0, M, 0, OWNER, -1},
    {"mutex: a futex lock_pi with no name is a mutex", "2.36", {"??", "main"},
     202, 0, M, 6, 0, 0, 0, {{M, OWNER}, {M + 16, 32}}, TWC_BLOCK_MUTEX, 0, M, 0, OWNER, -1},
    {"mutex: pthread_cond_wait re-locking its mutex waits on the mutex (innermost wins)", "2.36",
     {"__lll_lock_wait", "__pthread_mutex_cond_lock", "___pthread_cond_wait", "main"},
     202, 0, M, WAIT_PRIVATE, 2, 0, 0, {{M, 2}, {M + 8, OWNER}}, TWC_BLOCK_MUTEX, 0, M, 0, OWNER, -1},
    {"mutex: lldb on a core cannot read orig_rax: inferred from the names", "2.36", {"__lll_lock_wait", "___pthread_mutex_lock", "main"},
     TWC_NR_UNKNOWN, 0, M, WAIT_PRIVATE, 2, 0, 0, {{M, 2}, {M + 8, OWNER}}, TWC_BLOCK_MUTEX, 0, M, 0, OWNER, -1},
    {"glibc-internal lock: not a pthread mutex", "2.36", {"__lll_lock_wait_private", "__fopen", "main"},
     202, 0, W, WAIT_PRIVATE, 2, 0, 0, {{W, 2}}, TWC_BLOCK_UNKNOWN, 0, W, 0, 0, -1},
    {"semaphore: sem_wait", "2.36", {"__futex_abstimed_wait_common", "__new_sem_wait_slow64", "main"},
     202, 0, S, WAIT_BITSET_PRIVATE, 0, 0, 0, {{S, 0}}, TWC_BLOCK_SEM, 0, S, 0, 0, 0},
    {"semaphore: sem_timedwait restarted by the kernel", "2.36", {"__futex_abstimed_wait_common", "__new_sem_wait_slow64", "___sem_timedwait", "main"},
     219, 0, S, 0, 0, 0, 0, {{S, 0}}, TWC_BLOCK_SEM, 1, S, 0, 0, 0},
    {"condvar >= 2.25: futex is __g_signals[0], the mutex in a saved register", "2.36",
     {"__futex_abstimed_wait_common", "___pthread_cond_wait", "main"},
     202, 0, C + 40, WAIT_BITSET_PRIVATE, 0, 0, M, {{C + 40, 0}}, TWC_BLOCK_COND, 0, C, M, 0, -1},
    {"condvar >= 2.25: the caller's code passed the mutex, though a saved register holds another", "2.36",
     {"__futex_abstimed_wait_common", "___pthread_cond_wait", "main"},
     202, 0, C + 40, WAIT_BITSET_PRIVATE, 0, 0, M2, {{C + 40, 0}, CALLER_CODE}, TWC_BLOCK_COND, 0, C, M, 0, -1},
    {"condvar >= 2.25: futex is __g_signals[1]", "2.36", {"__futex_abstimed_wait_common", "___pthread_cond_wait", "main"},
     202, 0, C + 44, WAIT_BITSET_PRIVATE, 0, 0, 0, {{0, 0}}, TWC_BLOCK_COND, 0, C, 0, 0, -1},
    {"condvar < 2.25: futex is __futex, the mutex pointer at 32", "2.17", {"pthread_cond_wait@@GLIBC_2.3.2", "main"},
     202, 0, C + 4, WAIT_PRIVATE, 0, 0, 0, {{C + 32, (uint32_t)M}}, TWC_BLOCK_COND, 0, C, M, 0, -1},
    {"condvar: timedwait is timed", "2.36", {"__futex_abstimed_wait_common", "___pthread_cond_timedwait64", "main"},
     202, 0, C + 40, WAIT_BITSET_PRIVATE, 0, 0x7ffd0000, 0, {{0, 0}}, TWC_BLOCK_COND, 1, C, 0, 0, -1},
    {"rwlock >= 2.25: reader on __readers, writer in __cur_writer", "2.36",
     {"__futex_abstimed_wait_common", "__pthread_rwlock_rdlock_full64", "___pthread_rwlock_rdlock", "main"},
     202, 0, R, WAIT_BITSET_PRIVATE, 0x0a, 0, 0, {{R + 24, OWNER}}, TWC_BLOCK_RWLOCK_RD, 0, R, 0, OWNER, -1},
    {"rwlock >= 2.25: writer on __writers_futex", "2.36", {"__futex_abstimed_wait_common", "___pthread_rwlock_wrlock", "main"},
     202, 0, R + 12, WAIT_BITSET_PRIVATE, 3, 0, 0, {{R + 24, OWNER}}, TWC_BLOCK_RWLOCK_WR, 0, R, 0, OWNER, -1},
    {"rwlock >= 2.25: writer on __wrphase_futex", "2.36", {"__futex_abstimed_wait_common", "___pthread_rwlock_wrlock", "main"},
     202, 0, R + 8, WAIT_BITSET_PRIVATE, 2, 0, 0, {{R + 24, OWNER}}, TWC_BLOCK_RWLOCK_WR, 0, R, 0, OWNER, -1},
    {"rwlock < 2.25: reader on __readers_wakeup", "2.17", {"pthread_rwlock_rdlock", "main"},
     202, 0, R + 8, WAIT_PRIVATE, 0, 0, 0, {{R + 24, OWNER}}, TWC_BLOCK_RWLOCK_RD, 0, R, 0, OWNER, -1},
    {"join: the futex word is the joined thread's TID", "2.36", {"__futex_abstimed_wait_common", "__pthread_clockjoin_ex", "main"},
     202, 0, T, WAIT_BITSET_PRIVATE, 4242, 0, 0, {{T, 4242}}, TWC_BLOCK_JOIN, 0, 4242, 0, 0, -1},
    {"join: timedjoin is timed", "2.36", {"__futex_abstimed_wait_common", "__pthread_timedjoin_np64", "main"},
     202, 0, T, WAIT_BITSET_PRIVATE, 4242, 0x7ffd0000, 0, {{T, 4242}}, TWC_BLOCK_JOIN, 1, 4242, 0, 0, -1},
    {"barrier: waiters sleep on current_round", "2.36", {"futex_wait", "___pthread_barrier_wait", "main"},
     202, 0, B + 4, WAIT_PRIVATE, 0, 0, 0, {{0, 0}}, TWC_BLOCK_BARRIER, 0, B, 0, 0, -1},
    {"unknown futex: no name says what it is", "2.36", {"my_own_futex_wrapper", "main"},
     202, 0, W, WAIT_PRIVATE, 0, 0, 0, {{0, 0}}, TWC_BLOCK_UNKNOWN, 0, W, 0, 0, -1},
    /* Rust links std into the program: its frames are the program's own, and its futex mutex
     * keeps no owner, so the futex word is the object and nothing more is claimed */
    {"Rust: std::sync::Mutex::lock is a futex wait on the mutex's word", "2.36",
     {"syscall", "std::sys::unix::futex::futex_wait", "std::sys::unix::locks::futex::Mutex::lock_contended", "main"},
     202, 0, W, WAIT_BITSET_PRIVATE, 2, 0, 0, {{W, 2}}, TWC_BLOCK_UNKNOWN, 0, W, 0, 0, -1},
    {"Rust: the same from a core read by lldb (no orig_rax): the program's futex_wait says futex", "2.36",
     {"syscall", "std::sys::unix::futex::futex_wait", "std::sys::unix::locks::futex::Mutex::lock_contended", "main"},
     TWC_NR_UNKNOWN, 0, W, WAIT_BITSET_PRIVATE, 2, 0, 0, {{W, 2}}, TWC_BLOCK_UNKNOWN, 0, W, 0, 0, -1},
    {"sleep: clock_nanosleep", "2.36", {"__GI___clock_nanosleep", "__nanosleep", "sleep", "main"},
     230, 0, 0, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_SLEEP, 1, 0, 0, 0, -1},
    {"sleep: pause has no timeout", "2.36", {"__libc_pause", "main"},
     34, 0, 0, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_SLEEP, 0, 0, 0, 0, -1},
    {"sleep: pause in a core read by lldb (no orig_rax) is still untimed", "2.36", {"__libc_pause", "main"},
     TWC_NR_UNKNOWN, 0, 0, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_SLEEP, 0, 0, 0, 0, -1},
    {"sleep: nanosleep in a core read by lldb is timed", "2.36", {"__GI___clock_nanosleep", "__nanosleep", "main"},
     TWC_NR_UNKNOWN, 0, 0, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_SLEEP, 1, 0, 0, 0, -1},
    {"I/O: read in a core read by lldb", "2.36", {"__GI___libc_read", "main"},
     TWC_NR_UNKNOWN, 0, 3, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_IO, 0, 0, 0, 0, -1},
    {"I/O: read", "2.36", {"__GI___libc_read", "main"},
     0, 0, 3, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_IO, 0, 0, 0, 0, -1},
    {"I/O: a mutex's call at a cancellation point that is a read waits for the read", "2.36", {"__GI___libc_read", "___pthread_mutex_lock", "main"},
     0, 0, 3, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_IO, 0, 0, 0, 0, -1},
    {"running: the futex call returned (rax 0)", "2.36", {"__lll_lock_wait", "___pthread_mutex_lock", "main"},
     202, 1 /* rax = 0 */, M, WAIT_PRIVATE, 2, 0, 0, {{M, 2}}, TWC_BLOCK_NONE, 0, 0, 0, 0, -1},
    {"running: FUTEX_WAKE does not wait", "2.36", {"__lll_unlock_wake", "___pthread_mutex_unlock", "main"},
     202, 0, M, WAKE_PRIVATE, 1, 0, 0, {{0, 0}}, TWC_BLOCK_NONE, 0, 0, 0, 0, -1},
    {"running: not in a system call", "2.36", {"compute", "main"},
     TWC_NR_NONE, 0, 0, 0, 0, 0, 0, {{0, 0}}, TWC_BLOCK_NONE, 0, 0, 0, 0, -1},
    {"names past the program's own frame do not count", "2.36", {"my_own_futex_wrapper", "main", "pthread_mutex_lock"},
     202, 0, W, WAIT_PRIVATE, 0, 0, 0, {{0, 0}}, TWC_BLOCK_UNKNOWN, 0, W, 0, 0, -1},
    {"future: std::future::wait in libstdc++ (its mangled name, as the console's symbol tables give it)", "2.36",
     {"syscall", "_ZNSt28__atomic_futex_unsigned_base19_M_futex_wait_untilEPjjbNSt6chrono8durationIlSt5ratioILl1ELl1EEEENS2_IlS3_ILl1ELl1000000000EEEE", "main"},
     202, 0, W, WAIT_BITSET_PRIVATE, 0x80000000u, 0, 0, {{0, 0}}, TWC_BLOCK_FUTURE, 0, W, 0, 0, -1},
    {"future: the versioned .dynsym spelling", "2.36",
     {"syscall", "_ZNSt28__atomic_futex_unsigned_base19_M_futex_wait_untilEPjjbNSt6chrono8durationIlSt5ratioILl1ELl1EEEENS2_IlS3_ILl1ELl1000000000EEEE@@GLIBCXX_3.4.21", "main"},
     202, 0, W, WAIT_BITSET_PRIVATE, 0x80000000u, 0, 0, {{0, 0}}, TWC_BLOCK_FUTURE, 0, W, 0, 0, -1},
    {"future: demangled, as gdb and lldb name the frame", "2.36",
     {"syscall", "std::__atomic_futex_unsigned_base::_M_futex_wait_until(unsigned int*, unsigned int, bool, std::chrono::duration<long, std::ratio<1l, 1l> >, std::chrono::duration<long, std::ratio<1l, 1000000000l> >)", "main"},
     202, 0, W, WAIT_BITSET_PRIVATE, 0x80000000u, 0, 0, {{0, 0}}, TWC_BLOCK_FUTURE, 0, W, 0, 0, -1},
    {"future: wait_for sleeps with a timeout in the futex call", "2.36",
     {"syscall", "_ZNSt28__atomic_futex_unsigned_base26_M_futex_wait_until_steadyEPjjbNSt6chrono8durationIlSt5ratioILl1ELl1EEEENS2_IlS3_ILl1ELl1000000000EEEE", "main"},
     202, 0, W, WAIT_BITSET_PRIVATE, 0x80000000u, 0x7ffd0000, 0, {{0, 0}}, TWC_BLOCK_FUTURE, 1, W, 0, 0, -1},
    {"future: in a core read by lldb (no orig_rax), inferred from the names", "2.36",
     {"syscall", "std::__atomic_futex_unsigned_base::_M_futex_wait_until(unsigned int*, unsigned int, bool, std::chrono::duration<long, std::ratio<1l, 1l> >, std::chrono::duration<long, std::ratio<1l, 1000000000l> >)", "main"},
     TWC_NR_UNKNOWN, 0, W, WAIT_BITSET_PRIVATE, 0x80000000u, 0, 0, {{0, 0}}, TWC_BLOCK_FUTURE, 0, W, 0, 0, -1},
    {"future: libc++'s waits on the condvar of its shared state (libc++.so's mangled names)", "2.36",
     {"___pthread_cond_wait", "_ZNSt3__118condition_variable4waitERNS_11unique_lockINS_5mutexEEE",
      "_ZNSt3__117__assoc_sub_state10__sub_waitERNS_11unique_lockINS_5mutexEEE", "main"},
     202, 0, C + 40, WAIT_BITSET_PRIVATE, 0, 0, M, {{C + 40, 0}}, TWC_BLOCK_FUTURE, 0, C, 0, 0, -1},
    {"future: libc++'s, demangled", "2.36",
     {"___pthread_cond_wait", "std::__1::condition_variable::wait(std::__1::unique_lock<std::__1::mutex>&)",
      "std::__1::__assoc_sub_state::__sub_wait(std::__1::unique_lock<std::__1::mutex>&)", "main"},
     202, 0, C + 40, WAIT_BITSET_PRIVATE, 0, 0, M, {{C + 40, 0}}, TWC_BLOCK_FUTURE, 0, C, 0, 0, -1},
    {"an unknown glibc gets the >= 2.25 layout", NULL, {"__futex_abstimed_wait_common", "___pthread_cond_wait", "main"},
     202, 0, C + 40, WAIT_BITSET_PRIVATE, 0, 0, 0, {{0, 0}}, TWC_BLOCK_COND, 0, C, 0, 0, -1},
};

/* A file that looks like glibc 2.<minor> to the banner reader. */
static char *fake_libc(const char *version)
{
    char *path = strdup("/tmp/twc-fake-libc-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    char text[256];
    int n = snprintf(text, sizeof text, "GNU C Library (test) stable release version %s.\n%64s", version, "");
    cr_assert_eq(write(fd, text, (size_t)n), n);
    close(fd);
    return path;
}

static void check(const struct row *r)
{
    char *libc = r->glibc ? fake_libc(r->glibc) : NULL;
    twc_glibc *g = twc_glibc_open(libc, NULL);
    cr_assert_not_null(g, "%s", r->what);
    struct twc_raw_frame fr[5];
    size_t n = 0;
    for (; n < 5 && r->names[n]; n++) {
        fr[n] = (struct twc_raw_frame){.pc = 0x401000 + n, .sp = LO + 0x8000 + 64 * n,
                                       .own = strcmp(r->names[n], "main") == 0 || strncmp(r->names[n], "std::sys::", 10) == 0, /* Rust std */
                                       .nnames = 1};
        fr[n].names[0] = r->names[n];
    }
    fr[0].saved[0] = r->rbx;
    int caller_code = 0;
    for (const struct word *w = r->mem; w->addr; w++)
        caller_code |= w->addr == CALLER;
    if (caller_code) {
        fr[n - 1].pc = CALLER + 12;
        fr[n - 1].func_start = CALLER;
    }
    struct twc_raw_thread t = {.tid = 41, .nr = r->nr, .rax = r->rax == 1 ? 0 : r->rax ? r->rax : -512,
                               .rdi = r->rdi, .rsi = r->rsi, .rdx = r->rdx, .r10 = r->r10, .frames = fr, .nframes = n};
    struct fake mem = {r->mem};
    struct twc_verdict v;
    cr_assert_eq(twc_classify_thread(g, fake_read, &mem, &t, &v), TWC_OK, "%s", r->what);
    cr_expect_eq(v.block, r->block, "%s: block %d, want %d", r->what, v.block, r->block);
    cr_expect_eq(v.timed, r->timed, "%s: timed %d, want %d", r->what, v.timed, r->timed);
    cr_expect_eq(v.object, r->object, "%s: object %#llx, want %#llx", r->what, (unsigned long long)v.object,
                 (unsigned long long)r->object);
    cr_expect_eq(v.object2, r->object2, "%s: object2 %#llx, want %#llx", r->what, (unsigned long long)v.object2,
                 (unsigned long long)r->object2);
    if (r->object && r->block != TWC_BLOCK_JOIN) {
        cr_expect_geq(v.nobjs, 1, "%s: no object state", r->what);
        cr_expect_eq(v.objs[0].addr, r->object, "%s", r->what);
        cr_expect_eq(v.objs[0].owner_tid, r->owner, "%s: owner %llu, want %llu", r->what,
                     (unsigned long long)v.objs[0].owner_tid, (unsigned long long)r->owner);
        cr_expect_eq(v.objs[0].value, r->value, "%s: value %lld, want %lld", r->what, (long long)v.objs[0].value,
                     (long long)r->value);
    }
    twc_glibc_close(g);
    if (libc) {
        unlink(libc);
        free(libc);
    }
}

Test(classify, every_row)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check(&rows[i]);
}

Test(classify, the_source_says_which_layout)
{
    char *libc = fake_libc("2.17");
    twc_glibc *g = twc_glibc_open(libc, NULL);
    cr_expect_str_eq(twc_glibc_source(g), "glibc 2.17 layout table (x86-64)");
    twc_glibc_close(g);
    unlink(libc);
    free(libc);
    g = twc_glibc_open(NULL, NULL);
    cr_expect(strstr(twc_glibc_source(g), "no libc mapped") != NULL, "%s", twc_glibc_source(g));
    twc_glibc_close(g);
}

Test(classify, refuses_missing_arguments)
{
    struct twc_verdict v;
    struct twc_raw_thread t = {.tid = 1, .nr = TWC_NR_NONE};
    cr_expect_eq(twc_classify_thread(NULL, fake_read, NULL, &t, &v), TWC_EUSAGE);
}

/* A join under libstdc++'s std::thread::join(): its `this`, the std::thread joined (a jthread's
 * _M_thread when jthread's destructor called it: core/cxx_stop.c), is its frame's rbx, because
 * its code says so — [endbr64] push %rbx; mov %rdi,%rbx — and only then. */
static uint64_t joined_thread_object(uint32_t second_word)
{
    const uint64_t code = 0x10900, self = 0x10f08;
    const struct word mem[] = {{T, 4242}, {code, 0xfa1e0ff3}, {code + 4, second_word}, {0, 0}};
    struct twc_raw_frame fr[3] = {
        {.pc = 0x401000, .sp = LO + 0x8000, .nnames = 1},
        {.pc = code + 23, .sp = LO + 0x8040, .nnames = 1, .func_start = code},
        {.pc = 0x401200, .sp = LO + 0x8080, .own = 1, .nnames = 1},
    };
    fr[0].names[0] = "__pthread_clockjoin_ex";
    fr[1].names[0] = "std::thread::join()";
    fr[1].saved[0] = self;
    fr[2].names[0] = "main";
    struct twc_raw_thread t = {.tid = 41, .nr = 202, .rax = -512, .rdi = T, .rsi = WAIT_BITSET_PRIVATE, .rdx = 4242,
                               .frames = fr, .nframes = 3};
    struct fake f = {mem};
    struct twc_verdict v;
    twc_glibc *g = twc_glibc_open(NULL, NULL);
    cr_assert_eq(twc_classify_thread(g, fake_read, &f, &t, &v), TWC_OK);
    twc_glibc_close(g);
    cr_expect_eq(v.block, TWC_BLOCK_JOIN);
    cr_expect_eq(v.object, 4242);
    return v.object2;
}

Test(classify, a_std_thread_join_says_which_thread_object)
{
    cr_expect_eq(joined_thread_object(0xfb894853), 0x10f08, "push %%rbx; mov %%rdi,%%rbx: rbx is this");
    cr_expect_eq(joined_thread_object(0xfd894855), 0, "push %%rbp; mov %%rdi,%%rbp: another function's code, no object");
}
