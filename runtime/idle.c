/* idle.c — an idle worker sleeps until work arrives, a timer is due, or a pause/resume request
 * is posted. It waits on two futexes at once (futex_waitv): the runtime's own private word, which
 * enqueuers bump, and the region's control word, a SHARED futex because the requester (`tw pause`,
 * a debugger) is another process. The wait never exceeds 50 ms, so a request takes effect within
 * 100 ms even if a wake-up were missed, and on kernels without futex_waitv we fall back to the
 * private word alone with that same bound.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "sched.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE 128
#define MAX_IDLE_NS 50000000ull

struct waitv { uint64_t val; uint64_t uaddr; uint32_t flags; uint32_t reserved; };

static atomic_uint idle_seq;   /* bumped by every kick */
static atomic_int sleepers;
static atomic_int spinning;    /* idle workers still polling for work before they sleep */
#if defined(__SANITIZE_THREAD__)
#define SPIN_NS 0ull           /* under TSan every atomic load takes its internal locks: don't spin */
#else
#define SPIN_NS 50000ull       /* waking a sleeping thread costs tens of microseconds here */
#endif
static int no_waitv;

void twrt__idle_kick(void)
{
    /* Read-modify-writes, not plain loads: each orders our enqueue against the sleeper's own
     * RMW on the same counter, so either we see it or it sees our work (no fences needed, which
     * also keeps ThreadSanitizer's model exact). A spinning worker will find the work: it
     * re-checks after announcing that it sleeps. */
    if (atomic_fetch_add(&spinning, 0) > 0) return;
    if (atomic_fetch_add(&sleepers, 0) == 0) return;
    atomic_fetch_add(&idle_seq, 1);
    syscall(SYS_futex, &idle_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void twrt__idle_wait(struct twrt_worker *w)
{
    (void)w;
    /* Poll a little before sleeping: bursts of spawns and wakes then cost no syscalls. */
    atomic_fetch_add(&spinning, 1);
    uint64_t until = twrt__now_ns() + SPIN_NS;
    volatile uint32_t *ctl0 = tw_control_futex();
    uint32_t gen = ctl0 ? *ctl0 : 0;
    int found = 0;
    for (int i = 0; !found && SPIN_NS; i++) {
        for (int k = 0; k < 32; k++) __builtin_ia32_pause();
        found = twrt__any_work() || (ctl0 && *ctl0 != gen);
        if ((i & 15) == 15) {
            if (twrt__timers_run() == 0 || twrt__now_ns() > until) break;
        }
    }
    atomic_fetch_sub(&spinning, 1);
    if (found) return;
    unsigned seq = atomic_load(&idle_seq);
    atomic_fetch_add(&sleepers, 1);
    uint64_t until_timer = twrt__timers_run();
    if (twrt__any_work() || until_timer == 0) { atomic_fetch_sub(&sleepers, 1); return; }
    uint64_t ns = until_timer < MAX_IDLE_NS ? until_timer : MAX_IDLE_NS;
    volatile uint32_t *ctl = tw_control_futex();
    if (ctl && !no_waitv) {
        struct waitv v[2] = {
            { .val = seq, .uaddr = (uintptr_t)&idle_seq, .flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE },
            { .val = *ctl, .uaddr = (uintptr_t)ctl, .flags = FUTEX2_SIZE_U32 },
        };
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t abs = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + ns;
        ts.tv_sec = (time_t)(abs / 1000000000ull);
        ts.tv_nsec = (long)(abs % 1000000000ull);
        if (syscall(SYS_futex_waitv, v, 2, 0, &ts, CLOCK_MONOTONIC) < 0 && errno == ENOSYS) no_waitv = 1;
    } else {
        struct timespec rel = { .tv_sec = 0, .tv_nsec = (long)ns };
        syscall(SYS_futex, &idle_seq, FUTEX_WAIT_PRIVATE, seq, &rel, NULL, 0);
    }
    atomic_fetch_sub(&sleepers, 1);
}
