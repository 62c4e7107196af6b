/* rw_upgrade.c — two readers of `table_lock` each try to upgrade to a write lock: each waits
 * for the other's read hold to go, a certain 2-thread deadlock on one rwlock. */
#include <pthread.h>
#include "ready.h"
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t both;
static void *upgrader(void *a)
{
    (void)a;
    pthread_rwlock_rdlock(&table_lock);
    pthread_barrier_wait(&both);
    pthread_rwlock_wrlock(&table_lock);
    return 0;
}
int main(void)
{
    pthread_barrier_init(&both, 0, 2);
    knot_of_two(upgrader, upgrader);
    return 0;
}
