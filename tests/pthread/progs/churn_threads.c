/* churn_threads — a threaded server that makes and destroys its locks per request, as real ones
 * do: THREADS workers (default 4) share N requests (default 1,000,000); each request allocates
 * a connection with a mutex and a condvar, locks the mutex, waits on the condvar with a
 * deadline already past (so the condvar is used, as a server's would be), unlocks, destroys
 * both and frees the connection; every 64th request also passes a byte through a pipe of its
 * own and closes both ends. Every worker creates and destroys at the same time as the
 * others, so freed resource slots are taken back while other threads close theirs.
 *
 * Around the churn: `before` is made and locked by main before any request and stays held
 * through all of them; `after` is made and locked by main once they are done. Then two threads
 * block, `waits-before-0` on `before` and `waits-after-0` on `after`: both locks must still be
 * recorded, held by main, with their waiters. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "ready.h"

struct conn {
    pthread_mutex_t m;
    pthread_cond_t c;
    long served;
};

static pthread_mutex_t before, after;
static long per_worker;

static void request(long i)
{
    struct conn *k = malloc(sizeof *k);
    if (!k)
        abort();
    pthread_mutex_init(&k->m, NULL);
    pthread_cond_init(&k->c, NULL);
    struct timespec past = { 0, 0 };
    pthread_mutex_lock(&k->m);
    if (pthread_cond_timedwait(&k->c, &k->m, &past) != ETIMEDOUT)
        abort();
    k->served++;
    pthread_mutex_unlock(&k->m);
    pthread_cond_destroy(&k->c);
    pthread_mutex_destroy(&k->m);
    free(k);
    if (i % 64 == 0) {
        int p[2];
        char b;
        if (pipe(p) != 0 || write(p[1], "x", 1) != 1 || read(p[0], &b, 1) != 1)
            abort();
        close(p[0]);
        close(p[1]);
    }
}

static void *worker(void *arg)
{
    (void)arg;
    for (long i = 0; i < per_worker; i++)
        request(i);
    return NULL;
}

static void *blocked(void *arg)
{
    pthread_mutex_t *m = arg;
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int threads = argc > 2 ? atoi(argv[2]) : 4;
    if (threads < 1 || threads > 64)
        return 2;
    per_worker = n / threads;
    pthread_mutex_init(&before, NULL);
    pthread_mutex_lock(&before);
    pthread_t w[64];
    for (int i = 0; i < threads; i++)
        w[i] = spawn_named(worker, NULL, "worker", i);
    for (int i = 0; i < threads; i++)
        pthread_join(w[i], NULL);
    printf("requests %ld\n", per_worker * threads);
    pthread_mutex_init(&after, NULL);
    pthread_mutex_lock(&after);
    spawn_named(blocked, &before, "waits-before", 0);
    spawn_named(blocked, &after, "waits-after", 0);
    usleep(200000);
    ready();
    stay();
}
