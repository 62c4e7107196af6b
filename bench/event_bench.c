/* event_bench — the cost of recording one event, against the physical floor.
 *
 *   event_bench event       floor_ns and event_ns (tw_poll_begin), alternating, 1 thread, and
 *                           event_floor_window_ratio: their ratio per window of 1,000 batches
 *   event_bench event2t     event_ns_2t: the same call on 2 threads pinned to 2 CPUs at once
 *   event_bench disabled    disabled_ns: run with TW_DISABLE=1 (an inline load and branch)
 *   event_bench block       block_event_ns: a blocking event (tw_acquire_request), TW_BACKTRACE off
 *   event_bench backtrace   backtrace_fp_ns: the same event under TW_BACKTRACE=fp (it records the
 *                           caller's stack: an 8-frame walk and a hit in the stack table)
 * Built a second time with -DTW_DISABLE_INSTRUMENTATION as event_bench_off: compiled_out_ns.
 * Prints JSON members, one per line, for bench/run.sh to assemble. */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include "measure.h"
#include "turbowish.h"

/* The floor: what any recorder must at least do per event — read the TSC and store 32 bytes
 * into a per-thread ring, like the shim, with nothing else. */
struct floor_event { uint64_t ts, a, b, c; };
static __thread struct floor_event floor_ring[8192] __attribute__((aligned(64)));
static __thread uint64_t floor_head;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static __attribute__((noinline)) void floor_append(uint64_t a, uint64_t b, uint64_t c)
{
    struct floor_event *e = &floor_ring[floor_head & 8191];
    e->ts = rdtsc();
    e->a = a;
    e->b = b;
    e->c = c;
    __atomic_store_n(&floor_head, floor_head + 1, __ATOMIC_RELEASE);
}

static double floor_s[BATCHES], event_s[BATCHES];

static void run_pair(tw_task_t t, int record_floor)
{
    for (int i = 0; i < WARMUP + BATCHES; i++) {
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            floor_append((uint64_t)k, 3, 7);
        uint64_t t1 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            tw_poll_begin(t);
        uint64_t t2 = bench_ns();
        if (i >= WARMUP) {
            if (record_floor)
                floor_s[i - WARMUP] = (double)(t1 - t0) / BATCH;
            event_s[i - WARMUP] = (double)(t2 - t1) / BATCH;
        }
    }
}

/* The same batches cut into windows of 1,000 in time order, one event/floor ratio per window.
 * On a shared VM the ratio moves between two levels within one process, as the host's load
 * comes and goes (docs/performance.md): quiet windows show what the code costs, busy ones how
 * much of the event's work rdtsc no longer hides. Computed before the arrays are sorted. */
#define WINDOW 1000
static void print_windows(void)
{
    static double ratio[BATCHES / WINDOW];
    int n = BATCHES / WINDOW;
    for (int w = 0; w < n; w++) {
        double f[WINDOW], e[WINDOW];
        memcpy(f, floor_s + w * WINDOW, sizeof f);
        memcpy(e, event_s + w * WINDOW, sizeof e);
        ratio[w] = bench_summarise(e, WINDOW).median / bench_summarise(f, WINDOW).median;
    }
    qsort(ratio, (size_t)n, sizeof *ratio, cmp_double);
    printf("\"event_floor_window_ratio\": {\"median\": %.3f, \"p999\": %.3f, \"min\": %.3f}", ratio[n / 2], ratio[n - 1], ratio[0]);
}

static double event2_s[2][BATCHES];
static pthread_barrier_t start2;

static void *second_thread(void *arg)
{
    int idx = (int)(intptr_t)arg;
    bench_pin(idx);
    tw_task_t t = tw_task_spawn(idx ? "bench-b" : "bench-a", 0, 0);
    pthread_barrier_wait(&start2);
    for (int i = 0; i < WARMUP + BATCHES; i++) {
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            tw_poll_begin(t);
        uint64_t t1 = bench_ns();
        if (i >= WARMUP)
            event2_s[idx][i - WARMUP] = (double)(t1 - t0) / BATCH;
    }
    return NULL;
}

#ifndef TW_DISABLE_INSTRUMENTATION /* event_bench_off has no shim, hence no region to check */
/* A blocking event made from BLOCK_DEPTH calls down, so the fp walk has its full 8 frames to
 * take, every time from the same place (a steady state: the stack is interned once, then
 * found). */
#define BLOCK_DEPTH 10
static double block_s[BATCHES];

static __attribute__((noinline)) void block_batches(tw_task_t t, tw_res_t r, int depth)
{
    if (depth > 0) {
        block_batches(t, r, depth - 1);
        __asm__ volatile("" ::: "memory"); /* a real frame each level: no tail call */
        return;
    }
    for (int i = 0; i < WARMUP + BATCHES; i++) {
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            tw_acquire_request(t, r, 1, 0);
        uint64_t t1 = bench_ns();
        if (i >= WARMUP)
            block_s[i - WARMUP] = (double)(t1 - t0) / BATCH;
    }
}

static int run_block(const char *figure, uint32_t want_mode)
{
    tw_task_t t = tw_task_spawn("bench", 0, 0);
    tw_res_t r = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "bench-lock", 0, 0);
    if (!tw_region || tw_region->backtrace != want_mode) {
        fprintf(stderr, "event_bench: %s needs TW_BACKTRACE=%s (header says mode %u)\n", figure,
                want_mode == TW_BT_FP ? "fp" : "off", tw_region ? tw_region->backtrace : 0);
        return 1;
    }
    block_batches(t, r, BLOCK_DEPTH);
    bench_print(figure, bench_summarise(block_s, BATCHES));
    printf("\n");
    return 0;
}
#else
static int run_block(const char *figure, uint32_t want_mode)
{
    (void)want_mode;
    fprintf(stderr, "event_bench: %s needs the shim (this build compiled it out)\n", figure);
    return 1;
}
#endif

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "event";
    bench_pin(0);
    if (!strcmp(mode, "event")) {
        tw_task_t t = tw_task_spawn("bench", TW_SITE("bench"), 0);
        run_pair(t, 1);
        print_windows();
        printf(",\n");
        bench_print("floor_ns", bench_summarise(floor_s, BATCHES));
        printf(",\n");
        bench_print("event_ns", bench_summarise(event_s, BATCHES));
        /* 2 threads in this same process: on this VM an event's cost can differ from one
         * process to the next (docs/performance.md), so a ratio compares within one */
        printf(",\n");
        mode = "event2t";
    }
    if (!strcmp(mode, "event2t")) {
        pthread_t a, b;
        pthread_barrier_init(&start2, NULL, 2);
        pthread_create(&a, NULL, second_thread, (void *)0);
        pthread_create(&b, NULL, second_thread, (void *)1);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        /* both threads' batches together: the cost per event while the other core records too */
        static double both[2 * BATCHES];
        memcpy(both, event2_s[0], sizeof event2_s[0]);
        memcpy(both + BATCHES, event2_s[1], sizeof event2_s[1]);
        bench_print("event_ns_2t", bench_summarise(both, 2 * BATCHES));
        printf("\n");
    } else if (!strcmp(mode, "disabled") || !strcmp(mode, "compiled_out")) {
        tw_task_t t = tw_task_spawn("bench", 0, 0);
        run_pair(t, 0);
        bench_print(!strcmp(mode, "disabled") ? "disabled_ns" : "compiled_out_ns", bench_summarise(event_s, BATCHES));
        printf("\n");
    } else if (!strcmp(mode, "block") || !strcmp(mode, "backtrace")) {
        return !strcmp(mode, "block") ? run_block("block_event_ns", TW_BT_OFF) : run_block("backtrace_fp_ns", TW_BT_FP);
    } else {
        fprintf(stderr, "usage: event_bench event|event2t|disabled|compiled_out|block|backtrace\n");
        return 1;
    }
    return 0;
}
