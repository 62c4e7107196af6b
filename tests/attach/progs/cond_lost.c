/* A lost wakeup: the signal is sent before anyone waits, and the waiter has no predicate. */
#include "common.h"
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static void *waiter(void *a)
{
    (void)a;
    usleep(100000); /* the signal below has long been sent */
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    return 0;
}
int main(void)
{
    pthread_t w = spawn(waiter, 0, "waiter");
    pthread_mutex_lock(&lock);
    pthread_cond_signal(&done);
    pthread_mutex_unlock(&lock);
    ready();
    pthread_join(w, 0);
    return 0;
}
