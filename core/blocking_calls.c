/* blocking_calls.c — which glibc (and libstdc++) functions and which system calls mean a wait, and what kind.
 *
 * The one place a new blocking call goes: add a row (tests/core/test_classify.c has a row per
 * call). Names are matched demangled, with leading underscores (and glibc's "__GI_" alias prefix) stripped,
 * as prefixes, so "___pthread_mutex_lock", "__new_sem_wait_slow64" and "sem_wait@@GLIBC_2.34"
 * match too. The innermost match wins: pthread_cond_wait re-locking its mutex is blocked on the
 * mutex. Longer names that share a prefix come first. The last two columns say which argument
 * (0 = the first) is the object and which the mutex a condvar waiter re-locks, for reading them
 * back from the caller's code (callargs.c); -1 = none.
 */
#include <string.h>
#include "glibc.h"

static const struct twc__blocking_call calls[] = {
    {"pthread_mutex_timedlock", TWC_BLOCK_MUTEX, 1, 0, -1},
    {"pthread_mutex_clocklock", TWC_BLOCK_MUTEX, 1, 0, -1},
    {"pthread_mutex_cond_lock", TWC_BLOCK_MUTEX, 0, 0, -1},
    {"pthread_mutex_lock", TWC_BLOCK_MUTEX, 0, 0, -1},
    {"lll_lock_wait_private", TWC_BLOCK_UNKNOWN, 0, -1, -1}, /* glibc-internal lock, not a pthread_mutex_t */
    {"lll_lock_wait", TWC_BLOCK_MUTEX, 0, -1, -1},
    {"sem_timedwait", TWC_BLOCK_SEM, 1, 0, -1},
    {"sem_clockwait", TWC_BLOCK_SEM, 1, 0, -1},
    {"sem_wait", TWC_BLOCK_SEM, 0, 0, -1},
    {"new_sem_wait", TWC_BLOCK_SEM, 0, -1, -1},
    {"pthread_cond_timedwait", TWC_BLOCK_COND, 1, 0, 1},
    {"pthread_cond_clockwait", TWC_BLOCK_COND, 1, 0, 1},
    {"pthread_cond_wait", TWC_BLOCK_COND, 0, 0, 1},
    {"pthread_timedjoin", TWC_BLOCK_JOIN, 1, -1, -1},
    {"pthread_clockjoin_np", TWC_BLOCK_JOIN, 1, -1, -1},
    {"pthread_clockjoin_ex", TWC_BLOCK_JOIN, 0, -1, -1},
    {"pthread_join", TWC_BLOCK_JOIN, 0, -1, -1},
    {"pthread_rwlock_timedrdlock", TWC_BLOCK_RWLOCK_RD, 1, 0, -1},
    {"pthread_rwlock_clockrdlock", TWC_BLOCK_RWLOCK_RD, 1, 0, -1},
    {"pthread_rwlock_rdlock", TWC_BLOCK_RWLOCK_RD, 0, 0, -1},
    {"pthread_rwlock_timedwrlock", TWC_BLOCK_RWLOCK_WR, 1, 0, -1},
    {"pthread_rwlock_clockwrlock", TWC_BLOCK_RWLOCK_WR, 1, 0, -1},
    {"pthread_rwlock_wrlock", TWC_BLOCK_RWLOCK_WR, 0, 0, -1},
    {"pthread_barrier_wait", TWC_BLOCK_BARRIER, 0, 0, -1},
    {"nanosleep", TWC_BLOCK_SLEEP, 1, -1, -1},
    {"clock_nanosleep", TWC_BLOCK_SLEEP, 1, -1, -1},
    {"thrd_sleep", TWC_BLOCK_SLEEP, 1, -1, -1},
    {"usleep", TWC_BLOCK_SLEEP, 1, -1, -1},
    {"sleep", TWC_BLOCK_SLEEP, 1, -1, -1},
    {"libc_pause", TWC_BLOCK_SLEEP, 0, -1, -1},
    {"pause", TWC_BLOCK_SLEEP, 0, -1, -1},
    {"sigsuspend", TWC_BLOCK_SLEEP, 0, -1, -1},
    /* C++: libstdc++'s names demangled (a frontend may hand either spelling). A std::future's
     * wait() and get() sleep on the shared state's status word through __atomic_futex_unsigned;
     * _M_futex_wait_until_steady (wait_for, wait_until) shares the prefix, and its futex call
     * carries the timeout, which says timed. */
    {"std::__atomic_futex_unsigned_base::_M_futex_wait_until", TWC_BLOCK_FUTURE, 0, -1, -1},
};

/* "__GI___pthread_mutex_lock" -> "pthread_mutex_lock" */
static const char *bare(const char *s)
{
    while (*s == '_')
        s++;
    if (strncmp(s, "GI_", 3) == 0)
        for (s += 3; *s == '_'; s++)
            ;
    return s;
}

const struct twc__blocking_call *twc__find_blocking_call(const struct twc_raw_frame *fr, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        if (fr[i].own && i > 0)
            break;
        for (int k = 0; k < fr[i].nnames && k < TWC_RAW_MAX_NAMES; k++) {
            if (!fr[i].names[k])
                continue;
            char buf[512];
            const char *nm = bare(twc__demangled_or(fr[i].names[k], buf, sizeof buf));
            for (size_t c = 0; c < ARRAY_LEN(calls); c++)
                if (strncmp(nm, calls[c].name, strlen(calls[c].name)) == 0) {
                    *at = i;
                    return &calls[c];
                }
        }
    }
    return NULL;
}

/* The library frames, and the program's frame that called them: Rust links its standard library
 * into the program, so the caller of libc's syscall() in a std::sync::Mutex::lock is the
 * program's std::sys::unix::futex::futex_wait. */
int twc__frames_mention_futex(const struct twc_raw_frame *fr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < fr[i].nnames && k < TWC_RAW_MAX_NAMES; k++)
            if (fr[i].names[k] && (strstr(fr[i].names[k], "futex") || strstr(fr[i].names[k], "lll_")))
                return 1;
        if (fr[i].own && i > 0)
            break;
    }
    return 0;
}

/* libc++'s std::future (and shared_future) waits in __assoc_sub_state::__sub_wait on a
 * std::condition_variable inside the shared state: pthread_cond_wait, then libc++'s
 * condition_variable::wait, then __sub_wait (mangled `17__assoc_sub_state10__sub_wait`, or
 * demangled). libc++.so may count as the program's own (unpacked outside the system
 * directories), so the frames past the first own one are looked at too, a few of them. */
int twc__libcxx_future_wait(const struct twc_raw_frame *fr, size_t n, size_t at)
{
    for (size_t i = at + 1; i < n && i <= at + 3; i++)
        for (int k = 0; k < fr[i].nnames && k < TWC_RAW_MAX_NAMES; k++)
            if (fr[i].names[k] && strstr(fr[i].names[k], "__assoc_sub_state") && strstr(fr[i].names[k], "__sub_wait"))
                return 1;
    return 0;
}

/* x86-64 system call numbers (asm/unistd_64.h) of calls that wait for time or the outside
 * world. Anything not listed does not wait (the thread is about to run). */
int twc__syscall_block(long nr, int *timed)
{
    *timed = 0;
    switch (nr) {
    case 35 /* nanosleep */: case 230 /* clock_nanosleep */: case 128 /* rt_sigtimedwait */:
        *timed = 1;
        return TWC_BLOCK_SLEEP;
    case 34 /* pause */: case 130 /* rt_sigsuspend */:
        return TWC_BLOCK_SLEEP;
    case 0 /* read */: case 1 /* write */: case 7 /* poll */: case 23 /* select */:
    case 17 /* pread64 */: case 19 /* readv */: case 20 /* writev */: case 42 /* connect */:
    case 43 /* accept */: case 44 /* sendto */: case 45 /* recvfrom */: case 46 /* sendmsg */:
    case 47 /* recvmsg */: case 61 /* wait4 */: case 232 /* epoll_wait */: case 247 /* waitid */:
    case 270 /* pselect6 */: case 271 /* ppoll */: case 281 /* epoll_pwait */: case 288 /* accept4 */:
    case 441 /* epoll_pwait2 */: case 299 /* recvmmsg */: case 69 /* msgsnd */: case 70 /* msgrcv */:
        return TWC_BLOCK_IO;
    default:
        return TWC_BLOCK_NONE;
    }
}
