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
 * --bare-as NAME: also time libc's own pair (past the adapter), alternating batch by batch
 * with the interposed one, and print it as NAME: the adapter's added cost from one run.
 * --nested: the pair is taken while `outer_lock` is held, so that under the adapter every lock
 * also asks the lock-order table whether outer -> bench is known (its common case: it is).
 * --array N: each pair takes one of N mutexes (a power of two) of a heap array, in a
 * pseudo-random order, as a server's hashed locks are taken (memcached's item locks): the
 * adapter's path when neither the lock's object nor its record is in a near cache. */
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

/* the value after option a ("--bare-as NAME"), or NULL */
static const char *arg_value(int argc, char **argv, const char *a)
{
    for (int i = 2; i + 1 < argc; i++)
        if (!strcmp(argv[i], a))
            return argv[i + 1];
    return NULL;
}

static int adapter_recording(void)
{
    /* the shim's one exported global: present only when the adapter (and so the shim) is
     * loaded, non-null once it has recorded the first event */
    void *const volatile *region = dlsym(RTLD_DEFAULT, "tw_region");
    return region && *region;
}

/* libc's own lock and unlock, past any interposer: the bare pair inside an adapter run */
typedef int (*mutex_fn)(pthread_mutex_t *);
static int libc_pair(mutex_fn *lock, mutex_fn *unlock)
{
    void *libc = dlopen("libc.so.6", RTLD_NOLOAD | RTLD_LAZY);
    *lock = libc ? (mutex_fn)dlsym(libc, "pthread_mutex_lock") : NULL;
    *unlock = libc ? (mutex_fn)dlsym(libc, "pthread_mutex_unlock") : NULL;
    return *lock && *unlock;
}

static double batch_ns(mutex_fn lock, mutex_fn unlock)
{
    uint64_t t0 = bench_ns();
    for (int k = 0; k < BATCH; k++) {
        lock(&bench_lock);
        unlock(&bench_lock);
    }
    return (double)(bench_ns() - t0) / BATCH;
}

/* --array: the locks, and the same pseudo-random sequence for the interposed pair and libc's */
static pthread_mutex_t *array;
static uint32_t array_mask;

static double batch_array_ns(mutex_fn lock, mutex_fn unlock, uint32_t seed)
{
    uint64_t t0 = bench_ns();
    for (int k = 0; k < BATCH; k++) {
        seed = seed * 1664525u + 1013904223u;
        pthread_mutex_t *m = &array[(seed >> 8) & array_mask];
        lock(m);
        unlock(m);
    }
    return (double)(bench_ns() - t0) / BATCH;
}

static int array_setup(int argc, char **argv)
{
    const char *v = arg_value(argc, argv, "--array");
    if (!v)
        return 0;
    uint32_t n = (uint32_t)atoi(v);
    if (n < 2 || (n & (n - 1)) || !(array = calloc(n, sizeof *array)))
        return -1;
    array_mask = n - 1;
    return 1;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "pthread_lock_ns";
    int counted = argc > 3 && argv[2][0] != '-';
    int batches = counted ? atoi(argv[2]) : BATCHES;
    int warmup = counted ? atoi(argv[3]) : WARMUP;
    int want_adapter = has_arg(argc, argv, "--adapter");
    int nested = has_arg(argc, argv, "--nested");
    const char *bare_name = arg_value(argc, argv, "--bare-as");
    int arrayed = array_setup(argc, argv);
    if (arrayed < 0) {
        fprintf(stderr, "pthread_bench: --array takes a power of two of at least 2\n");
        return 1;
    }
    if (batches < 1000 || warmup < 0) {
        fprintf(stderr, "pthread_bench: at least 1000 batches, so that p99.9 is a measured batch\n");
        return 1;
    }
    mutex_fn bare_lock = NULL, bare_unlock = NULL;
    if (bare_name && !libc_pair(&bare_lock, &bare_unlock)) {
        fprintf(stderr, "pthread_bench: --bare-as, but libc's pthread_mutex_lock was not found\n");
        return 1;
    }
    double *per_pair = malloc(sizeof *per_pair * (size_t)batches);
    double *per_bare = malloc(sizeof *per_bare * (size_t)batches);
    if (!per_pair || !per_bare)
        return 1;
    bench_pin(0);
    if (nested)
        pthread_mutex_lock(&outer_lock);
    /* with --bare-as, the interposed pair and libc's own alternate batch by batch, so that a
     * busy sibling hyperthread (it moves this pair between 39 and 60 ns for minutes at a time)
     * slows both alike and their difference is what the adapter adds */
    for (int i = 0; i < warmup + batches; i++) {
        uint32_t seed = (uint32_t)i * 2654435761u;
        double d = arrayed ? batch_array_ns(pthread_mutex_lock, pthread_mutex_unlock, seed)
                           : batch_ns(pthread_mutex_lock, pthread_mutex_unlock);
        double b = !bare_lock ? 0
                   : arrayed  ? batch_array_ns(bare_lock, bare_unlock, seed)
                              : batch_ns(bare_lock, bare_unlock);
        if (i >= warmup) {
            per_pair[i - warmup] = d;
            per_bare[i - warmup] = b;
        }
    }
    if (nested)
        pthread_mutex_unlock(&outer_lock);
    if (want_adapter && !adapter_recording()) {
        fprintf(stderr, "pthread_bench: --adapter, but the pthread adapter recorded nothing\n");
        return 1;
    }
    bench_print(name, bench_summarise(per_pair, batches));
    printf("\n");
    if (bare_name) {
        bench_print(bare_name, bench_summarise(per_bare, batches));
        printf("\n");
    }
    free(per_pair);
    free(per_bare);
    return 0;
}
