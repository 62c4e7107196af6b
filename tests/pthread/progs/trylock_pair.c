/* trylock_pair.c — two orders that can never deadlock: `sweeper` holds `table` and only
 * TRIES `entry` (giving up when it is taken), `writer` holds `entry` and locks `table`. Run one
 * after the other, then idle. lockdep, TSan and helgrind's stacks all agree: no inversion. */
#include <pthread.h>
#include "ready.h"
pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER, entry = PTHREAD_MUTEX_INITIALIZER;
static void *sweeper(void *a)
{
    (void)a;
    pthread_mutex_lock(&table);
    if (pthread_mutex_trylock(&entry) == 0)
        pthread_mutex_unlock(&entry);
    pthread_mutex_unlock(&table);
    return 0;
}
static void *writer(void *a)
{
    (void)a;
    pthread_mutex_lock(&entry);
    pthread_mutex_lock(&table);
    pthread_mutex_unlock(&table);
    pthread_mutex_unlock(&entry);
    return 0;
}
int main(void)
{
    pthread_t x, y;
    pthread_create(&x, 0, sweeper, 0);
    pthread_join(x, 0);
    pthread_create(&y, 0, writer, 0);
    pthread_join(y, 0);
    ready();
    for (;;)
        sleep(1);
}
