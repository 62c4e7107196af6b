/* wait_bench — one blocking-class call that does not block: poll(2) with a timeout on an fd that
 * is readable, so the pthread adapter records a wait and the kernel returns at once. Made
 * directly by the program (`direct`) or through a library (`via`: libtwbenchvia.so makes it, as
 * libevent or libuv would), where the adapter must find the program's frame behind the library
 * (cached per thread: same return address, same stack, same outer return address).
 * bench/lines/pthread.sh runs it bare and under `tw run`.
 *
 *   wait_bench NAME direct|via [--adapter]
 * prints `"NAME": {"median": …, "p999": …}` in ns per call. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include "measure.h"

int wait_via(struct pollfd *p);

#define WAIT_BATCHES 4000
#define WAIT_WARMUP 400

int main(int argc, char **argv)
{
    if (argc < 3)
        return 1;
    int via = !strcmp(argv[2], "via");
    int fds[2];
    if (pipe(fds) || write(fds[1], "x", 1) != 1)
        return 1;
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    double *per_call = malloc(sizeof *per_call * WAIT_BATCHES);
    if (!per_call)
        return 1;
    bench_pin(0);
    for (int i = 0; i < WAIT_WARMUP + WAIT_BATCHES; i++) {
        uint64_t t0 = bench_ns();
        for (int k = 0; k < BATCH; k++)
            if ((via ? wait_via(&p) : poll(&p, 1, 1000)) != 1)
                return 1;
        uint64_t t1 = bench_ns();
        if (i >= WAIT_WARMUP)
            per_call[i - WAIT_WARMUP] = (double)(t1 - t0) / BATCH;
    }
    void *const volatile *region = dlsym(RTLD_DEFAULT, "tw_region");
    if (!strcmp(argv[argc - 1], "--adapter") && !(region && *region)) {
        fprintf(stderr, "wait_bench: --adapter, but the pthread adapter recorded nothing\n");
        return 1;
    }
    bench_print(argv[1], bench_summarise(per_call, WAIT_BATCHES));
    printf("\n");
    return 0;
}
