/* runtime_bench — what instrumentation adds to the reference runtime, per poll.
 *
 *   runtime_bench yield      per-poll time of a task that yields in a loop (1 worker)
 *   runtime_bench pingpong   per-round-trip time of two tasks over two capacity-1 channels
 *   runtime_bench spawn      per spawn+join of an empty task
 *   runtime_bench mutex      per uncontended lock+unlock
 * Run once instrumented, once with TW_DISABLE=1, and (built from the runtime's sources with
 * -DTW_DISABLE_INSTRUMENTATION) once compiled out; bench/lines/runtime.sh takes the differences.
 * Prints one JSON member named after the mode and the variant given as argv[2]. With `yield`
 * instrumented it also prints events_per_poll, and pingpong, spawn and mutex events_per_<mode>
 * (per round trip, spawn+join, lock+unlock), counted from the region's rings. */
#define _GNU_SOURCE
#include <string.h>
#include "measure.h"
#include "twrt.h"

#define RB_BATCHES 20000
#define RB_WARMUP 1000
static double per[RB_BATCHES];
static const char *mode;

static uint64_t events_recorded(void)
{
#ifndef TW_DISABLE_INSTRUMENTATION
    struct tw_header *h = tw_region;
    if (!h)
        return 0;
    uint64_t n = 0;
    for (uint32_t i = 0; i < h->rings.count; i++)
        n += __atomic_load_n(&TW_RING_DESC(h, i)->head, __ATOMIC_ACQUIRE);
    return n;
#else
    return 0;
#endif
}

static double events_per_poll = -1, events_per_op = -1;
static uint64_t events_at_warmup;

/* Called by each timed loop: at the end of warmup, then at the end with the ops timed since. */
static void count_events(int at_end, double ops)
{
    uint64_t e = events_recorded();
    if (!at_end)
        events_at_warmup = e;
    else if (e > events_at_warmup)
        events_per_op = (double)(e - events_at_warmup) / ops;
}

static void *yielder(void *arg)
{
    (void)arg;
    uint64_t e0 = 0;
    for (int i = 0; i < RB_WARMUP + RB_BATCHES; i++) {
        if (i == RB_WARMUP)
            e0 = events_recorded();
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            twrt_yield();
        uint64_t t1 = bench_ns();
        if (i >= RB_WARMUP)
            per[i - RB_WARMUP] = (double)(t1 - t0) / BATCH;
    }
    uint64_t e1 = events_recorded();
    if (e1 > e0)
        events_per_poll = (double)(e1 - e0) / ((double)RB_BATCHES * BATCH);
    return NULL;
}

static twrt_sender *ping_tx, *pong_tx;
static twrt_receiver *ping_rx, *pong_rx;

static void *ponger(void *arg)
{
    (void)arg;
    void *m;
    while (twrt_recv(ping_rx, &m) == 0)
        if (twrt_send(pong_tx, m) != 0)
            break;
    return NULL;
}

static void *pinger(void *arg)
{
    (void)arg;
    void *m;
    for (int i = 0; i < RB_WARMUP + RB_BATCHES; i++) {
        if (i == RB_WARMUP)
            count_events(0, 0);
        uint64_t t0 = bench_ns();
        for (int k = 0; k < 16; k++) {
            twrt_send(ping_tx, (void *)1);
            twrt_recv(pong_rx, &m);
        }
        uint64_t t1 = bench_ns();
        if (i >= RB_WARMUP)
            per[i - RB_WARMUP] = (double)(t1 - t0) / 16;
    }
    count_events(1, (double)RB_BATCHES * 16);
    twrt_sender_drop(ping_tx);
    return NULL;
}

static void *empty(void *arg) { return arg; }

static void *spawner(void *arg)
{
    (void)arg;
    for (int i = 0; i < RB_WARMUP / 10 + RB_BATCHES / 10; i++) {
        if (i == RB_WARMUP / 10)
            count_events(0, 0);
        uint64_t t0 = bench_ns();
        for (int k = 0; k < 16; k++)
            twrt_join(twrt_spawn("empty", empty, NULL));
        uint64_t t1 = bench_ns();
        if (i >= RB_WARMUP / 10)
            per[i - RB_WARMUP / 10] = (double)(t1 - t0) / 16;
    }
    count_events(1, (double)RB_BATCHES / 10 * 16);
    return NULL;
}

static void *locker(void *arg)
{
    twrt_mutex *m = arg;
    for (int i = 0; i < RB_WARMUP + RB_BATCHES; i++) {
        if (i == RB_WARMUP)
            count_events(0, 0);
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++) {
            twrt_mutex_lock(m);
            twrt_mutex_unlock(m);
        }
        uint64_t t1 = bench_ns();
        if (i >= RB_WARMUP)
            per[i - RB_WARMUP] = (double)(t1 - t0) / BATCH;
    }
    count_events(1, (double)RB_BATCHES * BATCH);
    return NULL;
}

int main(int argc, char **argv)
{
    mode = argc > 1 ? argv[1] : "yield";
    const char *variant = argc > 2 ? argv[2] : "on";
    /* on the CPU of every other line (the floor's among them), before the worker starts so it
     * inherits the mask: unpinned, the worker landed on either vCPU of this host, and on the
     * slower one an instrumented round trip took 1.4x as long while the compiled-out one did not */
    bench_pin(0);
    struct twrt_config cfg = {.workers = 1, .stack_size = 0};
    twrt_init(&cfg);
    int n = RB_BATCHES;
    if (!strcmp(mode, "yield")) {
        twrt_join(twrt_spawn("yielder", yielder, NULL));
    } else if (!strcmp(mode, "pingpong")) {
        twrt_channel("ping", 1, &ping_tx, &ping_rx);
        twrt_channel("pong", 1, &pong_tx, &pong_rx);
        twrt_task *p = twrt_spawn("ponger", ponger, NULL);
        twrt_join(twrt_spawn("pinger", pinger, NULL));
        twrt_join(p);
    } else if (!strcmp(mode, "spawn")) {
        twrt_join(twrt_spawn("spawner", spawner, NULL));
        n = RB_BATCHES / 10;
    } else if (!strcmp(mode, "mutex")) {
        twrt_join(twrt_spawn("locker", locker, twrt_mutex_new("bench")));
    } else {
        fprintf(stderr, "usage: runtime_bench yield|pingpong|spawn|mutex [on|disabled|compiled_out]\n");
        return 1;
    }
    char name[64];
    snprintf(name, sizeof name, "rt_%s_%s_ns", mode, variant);
    bench_print(name, bench_summarise(per, n));
    if (events_per_poll >= 0 && !strcmp(variant, "on"))
        printf(",\n\"events_per_poll\": %.2f", events_per_poll);
    if (events_per_op >= 0 && !strcmp(variant, "on"))
        printf(",\n\"events_per_%s\": %.2f", mode, events_per_op);
    printf("\n");
    return 0;
}
