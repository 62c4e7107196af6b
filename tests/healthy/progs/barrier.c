/* barrier — four threads meet at a pthread_barrier round after round; at almost every instant
 * three of them are waiting for the fourth. */
#define _GNU_SOURCE
#include "healthy.h"

#define PARTIES 4
static pthread_barrier_t meet;
static volatile unsigned long rounds;

static void *party(void *arg)
{
    (void)arg;
    for (;;)
        if (pthread_barrier_wait(&meet) == PTHREAD_BARRIER_SERIAL_THREAD)
            rounds++;
}

int main(void)
{
    pthread_barrier_init(&meet, 0, PARTIES);
    for (int i = 1; i <= PARTIES; i++)
        start(party, 0, "party", i);
    ready_and_join();
}
