#define _GNU_SOURCE
/* sem_forks.c — four diners use semaphores as forks: each takes forks[i], then waits for
 * forks[i+1 mod 4], which diner i+1 took. A hang that only the takers make readable: forks[1]
 * is held by diner-1, who waits for forks[2], held by diner-2, … Before that, main takes and
 * posts semaphores of its own to show what a post gives back. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include "ready.h"
#define N 4
sem_t forks[N];
sem_t spare, gate, extra; /* main's own: takes and gives back */
static pthread_barrier_t seated;
static void *diner(void *arg)
{
    int i = (int)(intptr_t)arg;
    sem_wait(&forks[i]);
    pthread_barrier_wait(&seated);
    sem_wait(&forks[(i + 1) % N]);
    return 0;
}
int main(void)
{
    pthread_t t[N];
    /* main: two units of spare taken, one posted back (it keeps one); gate taken and posted
     * back (it keeps none); extra posted without being taken (a plain post) */
    sem_init(&spare, 0, 2);
    sem_init(&gate, 0, 1);
    sem_init(&extra, 0, 0);
    sem_wait(&spare);
    sem_trywait(&spare);
    sem_post(&spare);
    sem_wait(&gate);
    sem_post(&gate);
    sem_post(&extra);
    pthread_barrier_init(&seated, 0, N + 1);
    for (int i = 0; i < N; i++)
        sem_init(&forks[i], 0, 1);
    for (int i = 0; i < N; i++)
        t[i] = spawn_named(diner, (void *)(intptr_t)i, "diner", i);
    pthread_barrier_wait(&seated);
    usleep(200000);
    ready();
    for (int i = 0; i < N; i++)
        pthread_join(t[i], 0);
    return 0;
}
