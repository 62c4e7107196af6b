/* Two threads take two mutexes in opposite orders: a certain 2-thread mutex cycle. */
#define _GNU_SOURCE
#include <pthread.h>
#include "ready.h"
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;
static void *one(void *a) { (void)a; pthread_mutex_lock(&first); pthread_barrier_wait(&both); pthread_mutex_lock(&second); return 0; }
static void *two(void *a) { (void)a; pthread_mutex_lock(&second); pthread_barrier_wait(&both); pthread_mutex_lock(&first); return 0; }
int main(void)
{
    pthread_t x, y;
    pthread_barrier_init(&both, 0, 2);
    pthread_create(&x, 0, one, 0);
    pthread_create(&y, 0, two, 0);
    pthread_setname_np(x, "one");
    pthread_setname_np(y, "two");
    tw_test_ready();
    pthread_join(x, 0);
    return 0;
}
