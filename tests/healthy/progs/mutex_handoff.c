/* mutex_handoff — four threads hand two mutexes back and forth as fast as they can; two of
 * them nest `outer` then `inner`, always in that order, so owners wait on owners at every
 * instant yet no cycle can ever form. */
#define _GNU_SOURCE
#include "healthy.h"

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER, inner = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long handoffs;

static void *nester(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&outer);
        pthread_mutex_lock(&inner);
        handoffs++;
        pthread_mutex_unlock(&inner);
        pthread_mutex_unlock(&outer);
    }
}

static void *plain(void *arg)
{
    pthread_mutex_t *m = arg;
    for (;;) {
        pthread_mutex_lock(m);
        handoffs++;
        pthread_mutex_unlock(m);
    }
}

int main(void)
{
    start(nester, 0, "nester", 1);
    start(nester, 0, "nester", 2);
    start(plain, &inner, "inner", 1);
    start(plain, &outer, "outer", 1);
    ready_and_join();
}
