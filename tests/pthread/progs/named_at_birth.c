#define _GNU_SOURCE
/* named_at_birth.c — 400 threads, each named by its creator the moment pthread_create returns,
 * while the new thread is starting: the name must win over the start routine's symbol however
 * the creator and the starting thread interleave. All then wait on one condvar, forever. */
#include <pthread.h>
#include <stdint.h>
#include "ready.h"
#define N 400
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int started;
static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    started++;
    for (;;)
        pthread_cond_wait(&never, &lock);
    return 0;
}
int main(void)
{
    for (int i = 0; i < N; i++) {
        pthread_t t;
        char name[16];
        pthread_create(&t, 0, worker, 0);
        snprintf(name, sizeof name, "born-%d", i);
        pthread_setname_np(t, name);
    }
    for (;;) {
        pthread_mutex_lock(&lock);
        int n = started;
        pthread_mutex_unlock(&lock);
        if (n == N) break;
        usleep(10000);
    }
    ready();
    stay();
}
