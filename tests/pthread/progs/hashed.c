/* hashed.c try|lock [N] — memcached's shape: `lru` is a global lock, `item_locks` a hashed
 * array of N (default 64) element locks. The maintainer takes `lru`, then each element with
 * pthread_mutex_trylock ("try") or pthread_mutex_lock ("lock"); a worker takes each element,
 * then `lru`. One after the other, then idle. With "try" no order can deadlock (memcached's
 * rule, thread.c: "LRU's accessing items must item_trylock()"); with "lock" every element
 * makes one inversion with `lru`: one finding with a count of N instance cycles. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "ready.h"
#define MAX 4096
pthread_mutex_t lru = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t item_locks[MAX];
static int n = 64, try_;
static void *maintainer(void *a)
{
    (void)a;
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&lru);
        if ((try_ ? pthread_mutex_trylock(&item_locks[i]) : pthread_mutex_lock(&item_locks[i])) == 0)
            pthread_mutex_unlock(&item_locks[i]);
        pthread_mutex_unlock(&lru);
    }
    return 0;
}
static void *worker(void *a)
{
    (void)a;
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&item_locks[i]);
        pthread_mutex_lock(&lru);
        pthread_mutex_unlock(&lru);
        pthread_mutex_unlock(&item_locks[i]);
    }
    return 0;
}
int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "try") && strcmp(argv[1], "lock"))) return 2;
    try_ = !strcmp(argv[1], "try");
    if (argc > 2) n = atoi(argv[2]);
    if (n < 1 || n > MAX) return 2;
    for (int i = 0; i < n; i++) pthread_mutex_init(&item_locks[i], 0);
    run_alone(maintainer, 0);
    run_alone(worker, 0);
    ready();
    idle();
}
