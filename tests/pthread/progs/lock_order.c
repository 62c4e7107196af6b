/* lock_order.c [try] — an inversion that did not hang: `accounts` then `audit` in one thread,
 * later `audit` then `accounts` in another (never at the same time). With "try" the first
 * thread only TRIES `audit` (giving up when it is taken): two orders that can never deadlock
 * (lockdep, TSan and helgrind's stacks agree). Then it idles healthily (main sleeps, nothing
 * blocks on an untimed wait). */
#include <pthread.h>
#include <string.h>
#include "ready.h"
pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER, audit = PTHREAD_MUTEX_INITIALIZER;
static int try_;
static void *transfer(void *a)
{
    (void)a;
    pthread_mutex_lock(&accounts);
    if ((try_ ? pthread_mutex_trylock(&audit) : pthread_mutex_lock(&audit)) == 0)
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
int main(int argc, char **argv)
{
    try_ = argc > 1 && !strcmp(argv[1], "try");
    run_alone(transfer, 0);
    run_alone(report, 0);
    ready();
    idle();
}
