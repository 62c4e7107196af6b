/* ABBA on a mutex that is a member of a struct local to main and on a plain local: named
 * "main:acct.lock" and "main:mu" from main's frame. */
#include "common.h"
struct account { long balance; pthread_mutex_t lock; };
struct pair { pthread_mutex_t *a, *b; pthread_barrier_t *both; };
static void *take(void *arg)
{
    struct pair *p = arg;
    pthread_mutex_lock(p->a);
    pthread_barrier_wait(p->both);
    pthread_mutex_lock(p->b);
    return 0;
}
int main(void)
{
    struct account acct = {100, PTHREAD_MUTEX_INITIALIZER};
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_barrier_t both;
    pthread_barrier_init(&both, NULL, 2);
    struct pair one = {&acct.lock, &mu, &both}, two = {&mu, &acct.lock, &both};
    pthread_t x = spawn(take, &one, "member-one"), y = spawn(take, &two, "member-two");
    (void)y;
    ready();
    pthread_join(x, 0);
    return acct.balance > 0 ? 0 : 1;
}
