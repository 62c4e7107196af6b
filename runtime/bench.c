/* bench.c — the runtime's line in `make bench`: cost per spawn (+join), per yield (one poll) and
 * per uncontended mutex lock/unlock. Built twice: against libtwrt (run instrumented and with
 * TW_DISABLE=1) and with the runtime compiled with -DTW_DISABLE_INSTRUMENTATION. Prints one JSON
 * object: {"spawn_ns":…, "yield_ns":…, "lock_ns":…}, medians of 5 runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "twrt.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *nothing(void *arg) { return arg; }

static void *yields(void *arg)
{
    long n = (long)(intptr_t)arg;
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) twrt_yield();
    return (void *)(intptr_t)(now_ns() - t0);
}

static void *locks(void *arg)
{
    long n = (long)(intptr_t)arg;
    twrt_mutex *m = twrt_mutex_new("bench");
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        twrt_mutex_lock(m);
        twrt_mutex_unlock(m);
    }
    uint64_t dt = now_ns() - t0;
    twrt_mutex_free(m);
    return (void *)(intptr_t)dt;
}

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static double median(double *v) { qsort(v, 5, sizeof *v, cmp); return v[2]; }

int main(void)
{
    struct twrt_config cfg = { .workers = 1 };
    twrt_init(&cfg);
    enum { SPAWNS = 5000, YIELDS = 200000, LOCKS = 1000000 };
    static twrt_task *t[SPAWNS];
    double s[5], y[5], l[5];
    twrt_join(twrt_spawn("warm-up", yields, (void *)(intptr_t)1000));
    for (int r = 0; r < 5; r++) {
        uint64_t t0 = now_ns();
        for (int i = 0; i < SPAWNS; i++) t[i] = twrt_spawn("spawned", nothing, NULL);
        for (int i = 0; i < SPAWNS; i++) twrt_join(t[i]);
        s[r] = (double)(now_ns() - t0) / SPAWNS;
        y[r] = (double)(intptr_t)twrt_join(twrt_spawn("yielder", yields, (void *)(intptr_t)YIELDS)) / YIELDS;
        l[r] = (double)(intptr_t)twrt_join(twrt_spawn("locker", locks, (void *)(intptr_t)LOCKS)) / LOCKS;
    }
    printf("{\"spawn_ns\":%.1f,\"yield_ns\":%.1f,\"lock_ns\":%.1f}\n", median(s), median(y), median(l));
    return 0;
}
