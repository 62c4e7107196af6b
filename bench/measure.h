/* measure.h — how every figure of `make bench` is taken: calls timed in batches (so the clock's
 * own cost is amortised), many batches after a discarded warm-up, CPU pinned, and reported as
 * the median and the 99.9th percentile of the per-call time over the batches. Two quantities
 * measured in the same loop alternate batch by batch, so machine noise hits both alike. */
#ifndef TW_BENCH_MEASURE_H
#define TW_BENCH_MEASURE_H
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH 128
#define BATCHES 40000
#define WARMUP 2000

static inline uint64_t bench_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void bench_pin(int cpu)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    sched_setaffinity(0, sizeof s, &s); /* best effort: a refusal just means unpinned */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct figure { double median, p999; };

static inline struct figure bench_summarise(double *per_call, int n)
{
    qsort(per_call, (size_t)n, sizeof *per_call, cmp_double);
    struct figure f = {per_call[n / 2], per_call[(int)(n * 0.999)]};
    return f;
}

static inline void bench_print(const char *name, struct figure f)
{
    printf("\"%s\": {\"median\": %.3f, \"p999\": %.3f}", name, f.median, f.p999);
}
#endif
