/* heap_lock.c — a lock that lives in malloc'd memory, as a server's per-connection or
 * allocator locks do (redis's jemalloc mutexes): no symbol and no stack frame can name it, so
 * under `tw run` it is named by its address. `holder-0` holds it in a timed sleep, `waiter-0`
 * waits for it, main joins them: every thread asleep in a call the adapter wraps, all named.
 * A look at it needs nothing from the threads themselves (tests/console/t_reader_stops.sh). */
#define _GNU_SOURCE
#include <stdlib.h>
#include "ready.h"

static pthread_mutex_t *lock;
static volatile int held;

static void *holder(void *a) { (void)a; pthread_mutex_lock(lock); held = 1; for (;;) sleep(1); return 0; }
static void *waiter(void *a) { (void)a; pthread_mutex_lock(lock); return 0; }

int main(void)
{
    lock = malloc(sizeof *lock);
    if (!lock) return 1;
    pthread_mutex_init(lock, NULL);
    pthread_t h = spawn_named(holder, 0, "holder", 0);
    while (!held) usleep(1000);
    pthread_t w = spawn_named(waiter, 0, "waiter", 0);
    usleep(50000);   /* the waiter blocks in pthread_mutex_lock */
    ready();
    pthread_join(w, 0);
    pthread_join(h, 0);
    return 0;
}
