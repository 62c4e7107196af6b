/* 50 ABBA pairs: 100 threads deadlocked in 50 two-cycles (timing target: < 2 s). */
#include "common.h"
#define PAIRS 50
pthread_mutex_t m[PAIRS][2];
pthread_barrier_t b[PAIRS];
static void *fwd(void *a) { long i = (long)a; pthread_mutex_lock(&m[i][0]); pthread_barrier_wait(&b[i]); pthread_mutex_lock(&m[i][1]); return 0; }
static void *bwd(void *a) { long i = (long)a; pthread_mutex_lock(&m[i][1]); pthread_barrier_wait(&b[i]); pthread_mutex_lock(&m[i][0]); return 0; }
int main(void)
{
    for (long i = 0; i < PAIRS; i++) {
        pthread_mutex_init(&m[i][0], NULL);
        pthread_mutex_init(&m[i][1], NULL);
        pthread_barrier_init(&b[i], NULL, 2);
        spawn(fwd, (void *)i, NULL);
        spawn(bwd, (void *)i, NULL);
    }
    ready();
    for (;;)
        pause();
}
