/* signalled_waiter.c — a wake in flight that stays in flight: main signals the waiter while
 * holding the mutex, then keeps the mutex (sleeping) and then waits on a second condvar that
 * nobody signals. The waiter was woken from its futex but cannot leave pthread_cond_wait
 * before it gets the mutex back, so it still looks waiting on `go` — with a wake on its way,
 * which the region must show (a signalled waiter is not blocked). */
#include <pthread.h>
#include "ready.h"
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int waiting;
static void *waiter(void *a)
{
    (void)a;
    pthread_mutex_lock(&mu);
    waiting = 1;
    pthread_cond_wait(&go, &mu);
    pthread_mutex_unlock(&mu);
    return 0;
}
int main(void)
{
    pthread_t w;
    pthread_create(&w, 0, waiter, 0);
    for (;;) {
        pthread_mutex_lock(&mu);
        if (waiting) break;
        pthread_mutex_unlock(&mu);
        usleep(1000);
    }
    pthread_cond_signal(&go); /* the waiter is in the futex: it is woken, then needs mu */
    usleep(300000);           /* let it wake and block on mu inside pthread_cond_wait */
    ready();
    for (;;) sleep(1);        /* holds mu for ever */
}
