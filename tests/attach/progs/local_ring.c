/* A ring of three threads over an array of mutexes that is a local of main: thread i holds
 * mutex_resource[i] and waits for mutex_resource[(i + 1) % 3]. Named "main:mutex_resource[I]"
 * from main's frame. The struct member case rides along: the barrier they meet at is a member
 * of a local struct (never waited on in the hang, but resolved the same way). */
#include "common.h"
#define N 3
struct ring { pthread_mutex_t *mutex_resource; pthread_barrier_t *all; int i; };
static void *philosopher(void *arg)
{
    struct ring *r = arg;
    pthread_mutex_lock(&r->mutex_resource[r->i]);
    pthread_barrier_wait(r->all);
    pthread_mutex_lock(&r->mutex_resource[(r->i + 1) % N]);
    return 0;
}
int main(void)
{
    pthread_mutex_t mutex_resource[N];
    pthread_barrier_t all;
    struct ring seats[N];
    pthread_barrier_init(&all, NULL, N);
    for (int i = 0; i < N; i++) {
        pthread_mutex_init(&mutex_resource[i], NULL);
        seats[i] = (struct ring){mutex_resource, &all, i};
    }
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        t[i] = spawn(philosopher, &seats[i], "ring");
    ready();
    pthread_join(t[0], 0);
    return 0;
}
