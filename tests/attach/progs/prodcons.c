/* Healthy: a bounded queue under load, 2 producers and 2 consumers on one mutex and two
 * condvars. Must never be called a certain deadlock. */
#include "common.h"
#define CAP 8
pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
int queue[CAP], head, count;
volatile unsigned long consumed;
static void *producer(void *a)
{
    (void)a;
    for (int i = 0;; i++) {
        pthread_mutex_lock(&qlock);
        while (count == CAP)
            pthread_cond_wait(&not_full, &qlock);
        queue[(head + count++) % CAP] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
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
}
int main(void)
{
    spawn(producer, 0, "prod-1");
    spawn(producer, 0, "prod-2");
    spawn(consumer, 0, "cons-1");
    spawn(consumer, 0, "cons-2");
    ready();
    for (;;) {
        sleep(1);
    }
}
