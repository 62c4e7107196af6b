/* Dining philosophers with one semaphore per fork: each takes its left fork, then waits for
 * the right one forever. */
#include <pthread.h>
#include <semaphore.h>
#include "ready.h"
#define N 4
sem_t forks[N];
static pthread_barrier_t seated;
static void *philosopher(void *a)
{
    long i = (long)a;
    sem_wait(&forks[i]);
    pthread_barrier_wait(&seated);
    sem_wait(&forks[(i + 1) % N]);
    return 0;
}
int main(void)
{
    pthread_t t[N];
    pthread_barrier_init(&seated, 0, N);
    for (int i = 0; i < N; i++)
        sem_init(&forks[i], 0, 1);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], 0, philosopher, (void *)i);
    tw_test_ready();
    pthread_join(t[0], 0);
    return 0;
}
