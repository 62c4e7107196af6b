/* prodcons — the program of issue 17: one producer and two consumers hand items through a
 * one-slot buffer guarded by one mutex and two condition variables, with no sleeps. At most
 * instants every thread is inside a futex wait while a wake is on its way. */
#define _GNU_SOURCE
#include "healthy.h"

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_free = PTHREAD_COND_INITIALIZER, slot_full = PTHREAD_COND_INITIALIZER;
static int full;
static volatile unsigned long consumed;

static void *producer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mutex);
        while (full)
            pthread_cond_wait(&slot_free, &mutex);
        full = 1;
        pthread_cond_signal(&slot_full);
        pthread_mutex_unlock(&mutex);
    }
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mutex);
        while (!full)
            pthread_cond_wait(&slot_full, &mutex);
        full = 0;
        consumed++;
        pthread_cond_signal(&slot_free);
        pthread_mutex_unlock(&mutex);
    }
}

int main(void)
{
    start(producer, 0, "producer", 1);
    start(consumer, 0, "consumer", 1);
    start(consumer, 0, "consumer", 2);
    ready_and_join();
}
