/* broadcast — a barrier built from a condition variable: four threads arrive, the last one
 * starts the next generation with pthread_cond_broadcast, round after round. Between rounds
 * three threads wait on the condvar and the fourth is on its way to wake them. */
#define _GNU_SOURCE
#include "healthy.h"

#define PARTIES 4
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t next_round = PTHREAD_COND_INITIALIZER;
static int arrived;
static unsigned long generation;

static void *party(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mutex);
        unsigned long mine = generation;
        if (++arrived == PARTIES) {
            arrived = 0;
            generation++;
            pthread_cond_broadcast(&next_round);
        } else {
            while (generation == mine)
                pthread_cond_wait(&next_round, &mutex);
        }
        pthread_mutex_unlock(&mutex);
    }
}

int main(void)
{
    for (int i = 1; i <= PARTIES; i++)
        start(party, 0, "party", i);
    ready_and_join();
}
