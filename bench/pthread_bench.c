/* pthread_bench — one uncontended pthread_mutex_lock + pthread_mutex_unlock pair, in a plain
 * pthread program that knows nothing of TurboWish. bench/lines/pthread.sh runs this same
 * binary three ways in one `make bench` — as is, under the pthread adapter (`tw run`), and
 * under valgrind's helgrind — so the three figures differ only by what interposes the calls.
 *
 *   pthread_bench NAME [BATCHES WARMUP] [--adapter] [--nested]
 * prints `"NAME": {"median": …, "p999": …}` in ns per pair (measure.h's batches and
 * percentiles). Helgrind makes each pair several hundred times slower, so its line passes
 * fewer batches.
 * --adapter: refuse to print a figure unless the adapter really interposed the calls (a
 * failed preload would otherwise pass off the plain figure as the adapter's).
 * --nested: the pair is taken while `outer_lock` is held, so that under the adapter every lock
 * also asks the lock-order table whether outer -> bench is known (its common case: it is). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include "measure.h"

/* a global, as in the programs the adapter is for: it is named after its symbol */
static pthread_mutex_t bench_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;

static int has_arg(int argc, char **argv, const char *a)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], a))
            return 1;
    return 0;
}

static int adapter_recording(void)
{
    /* the shim's one exported global: present only when the adapter (and so the shim) is
     * loaded, non-null once it has recorded the first event */
    void *const volatile *region = dlsym(RTLD_DEFAULT, "tw_region");
    return region && *region;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "pthread_lock_ns";
    int counted = argc > 3 && argv[2][0] != '-';
    int batches = counted ? atoi(argv[2]) : BATCHES;
    int warmup = counted ? atoi(argv[3]) : WARMUP;
    int want_adapter = has_arg(argc, argv, "--adapter");
    int nested = has_arg(argc, argv, "--nested");
    if (batches < 1000 || warmup < 0) {
        fprintf(stderr, "pthread_bench: at least 1000 batches, so that p99.9 is a measured batch\n");
        return 1;
    }
    double *per_pair = malloc(sizeof *per_pair * (size_t)batches);
    if (!per_pair)
        return 1;
    bench_pin(0);
    if (nested)
        pthread_mutex_lock(&outer_lock);
    for (int i = 0; i < warmup + batches; i++) {
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++) {
            pthread_mutex_lock(&bench_lock);
            pthread_mutex_unlock(&bench_lock);
        }
        uint64_t t1 = bench_ns();
        if (i >= warmup)
            per_pair[i - warmup] = (double)(t1 - t0) / BATCH;
    }
    if (nested)
        pthread_mutex_unlock(&outer_lock);
    if (want_adapter && !adapter_recording()) {
        fprintf(stderr, "pthread_bench: --adapter, but the pthread adapter recorded nothing\n");
        return 1;
    }
    bench_print(name, bench_summarise(per_pair, batches));
    printf("\n");
    free(per_pair);
    return 0;
}
