/* Healthy: a thread pool (mutex + condvar job queue), a submitter that sleeps between
 * batches, and workers that are idle most of the time. Never a deadlock. */
#include <pthread.h>
#include <semaphore.h>
#include "ready.h"
#define WORKERS 4
pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t jobs_ready = PTHREAD_COND_INITIALIZER;
sem_t finished;
static int jobs;
static void *worker(void *a)
{
    (void)a;
    for (;;) {
        pthread_mutex_lock(&jobs_lock);
        while (jobs == 0)
            pthread_cond_wait(&jobs_ready, &jobs_lock);
        jobs--;
        pthread_mutex_unlock(&jobs_lock);
        usleep(1000);
        sem_post(&finished);
    }
    return 0;
}
int main(void)
{
    pthread_t t[WORKERS];
    sem_init(&finished, 0, 0);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], 0, worker, 0);
    int announced = 0;
    for (;;) {
        pthread_mutex_lock(&jobs_lock);
        jobs += 8;
        pthread_cond_broadcast(&jobs_ready);
        pthread_mutex_unlock(&jobs_lock);
        for (int i = 0; i < 8; i++)
            sem_wait(&finished);
        usleep(20000);
        if (!announced++)
            tw_test_ready();
    }
    return 0;
}
