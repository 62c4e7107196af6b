/* lttng_bench — LTTng-UST recording the same event into an active session, measured with the
 * same harness as event_bench (its own floor alternating with it, so the ratio to TurboWish
 * can be taken against the same floor). bench/run.sh starts and stops the session. */
#define _GNU_SOURCE
#define TRACEPOINT_DEFINE
#define TRACEPOINT_CREATE_PROBES
#include "lttng_tp.h"
#include "measure.h"

static double lt_s[BATCHES];

int main(void)
{
    bench_pin(0);
    if (!lttng_ust_tracepoint_tw_bench___poll_begin.state)
        fprintf(stderr, "lttng_bench: warning: the tracepoint is not enabled (no session?)\n");
    for (int i = 0; i < WARMUP + BATCHES; i++) {
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            tracepoint(tw_bench, poll_begin, 7, (uint32_t)k, 3);
        uint64_t t1 = bench_ns();
        if (i >= WARMUP)
            lt_s[i - WARMUP] = (double)(t1 - t0) / BATCH;
    }
    bench_print("lttng_ns", bench_summarise(lt_s, BATCHES));
    printf("\n");
    return 0;
}
