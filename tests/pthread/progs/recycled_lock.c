/* recycled_lock.c — a mutex destroyed and made again at the same address, after another thread
 * has used it (the adapter's per-thread cache then knows the old one). main takes the new
 * mutex and joins the worker, which waits for it: a certain deadlock on the NEW resource,
 * found only if the worker's wait is not recorded against the destroyed one. */
#include <pthread.h>
#include "ready.h"
static pthread_mutex_t cfg = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t used, remade;
static void *worker(void *a)
{
    (void)a;
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&cfg);
        pthread_mutex_unlock(&cfg);
    }
    pthread_barrier_wait(&used);
    pthread_barrier_wait(&remade);
    pthread_mutex_lock(&cfg); /* main holds the new cfg and joins us */
    return 0;
}
static void *announce(void *a) { (void)a; usleep(300000); ready(); return 0; }
int main(void)
{
    pthread_t w, z;
    pthread_barrier_init(&used, 0, 2);
    pthread_barrier_init(&remade, 0, 2);
    pthread_create(&w, 0, worker, 0);
    pthread_barrier_wait(&used);
    pthread_mutex_destroy(&cfg);
    pthread_mutex_init(&cfg, 0);
    pthread_mutex_lock(&cfg);
    pthread_barrier_wait(&remade);
    pthread_create(&z, 0, announce, 0);
    pthread_join(w, 0);
    return 0;
}
