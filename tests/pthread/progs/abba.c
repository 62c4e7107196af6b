/* abba.c — two threads take two global mutexes in opposite orders and hang: a certain
 * 2-thread deadlock naming "first" and "second". main waits in join behind the knot. */
#include <pthread.h>
#include "ready.h"
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;
static void *one(void *a) { (void)a; pthread_mutex_lock(&first); pthread_barrier_wait(&both); pthread_mutex_lock(&second); return 0; }
static void *two(void *a) { (void)a; pthread_mutex_lock(&second); pthread_barrier_wait(&both); pthread_mutex_lock(&first); return 0; }
int main(void)
{
    pthread_barrier_init(&both, 0, 2);
    knot_of_two(one, two);
    return 0;
}
