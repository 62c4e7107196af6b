/* Three threads, three mutexes, each holds one and wants the next: a 3-thread cycle. */
#define _GNU_SOURCE
#include <pthread.h>
#include "ready.h"
pthread_mutex_t locks[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static pthread_barrier_t all;
static void *worker(void *a)
{
    long i = (long)a;
    pthread_mutex_lock(&locks[i]);
    pthread_barrier_wait(&all);
    pthread_mutex_lock(&locks[(i + 1) % 3]);
    return 0;
}
int main(void)
{
    pthread_t t[3];
    char name[16];
    pthread_barrier_init(&all, 0, 3);
    for (long i = 0; i < 3; i++) {
        pthread_create(&t[i], 0, worker, (void *)i);
        snprintf(name, sizeof name, "worker-%ld", i);
        pthread_setname_np(t[i], name);
    }
    tw_test_ready();
    pthread_join(t[0], 0);
    return 0;
}
