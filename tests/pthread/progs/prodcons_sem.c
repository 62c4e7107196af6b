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
int main(void)
{
    sem_init(&empty, 0, SLOTS);
    sem_init(&full, 0, 0);
    pthread_t p = spawn_named(producer, 0, "producer", 1);
    spawn_named(producer, 0, "producer", 2);
    usleep(100000); /* the producers fill the buffer and one sleeps holding mutex */
    for (int i = 1; i <= CONSUMERS; i++)
        spawn_named(consumer, 0, "consumer", i);
    usleep(200000);
    ready();
    pthread_join(p, 0);
    return 0;
}
