/* backpressure — a fast producer blocked on a full bounded channel that a slow consumer drains
 * one message every 100 ms. Blocked, but not deadlocked: the consumer holds the receiver and
 * keeps making progress. */
#include <stdatomic.h>
#include <stdint.h>
#include "ready.h"
#include "twrt.h"

static atomic_long sent, received;

static void *producer(void *arg)
{
    twrt_sender *tx = arg;
    for (intptr_t i = 1;; i++) {
        twrt_send(tx, (void *)i);
        atomic_fetch_add(&sent, 1);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    twrt_receiver *rx = arg;
    void *msg;
    while (twrt_recv(rx, &msg) == 0) {
        atomic_fetch_add(&received, 1);
        twrt_sleep_ms(100);   /* slow work per message */
    }
    return NULL;
}

int main(void)
{
    twrt_sender *tx;
    twrt_receiver *rx;
    twrt_channel("jobs", 8, &tx, &rx);
    twrt_detach(twrt_spawn_moving("producer", producer, tx, tx));
    twrt_detach(twrt_spawn_moving("consumer", consumer, rx, rx));
    EXAMPLE_WAIT_FOR(atomic_load(&sent) >= 9 && atomic_load(&received) >= 1, 4000);
    usleep(50 * 1000);
    example_ready_and_stay();
}
