/* preempt.c — how much of a long poll its thread was not preempted.
 *
 * A poll's wall time includes the time its thread sat in a run queue while other threads had
 * the CPU: on a busy host a 1 µs poll can take 150 ms of wall time, and that is not the task's
 * fault. The kernel counts, per thread, the time spent waiting in a run queue (the second
 * figure of /proc/thread-self/schedstat). Reading it is three system calls, so the shim does it
 * only at the end of a poll that lasted TW_MEASURED_POLL_US or more (a few microseconds against
 * at least 5 ms): never per event. The run-queue time since the thread's previous measurement
 * (kept in its ring directory entry, where readers find it for a poll in progress) is at least
 * what this poll was preempted, so wall time minus it is a lower bound of the time the poll
 * really held its thread (running, or blocked in a call it made). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

#ifndef TW_FAKE_CLOCK
/* The calling thread's run-queue wait in ns; -1 when /proc cannot tell. Raw system calls: an
 * LD_PRELOAD adapter wraps open and read, and must not see the shim's own. */
static int64_t sched_wait_ns(void)
{
    char buf[96];
    long fd = syscall(SYS_openat, AT_FDCWD, "/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
    syscall(SYS_close, fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    const char *p = buf;
    while (*p >= '0' && *p <= '9') /* run time */
        p++;
    if (*p++ != ' ' || *p < '0' || *p > '9')
        return -1;
    int64_t wait = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        wait = wait * 10 + (*p - '0');
    return wait;
}
#endif

/* At least 1: 0 in the record means "nothing measured", never "measured, all preempted". */
static uint32_t to_us(uint64_t ns) { return ns / 1000 > UINT32_MAX ? UINT32_MAX : ns < 1000 ? 1 : (uint32_t)(ns / 1000); }

uint32_t tw__poll_ran_us(uint64_t wall_ns)
{
#ifdef TW_FAKE_CLOCK
    return to_us(wall_ns); /* a scenario's clock is its script's: nothing preempts it */
#else
    int64_t wait = sched_wait_ns();
    if (wait < 0)
        return 0; /* unknown: readers fall back to wall time, and say it may include preemption */
    /* A reader stopped the process since this thread's last measurement (a debugger, `tw`
     * collecting frames): the stop is in the wall time and in no run-queue count. When every
     * such stop was timed by its reader, their time comes off too; otherwise this poll's time
     * is not known. The next one is measured against fresh baselines either way. */
    struct tw_header *h = tw__hdr();
    struct tw_control *c = h ? (struct tw_control *)(tw__base() + h->control_offset) : NULL;
    struct tw_stop_counts n = { 0, 0, 0, 0 };
    if (c) {
        n.stops = __atomic_load_n(&c->reader_stops, __ATOMIC_ACQUIRE);
        n.timed = __atomic_load_n(&c->timed_stops, __ATOMIC_ACQUIRE);
        n.stopped_us = __atomic_load_n(&c->stopped_us, __ATOMIC_ACQUIRE);
        n.began_ns = __atomic_load_n(&c->stop_began_ns, __ATOMIC_ACQUIRE);
    }
    /* a timed stop not accounted yet (odd): its reader lets the threads go before it adds their
     * time, and a poll that slept through the stop ends at once; bounded by its start */
    int64_t stopped_ns = tw_stopped_since(&n, (n.stops & 1) ? tw__mono_ns() : 0, tw_tls_.reader_stops, tw_tls_.timed_stops,
                                          tw_tls_.stopped_us);
    tw_tls_.reader_stops = n.stops;
    tw_tls_.timed_stops = n.timed;
    tw_tls_.stopped_us = n.stopped_us;
    struct tw_ring_desc *d = tw_tls_.desc;
    uint64_t base = d ? __atomic_load_n(&d->sched_wait_ns, __ATOMIC_RELAXED) : 0;
    uint64_t preempted = (uint64_t)wait > base ? (uint64_t)wait - base : 0;
    if (d) {
        __atomic_store_n(&d->sched_wait_ns, (uint64_t)wait, __ATOMIC_RELAXED);
        __atomic_store_n(&d->stops_base, n.stops, __ATOMIC_RELAXED);
        __atomic_store_n(&d->timed_base, n.timed, __ATOMIC_RELAXED);
        __atomic_store_n(&d->stopped_us_base, n.stopped_us, __ATOMIC_RELAXED);
    }
    if (stopped_ns < 0)
        return 0;
    uint64_t not_held = preempted + (uint64_t)stopped_ns;
    return to_us(wall_ns > not_held ? wall_ns - not_held : 0);
#endif
}
