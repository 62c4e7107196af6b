/* sem_pingpong — two threads hand a turn back and forth through two semaphores (each posts
 * the other's and waits on its own), so one of them is always in sem_wait. */
#define _GNU_SOURCE
#include <semaphore.h>
#include "healthy.h"

static sem_t ping, pong;
static volatile unsigned long rounds;

static void *pinger(void *arg)
{
    (void)arg;
    for (;;) {
        sem_wait(&ping);
        rounds++;
        sem_post(&pong);
    }
}

static void *ponger(void *arg)
{
    (void)arg;
    for (;;) {
        sem_wait(&pong);
        sem_post(&ping);
    }
}

int main(void)
{
    sem_init(&ping, 0, 1);
    sem_init(&pong, 0, 0);
    start(pinger, 0, "pinger", 1);
    start(ponger, 0, "ponger", 1);
    ready_and_join();
}
