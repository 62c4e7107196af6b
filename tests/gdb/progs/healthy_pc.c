/* Healthy: a condvar producer/consumer under load, forever. Never a deadlock. */
#include <pthread.h>
#include "ready.h"
#define CAP 16
pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int q[CAP], head, count;
static volatile unsigned long consumed;
static void *producer(void *a)
{
    (void)a;
    for (int i = 0;; i++) {
        pthread_mutex_lock(&qlock);
        while (count == CAP)
            pthread_cond_wait(&not_full, &qlock);
        q[(head + count++) % CAP] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
    return 0;
}
static void *consumer(void *a)
{
    (void)a;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (count == 0)
            pthread_cond_wait(&not_empty, &qlock);
        head = (head + 1) % CAP;
        count--;
        consumed++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
    }
    return 0;
}
int main(void)
{
    pthread_t p[2], c[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&p[i], 0, producer, 0);
        pthread_create(&c[i], 0, consumer, 0);
    }
    tw_test_ready();
    pthread_join(p[0], 0);
    return 0;
}
