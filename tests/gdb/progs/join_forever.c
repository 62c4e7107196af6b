/* main joins a thread that waits forever on a semaphore nobody posts. */
#include <pthread.h>
#include <semaphore.h>
#include "ready.h"
sem_t never;
static void *stuck(void *a) { (void)a; sem_wait(&never); return 0; }
int main(void)
{
    pthread_t t;
    sem_init(&never, 0, 0);
    pthread_create(&t, 0, stuck, 0);
    tw_test_ready();
    pthread_join(t, 0);
    return 0;
}
