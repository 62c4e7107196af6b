/* sem_pool — a counted pool: six threads share two units of a semaphore, each taking a unit,
 * doing a little work and giving it back. Four threads wait while two hold. */
#define _GNU_SOURCE
#include <semaphore.h>
#include "healthy.h"

#define UNITS 2
#define USERS 6
static sem_t pool;
static volatile unsigned long uses;

static void *user(void *arg)
{
    (void)arg;
    for (;;) {
        sem_wait(&pool);
        for (volatile int work = 0; work < 100; work++)
            uses++;
        sem_post(&pool);
    }
}

int main(void)
{
    sem_init(&pool, 0, UNITS);
    for (int i = 1; i <= USERS; i++)
        start(user, 0, "user", i);
    ready_and_join();
}
