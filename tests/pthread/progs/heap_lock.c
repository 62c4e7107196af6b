/* heap_lock.c — a lock that lives in malloc'd memory, as a server's per-connection or
 * allocator locks do (redis's jemalloc mutexes): no symbol and no stack frame can name it, so
 * under `tw run` it is named by its address. `holder-0` holds it in a timed sleep, `waiter-0`
 * waits for it, main joins them: every thread asleep in a call the adapter wraps, all named.
 * A look at it needs nothing from the threads themselves (tests/console/t_reader_stops.sh).
 * `heap_lock pause` adds `pauser-0`, asleep in pause(), which the adapter does not wrap: only
 * the threads' facts show it waiting in the kernel rather than polling, which changes what
 * `tw tasks` shows and no verdict or alert. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "ready.h"

static pthread_mutex_t *lock;
static volatile int held;

static void *holder(void *a) { (void)a; pthread_mutex_lock(lock); held = 1; for (;;) sleep(1); return 0; }
static void *waiter(void *a) { (void)a; pthread_mutex_lock(lock); return 0; }
static void *pauser(void *a) { (void)a; for (;;) pause(); return 0; }

int main(int argc, char **argv)
{
    lock = malloc(sizeof *lock);
    if (!lock) return 1;
    pthread_mutex_init(lock, NULL);
    pthread_t h = spawn_named(holder, 0, "holder", 0);
    while (!held) usleep(1000);
    pthread_t w = spawn_named(waiter, 0, "waiter", 0);
    if (argc > 1 && !strcmp(argv[1], "pause")) spawn_named(pauser, 0, "pauser", 0);
    usleep(50000);   /* the waiter blocks in pthread_mutex_lock, the pauser in pause */
    ready();
    pthread_join(w, 0);
    pthread_join(h, 0);
    return 0;
}
