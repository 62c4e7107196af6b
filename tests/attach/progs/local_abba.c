/* ABBA on two mutexes that are locals of main, passed to the threads by pointer: they can only
 * be named from main's frame ("main:mu1", "main:mu2"), never from a symbol. */
#include "common.h"
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
    pthread_mutex_t mu1, mu2;
    pthread_barrier_t both;
    pthread_mutex_init(&mu1, NULL);
    pthread_mutex_init(&mu2, NULL);
    pthread_barrier_init(&both, NULL, 2);
    struct pair one = {&mu1, &mu2, &both}, two = {&mu2, &mu1, &both};
    pthread_t x = spawn(take, &one, "abba-one"), y = spawn(take, &two, "abba-two");
    (void)y;
    ready();
    pthread_join(x, 0);
    return 0;
}
