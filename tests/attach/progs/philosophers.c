/* Dining philosophers on semaphores: everyone takes the left fork, then the right. */
#include <semaphore.h>
#include "common.h"
#define N 5
sem_t forks[N];
pthread_barrier_t seated;
static void *philosopher(void *arg)
{
    long i = (long)arg;
    sem_wait(&forks[i]);
    pthread_barrier_wait(&seated);
    sem_wait(&forks[(i + 1) % N]);
    return 0;
}
int main(void)
{
    pthread_barrier_init(&seated, NULL, N);
    for (int i = 0; i < N; i++)
        sem_init(&forks[i], 0, 1);
    pthread_t t[N];
    char name[16];
    for (long i = 0; i < N; i++) {
        snprintf(name, sizeof name, "phil-%ld", i);
        t[i] = spawn(philosopher, (void *)i, name);
    }
    ready();
    pthread_join(t[0], 0);
    return 0;
}
