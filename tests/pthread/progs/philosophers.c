#define _GNU_SOURCE
/* philosophers.c — five philosophers each take their left fork then their right one: all hold
 * one fork and wait for the next, a certain 5-thread deadlock over forks[0..4]. */
#include <pthread.h>
#include <stdint.h>
#include "ready.h"
#define N 5
pthread_mutex_t forks[N];
static pthread_barrier_t seated;
static void *philosopher(void *arg)
{
    int i = (int)(intptr_t)arg;
    pthread_mutex_lock(&forks[i]);
    pthread_barrier_wait(&seated);
    pthread_mutex_lock(&forks[(i + 1) % N]);
    return 0;
}
int main(void)
{
    pthread_t t[N];
    pthread_barrier_init(&seated, 0, N + 1);
    for (int i = 0; i < N; i++)
        pthread_mutex_init(&forks[i], 0);
    for (int i = 0; i < N; i++)
        t[i] = spawn_named(philosopher, (void *)(intptr_t)i, "philosopher", i);
    pthread_barrier_wait(&seated);
    usleep(200000);
    ready();
    for (int i = 0; i < N; i++)
        pthread_join(t[i], 0);
    return 0;
}
