/* churn — a server that makes and destroys its locks per request, as real ones do: N requests
 * (default 1,000,000), each with a mutex and a condvar on its stack, initialised, used and
 * destroyed; every 64th request also a pipe, opened and closed. Then a lock made after all of
 * them: `gate`, held by main while a worker blocks on it — which must still be recorded. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "ready.h"

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void request(long i)
{
    pthread_mutex_t m;
    pthread_cond_t c;
    pthread_mutex_init(&m, NULL);
    pthread_cond_init(&c, NULL);
    pthread_mutex_lock(&m);
    pthread_cond_signal(&c);
    pthread_mutex_unlock(&m);
    pthread_cond_destroy(&c);
    pthread_mutex_destroy(&m);
    if (i % 64 == 0) {
        int p[2];
        if (pipe(p) == 0) {
            (void)!write(p[1], "x", 1);
            char b;
            (void)!read(p[0], &b, 1);
            close(p[0]);
            close(p[1]);
        }
    }
}

static void *blocked_worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate);
    pthread_mutex_unlock(&gate);
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++)
        request(i);
    pthread_mutex_lock(&gate);
    spawn_named(blocked_worker, NULL, "late", 0);
    usleep(200000);
    ready();
    stay();
}
