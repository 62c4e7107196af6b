/* lock_order.c — an inversion that did not hang: `accounts` then `audit` in one thread,
 * later `audit` then `accounts` in another (never at the same time). Then it idles healthily
 * (main sleeps, nothing blocks on an untimed wait). */
#include <pthread.h>
#include "ready.h"
pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER, audit = PTHREAD_MUTEX_INITIALIZER;
static void *transfer(void *a)
{
    (void)a;
    pthread_mutex_lock(&accounts);
    pthread_mutex_lock(&audit);
    pthread_mutex_unlock(&audit);
    pthread_mutex_unlock(&accounts);
    return 0;
}
static void *report(void *a)
{
    (void)a;
    pthread_mutex_lock(&audit);
    pthread_mutex_lock(&accounts);
    pthread_mutex_unlock(&accounts);
    pthread_mutex_unlock(&audit);
    return 0;
}
int main(void)
{
    pthread_t x, y;
    pthread_create(&x, 0, transfer, 0);
    pthread_join(x, 0);
    pthread_create(&y, 0, report, 0);
    pthread_join(y, 0);
    ready();
    for (;;)
        sleep(1);
}
