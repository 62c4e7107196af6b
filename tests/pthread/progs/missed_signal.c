/* missed_signal.c — the classic lost wakeup: main signals before the waiter waits (no
 * predicate loop), then joins it. The waiter waits forever on `done_cv`; nobody else can run. */
#include <pthread.h>
#include "ready.h"
pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static void *waiter(void *a)
{
    (void)a;
    usleep(100000); /* the signal comes and goes meanwhile */
    pthread_mutex_lock(&done_mu);
    pthread_cond_wait(&done_cv, &done_mu);
    pthread_mutex_unlock(&done_mu);
    return 0;
}
static void *announce(void *a) { (void)a; usleep(400000); ready(); return 0; }
int main(void)
{
    pthread_t w, z;
    pthread_create(&w, 0, waiter, 0);
    pthread_mutex_lock(&done_mu);
    pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&done_mu);
    pthread_create(&z, 0, announce, 0);
    pthread_join(w, 0);
    return 0;
}
