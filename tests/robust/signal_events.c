/* signal_events — a SIGALRM handler records events while the thread it interrupts is recording
 * events itself: the handler may land in the middle of a ring append on the same thread.
 *
 * The handler has its own task (one writer per fact: a handler must not touch the record the
 * interrupted code may be updating) and records a poll begin and a poll end on each signal. The
 * main thread records poll begin / acquire / release / poll end on its own task flat out.
 *
 * Usage: signal_events MODE EVENTS DUMP
 *   steady   the region exists before the timer starts; main records EVENTS events
 *   first    the timer starts before the first event: a signal may arrive while this very
 *            thread is creating the region (the handler must not wait for itself)
 * Prints "signals: main=M handler=H total=T" and "region: heads=H events_lost=L", writes the
 * quiescent region to DUMP, then prints "tw-example: ready" and stays until killed. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "turbowish.h"

static tw_task_t handler_task;
static volatile uint64_t handler_emitted, handler_calls;

static void on_alarm(int sig)
{
    (void)sig;
    handler_calls++;
    if (!handler_task) {
        /* "first" mode: the handler's own first event may be the region's first event */
        handler_task = tw_task_spawn("in-handler", 0, 0);
        handler_emitted++; /* recorded, or counted lost if the region was being created */
        return;
    }
    tw_poll_begin(handler_task);
    tw_poll_end(handler_task, TW_POLL_READY);
    handler_emitted += 2;
}

static void timer(long usec)
{
    struct itimerval it = { { 0, usec }, { 0, usec } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static int dump_region(const char *path)
{
    const struct tw_header *h = tw_region;
    FILE *f = fopen(path, "wb");
    int ok = h && f && fwrite(h, 1, h->used_size, f) == h->used_size;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    int first = strcmp(argv[1], "first") == 0;
    uint64_t events = strtoull(argv[2], NULL, 10), emitted = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    if (!first) {
        handler_task = tw_task_spawn("in-handler", 0, 0);
        emitted++;
    }
    timer(20);
    /* in "first" mode the spawn below creates the region while signals arrive every 20 us */
    tw_res_t lock = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "main-lock", 0, 0);
    tw_task_t me = tw_task_spawn("main", 0, 0);
    emitted += 2;
    while (emitted < events) {
        tw_poll_begin(me);
        tw_acquire(me, lock, 1);
        tw_release(me, lock, 1);
        tw_poll_end(me, TW_POLL_READY);
        emitted += 4;
    }
    timer(0);
    uint64_t total = emitted + handler_emitted;
    printf("signals: calls=%llu main=%llu handler=%llu total=%llu\n", (unsigned long long)handler_calls,
           (unsigned long long)emitted, (unsigned long long)handler_emitted, (unsigned long long)total);
    const struct tw_header *h = tw_region;
    uint64_t heads = 0;
    for (uint32_t i = 0; i < h->rings.count; i++)
        heads += TW_RING_DESC(h, i)->head + TW_RING_DESC(h, i)->dropped;
    printf("region: heads=%llu events_lost=%llu\n", (unsigned long long)heads, (unsigned long long)h->events_lost);
    if (!dump_region(argv[3])) {
        perror(argv[3]);
        return 1;
    }
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
