#define _GNU_SOURCE
/* fresh_sites.c — 32 threads, released together 48 times, each time wait at a call site
 * nobody used before (a sem_timedwait that times out at once), then block for good at one
 * more. Each site is registered by whichever thread comes first while the others arrive
 * (issue 17: "a waiting consumer had no blocking site"): every wait must carry its site. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include "ready.h"
#define N 32
static pthread_barrier_t go;
static sem_t never;
static const struct timespec past = { 1, 0 };
/* one distinct call site per line */
#define FRESH pthread_barrier_wait(&go); sem_timedwait(&never, &past)
static void *consumer(void *arg)
{
    (void)arg;
    FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH;
    FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH;
    FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH;
    FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH;
    FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH;
    FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH; FRESH;
    pthread_barrier_wait(&go);
    sem_wait(&never);
    return 0;
}
int main(void)
{
    pthread_t t[N];
    sem_init(&never, 0, 0);
    pthread_barrier_init(&go, 0, N);
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], 0, consumer, (void *)(intptr_t)i);
    usleep(500000);
    ready();
    stay();
}
