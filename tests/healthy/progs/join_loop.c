/* join_loop — two threads each spawn a short-lived thread and join it, over and over: a
 * joiner is always waiting for a thread that is about to exit. */
#define _GNU_SOURCE
#include "healthy.h"

static volatile unsigned long joined;

static void *short_lived(void *arg)
{
    return arg;
}

static void *spawner(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_t t;
        if (pthread_create(&t, 0, short_lived, 0) == 0 && pthread_join(t, 0) == 0)
            joined++;
    }
}

int main(void)
{
    start(spawner, 0, "spawner", 1);
    start(spawner, 0, "spawner", 2);
    ready_and_join();
}
