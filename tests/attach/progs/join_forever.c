/* main joins a thread that waits forever on a semaphore nobody posts. */
#include <semaphore.h>
#include "common.h"
sem_t never;
static void *stuck(void *a) { (void)a; sem_wait(&never); return 0; }
int main(void)
{
    sem_init(&never, 0, 0);
    pthread_t t = spawn(stuck, 0, "stuck");
    ready();
    pthread_join(t, 0);
    return 0;
}
