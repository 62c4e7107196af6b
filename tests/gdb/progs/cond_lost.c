/* The signal comes before the wait, and the waiter does not check a predicate: it waits on
 * the condvar forever, with its mutex free. */
#include <pthread.h>
#include "ready.h"
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static void *waiter(void *a)
{
    (void)a;
    usleep(100000); /* the signal has been sent by now */
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    return 0;
}
int main(void)
{
    pthread_t w;
    pthread_create(&w, 0, waiter, 0);
    pthread_mutex_lock(&lock);
    pthread_cond_signal(&done);
    pthread_mutex_unlock(&lock);
    tw_test_ready();
    pthread_join(w, 0);
    return 0;
}
