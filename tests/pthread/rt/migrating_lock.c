/* migrating_lock — runtime tasks that take a plain pthread mutex in one poll and release it in a
 * later poll, often on the other worker thread (an await in between: the runtime may resume the
 * task anywhere). Under `tw run` the lock is the task's (the adapter's task_locks.c), so every
 * release is recorded whichever thread makes it, and the task's list slot is given back: at the
 * end nobody holds mu, and no lock went unrecorded (100 tasks, 64 slots). Prints how many releases moved thread. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include "../../../examples/ready.h"
#include "twrt.h"

#define MOVERS 100  /* distinct tasks, more than the adapter's 64 task slots: each must give its back */
#define ROUNDS 3

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int moved, finished;

static void *mover(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        /* a blocking lock here would block a worker while the holder awaits: with both
         * workers so blocked nobody resumes the holder (the pitfall of lock-across-await) */
        while (pthread_mutex_trylock(&mu)) twrt_sleep_ms(1);
        pid_t took = gettid();
        twrt_sleep_ms(1);   /* held across an await: resumed on either worker */
        if (gettid() != took) atomic_fetch_add(&moved, 1);
        pthread_mutex_unlock(&mu);
        twrt_yield();
    }
    atomic_fetch_add(&finished, 1);
    return NULL;
}

int main(void)
{
    struct twrt_config cfg = { .workers = 2 };
    twrt_init(&cfg);
    for (int i = 0; i < MOVERS; i++) twrt_detach(twrt_spawn("mover", mover, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&finished) == MOVERS, 30000);
    pthread_mutex_lock(&mu);   /* and a plain thread's own lock, after all of them */
    pthread_mutex_unlock(&mu);
    printf("moved %d finished %d\n", atomic_load(&moved), atomic_load(&finished));
    example_ready_and_stay();
}
