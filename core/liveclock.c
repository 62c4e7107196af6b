/* liveclock.c — "now" for a live target, in the target's raw clock, and what its threads did
 * since a moment, from the thread source the frontend set (twc_set_thread_source).
 *
 * The region's newest timestamp is only when the target last emitted an event; a task can
 * starve for seconds behind hogs that emit nothing. A live target on this host shares the
 * reader's CLOCK_MONOTONIC — but a debugger stops the target and may take seconds before we
 * read, so the wall clock would count the stop too. So: when no thread of the target is
 * stopped, now is the wall clock; when it is stopped, now is the latest moment we can prove it
 * ran: for each thread, its start time plus the time it was on a CPU or runnable.
 * Everything here answers 0 or -1 (unknown) without a thread source: not live, not this host. */
#include <stdlib.h>
#include <time.h>
#include "internal.h"

void twc_set_thread_source(twc_session *s, twc_kthread_fn one, twc_kthreads_fn all, void *ctx)
{
    if (!s) return;
    s->kt_one = one;
    s->kt_all = one ? all : NULL;
    s->kt_ctx = one ? ctx : NULL;
}

static int have_source(const struct twc_session *s)
{
    return (s->flags & TWC_LIVE) && !s->facts && s->kt_one && s->ns_per_raw > 0;
}

/* What the source says of thread tid; -1 when there is none or it does not know the thread. */
static int kthread(struct twc_session *s, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    if (!have_source(s) || !tid) return -1;
    return s->kt_one(s->kt_ctx, tid, want, k) ? -1 : 0;
}

double twc__mono_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

uint64_t twc__live_now_raw(struct twc_session *s)
{
    if (!have_source(s) || !s->kt_all) return 0;
    uint32_t tids[4096];
    size_t n = s->kt_all(s->kt_ctx, tids, sizeof tids / sizeof tids[0]);
    if (n > sizeof tids / sizeof tids[0]) n = sizeof tids / sizeof tids[0];
    double mono = twc__mono_now_ns(), proven = 0;
    int stopped = 0, threads = 0;
    for (size_t i = 0; i < n; i++) {
        struct twc_kthread k;
        if (kthread(s, tids[i], TWC_KT_TIMES, &k) || k.start_ns < 0 || k.cpu_ns < 0) continue;
        threads++;
        if (k.state == 't' || k.state == 'T') stopped = 1;
        /* a thread that never blocked was runnable (on a CPU or queued) right up to the stop,
         * so start + runnable time bounds "now" tightly even on a loaded host */
        double alive = k.cpu_ns, runnable = k.run_ns >= 0 && k.queue_ns >= 0 ? k.run_ns + k.queue_ns : 0;
        if (runnable > alive) alive = runnable;
        if (k.start_ns + alive > proven) proven = k.start_ns + alive;
    }
    if (!threads) return 0;
    double ns = stopped ? proven : mono;
    if (ns > mono) ns = mono;
    return twc__mono_to_raw(s, ns);
}

/* The wall time between a thread's start and raw clock `since`: the most it could have run
 * before `since`. */
static double ns_before(const struct twc_session *s, const struct twc_kthread *k, uint64_t since)
{
    double before = (double)twc__raw_to_ns(s, since) - k->start_ns;
    return before < 0 ? 0 : before;
}

/* CPU time thread `tid` of a live target provably used after raw clock `since`: its total CPU
 * time minus all the wall time it could have run before `since`. A thread descheduled by a
 * loaded machine, or stopped by a debugger, accumulates none. -1 when unknown. */
double twc__thread_cpu_after(struct twc_session *s, uint32_t tid, uint64_t since)
{
    struct twc_kthread k;
    if (kthread(s, tid, TWC_KT_TIMES, &k) || k.cpu_ns < 0 || k.start_ns < 0) return -1;
    return k.cpu_ns - ns_before(s, &k, since);
}

/* Time thread `tid` was runnable (on a CPU or waiting in a run queue, per the kernel's
 * schedstat) after raw clock `since`, as a lower bound like twc__thread_cpu_after. A thread that
 * never yields stays runnable however loaded the machine is, so this proves "did not yield"
 * where CPU time alone cannot. -1 when unknown. */
double twc__thread_runnable_after(struct twc_session *s, uint32_t tid, uint64_t since)
{
    struct twc_kthread k;
    if (kthread(s, tid, TWC_KT_TIMES, &k) || k.run_ns < 0 || k.queue_ns < 0 || k.start_ns < 0) return -1;
    double runnable = k.run_ns + k.queue_ns;
    if (runnable <= 0) return -1;
    return runnable - ns_before(s, &k, since);
}

/* Time thread `tid` has spent waiting in a run queue, as the kernel counted it so far; -1 when
 * unknown. */
double twc__thread_queue_wait_ns(struct twc_session *s, uint32_t tid)
{
    struct twc_kthread k;
    if (kthread(s, tid, TWC_KT_TIMES, &k) || k.queue_ns < 0) return -1;
    return k.queue_ns;
}

/* The run-queue wait the kernel has not counted yet (it adds a wait when the thread runs
 * again): for a runnable thread, at most the time since it last ran; 0 for a thread asleep in a
 * system call (a sleep is not preemption); -1 when the source cannot tell, or the thread is
 * asleep outside a system call (a page fault waiting for memory or a kernel lock is not the
 * poll's doing) or stopped (its poll's time is then not known). */
double twc__thread_uncounted_wait_ns(struct twc_session *s, uint32_t tid)
{
    struct twc_kthread k;
    if (kthread(s, tid, TWC_KT_SINCE_RAN, &k)) return -1;
    if (k.state == 'S' || k.state == 'D') return k.in_syscall == 1 ? 0 : -1;
    if (k.state != 'R') return -1;
    return k.since_ran_ns >= 0 ? k.since_ran_ns : -1;
}

/* The thread's state letter now (R running, S/D asleep in the kernel, t/T stopped), 0 when
 * unknown. */
char twc__thread_state_now(struct twc_session *s, uint32_t tid)
{
    struct twc_kthread k;
    return kthread(s, tid, TWC_KT_TIMES, &k) ? 0 : k.state;
}

/* The mappings that hold the stacks of the target's threads (twc_kthread's stack_lo/hi), at most
 * max of them, each once. A thread on a CPU shows no stack pointer, but its stack stays where it
 * is: those are asked again, 1 ms apart, up to STACK_ROUNDS times, until each has been seen
 * asleep once (a loaded server's threads sleep between requests). Returns how many, or -1 when
 * some live thread's stack stayed unknown or there is no source: then any address may lie on a
 * stack. */
#define STACK_ROUNDS 20

long twc__thread_stacks(struct twc_session *s, struct twc__span *spans, size_t max)
{
    if (!have_source(s) || !s->kt_all) return -1;
    uint32_t tids[4096];
    size_t n = s->kt_all(s->kt_ctx, tids, sizeof tids / sizeof tids[0]), got = 0, left = n;
    if (!n || n > sizeof tids / sizeof tids[0]) return -1;
    for (int round = 0; round < STACK_ROUNDS && left; round++) {
        if (round) nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
        for (size_t i = 0; i < n; i++) {
            struct twc_kthread k;
            if (!tids[i]) continue;   /* known already */
            if (kthread(s, tids[i], TWC_KT_TIMES | TWC_KT_STACK, &k) || k.state == 'Z' || k.state == 'X') {
                tids[i] = 0, left--;   /* gone since listed, or no stack left */
                continue;
            }
            if (!k.stack_hi) continue;   /* on a CPU: next round */
            tids[i] = 0, left--;
            size_t j = 0;
            while (j < got && (spans[j].lo != k.stack_lo || spans[j].hi != k.stack_hi)) j++;
            if (j < got) continue;
            if (got == max) return -1;
            spans[got++] = (struct twc__span){ k.stack_lo, k.stack_hi };
        }
    }
    return left ? -1 : (long)got;
}

/* The system call thread tid sleeps in now (its number), -1 when in none or unknown. */
long twc__thread_syscall_now(struct twc_session *s, uint32_t tid)
{
    struct twc_kthread k;
    if (kthread(s, tid, TWC_KT_TIMES | TWC_KT_SYSCALL, &k) || !k.has_syscall || k.syscall < 0) return -1;
    return k.syscall;
}
