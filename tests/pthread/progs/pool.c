/* pool.c — a healthy thread pool: 1,000 worker threads take jobs from a queue guarded by a
 * mutex and a condvar; main submits 10,000 jobs, waits for them with a second condvar, then
 * idles (sleeping: a timed wait) while the workers wait for more work. Nothing is stuck.
 * Prints the job total so runs with and without the adapter can be compared. */
#include <pthread.h>
#include <stdlib.h>
#include "ready.h"
#define WORKERS 1000
#define JOBS 10000
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER, finished = PTHREAD_COND_INITIALIZER;
static int queued, done;
static long total;
static void *worker(void *a)
{
    long me = (long)a;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (queued == 0)
            pthread_cond_wait(&more, &mu);
        int job = queued--;
        pthread_mutex_unlock(&mu);
        long v = job * 2 + (me & 1);
        pthread_mutex_lock(&mu);
        total += v - (me & 1);
        if (++done == JOBS)
            pthread_cond_signal(&finished);
    }
    return 0;
}
int main(int argc, char **argv)
{
    int stay_alive = argc > 1 && atoi(argv[1]);
    static pthread_t t[WORKERS];
    for (long i = 0; i < WORKERS; i++)
        if (pthread_create(&t[i], 0, worker, (void *)i) != 0)
            return 3;
    pthread_mutex_lock(&mu);
    queued = JOBS;
    pthread_cond_broadcast(&more);
    while (done < JOBS)
        pthread_cond_wait(&finished, &mu);
    pthread_mutex_unlock(&mu);
    printf("total %ld\n", total);
    if (!stay_alive)
        return 0;
    ready();
    for (;;)
        sleep(1);
}
