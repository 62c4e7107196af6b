/* progress.c — did a blocked thread run between two samples?
 *
 * Two stops of a busy program can look the same: every consumer of a broadcast round asleep on
 * the same condvar, every thread of a barrier in the same wait. The kernel's per-thread count
 * of context switches tells a thread that slept through the interval from one that woke,
 * worked and went back to the same wait. The counts are read while the process runs, never
 * while it is stopped: stopping a thread in a futex wakes it, and its restart is a switch. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "progress.h"
#include "ptrace_sample.h"

uint64_t twa_thread_switches(int pid, uint64_t tid)
{
    /* unknown while stopped (not yet let run): a count that did not move then proves nothing */
    char st = twa_thread_state(pid, tid);
    if (st == 't' || st == 'T')
        return 0;
    char path[96], line[128];
    snprintf(path, sizeof path, "/proc/%d/task/%" PRIu64 "/status", pid, tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    uint64_t sum = 0, v;
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "voluntary_ctxt_switches: %" SCNu64, &v) == 1 ||
            sscanf(line, "nonvoluntary_ctxt_switches: %" SCNu64, &v) == 1) {
            sum += v;
            seen++;
        }
    }
    fclose(f);
    return seen == 2 ? sum + 1 : 0; /* +1: a thread that never switched is not "unknown" */
}

/* 'S' or 'D': in the kernel, waiting; gone or unreadable: nothing to wait for. */
static int asleep(int pid, uint64_t tid)
{
    char st = twa_thread_state(pid, tid);
    return st == 0 || st == '?' || st == 'S' || st == 'D';
}

void twa_await_asleep(int pid, const struct twc_facts *f, int max_ms)
{
    for (int waited = 0; waited <= max_ms; waited += 2) {
        int all = 1;
        for (size_t i = 0; all && i < f->nthreads; i++)
            if (f->threads[i].block != TWC_BLOCK_NONE && !f->threads[i].timed)
                all = asleep(pid, f->threads[i].tid);
        if (all)
            return;
        struct timespec t = {0, 2 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
}

void twa_read_switches(int pid, struct twc_fact_thread *threads, size_t n)
{
    for (size_t i = 0; i < n; i++)
        threads[i].switches = twa_thread_switches(pid, threads[i].tid);
}
