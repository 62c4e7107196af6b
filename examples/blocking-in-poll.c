/* blocking-in-poll — a task that blocks its worker thread inside a poll: it takes a plain
 * pthread mutex (cfg_lock) that a plain thread, the config reloader, holds while it works. The
 * task shows as "polling" to the runtime; the worker thread is asleep in the kernel, and so is
 * every task queued behind it. Beside it a healthy ticker keeps polling. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include "ready.h"
#include "twrt.h"

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int reloading, reads_started;

static void *reloader(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cfg_lock);
    atomic_store(&reloading, 1);
    for (;;) pause();   /* the reload that never ends, holding cfg_lock */
    return NULL;
}

static void *config_reader(void *arg)
{
    (void)arg;
    for (;;) {
        atomic_fetch_add(&reads_started, 1);
        pthread_mutex_lock(&cfg_lock);   /* the bug: a blocking lock inside a poll */
        pthread_mutex_unlock(&cfg_lock);
        twrt_sleep_ms(10);
    }
    return NULL;
}

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) twrt_sleep_ms(20);
    return NULL;
}

int main(void)
{
    pthread_t r;
    pthread_create(&r, NULL, reloader, NULL);
    pthread_setname_np(r, "cfg-reloader");
    EXAMPLE_WAIT_FOR(atomic_load(&reloading), 2000);
    twrt_detach(twrt_spawn("ticker", ticker, NULL));
    twrt_detach(twrt_spawn("config-reader", config_reader, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&reads_started) > 0, 2000);
    usleep(300 * 1000);   /* blocked in its poll for longer than blocking_in_poll's 100 ms */
    example_ready_and_stay();
}
