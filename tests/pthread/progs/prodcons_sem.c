#define _GNU_SOURCE
/* prodcons_sem.c — a two-slot buffer guarded by `mutex`, with semaphores `empty` and `full`.
 * The producers take `mutex` before waiting on `empty` (the bug): once the buffer is full, one
 * producer sleeps in sem_wait(&empty) holding `mutex`, and every consumer that took an item
 * (a unit of `full`) queues on `mutex` behind it. The report must say who holds `mutex`. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include "ready.h"
#define SLOTS 2
#define CONSUMERS 7
pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
sem_t empty, full;
static int items;
static void *producer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mutex);
        sem_wait(&empty);
        items++;
        pthread_mutex_unlock(&mutex);
        sem_post(&full);
    }
    return 0;
}
static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        sem_wait(&full);
        pthread_mutex_lock(&mutex);
        items--;
        pthread_mutex_unlock(&mutex);
        sem_post(&empty);
    }
    return 0;
}
static pthread_t spawn(void *(*fn)(void *), const char *name)
{
    pthread_t t;
    pthread_create(&t, 0, fn, 0);
    pthread_setname_np(t, name);
    return t;
}
int main(void)
{
    sem_init(&empty, 0, SLOTS);
    sem_init(&full, 0, 0);
    pthread_t p = spawn(producer, "producer-1");
    spawn(producer, "producer-2");
    usleep(100000); /* the producers fill the buffer and one sleeps holding mutex */
    for (int i = 0; i < CONSUMERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "consumer-%d", i + 1);
        spawn(consumer, name);
    }
    usleep(200000);
    ready();
    pthread_join(p, 0);
    return 0;
}
