/* ABBA: two threads take two mutexes in opposite orders. */
#include "common.h"
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;
pthread_barrier_t both;
static void *one(void *a) { (void)a; pthread_mutex_lock(&first); pthread_barrier_wait(&both); pthread_mutex_lock(&second); return 0; }
static void *two(void *a) { (void)a; pthread_mutex_lock(&second); pthread_barrier_wait(&both); pthread_mutex_lock(&first); return 0; }
int main(void)
{
    pthread_barrier_init(&both, NULL, 2);
    pthread_t x = spawn(one, 0, "abba-one"), y = spawn(two, 0, "abba-two");
    (void)y;
    ready();
    pthread_join(x, 0);
    return 0;
}
