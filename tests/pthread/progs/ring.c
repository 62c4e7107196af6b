/* ring.c N [CHURN] — a ring order of N locks (2 <= N <= 5) that did not hang: thread i locks
 * ring[i] then ring[(i+1) % N], the threads one after another. Each thread then locks and
 * unlocks a private mutex CHURN times (default 0), so that with a small TW_LOG_EVENTS every
 * ring of events has wrapped past the inversion before `ready`. Then it idles. */
#include <pthread.h>
#include <stdlib.h>
#include "ready.h"
pthread_mutex_t ring[5] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                           PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static int n = 5, churn;
static void *link_(void *a)
{
    int i = (int)(long)a;
    pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&ring[i]);
    pthread_mutex_lock(&ring[(i + 1) % n]);
    pthread_mutex_unlock(&ring[(i + 1) % n]);
    pthread_mutex_unlock(&ring[i]);
    for (int k = 0; k < churn; k++) {
        pthread_mutex_lock(&own);
        pthread_mutex_unlock(&own);
    }
    return 0;
}
int main(int argc, char **argv)
{
    if (argc > 1) n = atoi(argv[1]);
    if (argc > 2) churn = atoi(argv[2]);
    if (n < 2 || n > 5) return 2;
    for (int i = 0; i < n; i++)
        run_alone(link_, (void *)(long)i);
    ready();
    idle();
}
