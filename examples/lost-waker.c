/* lost-waker — a hand-written wait that parks without ever handing out a waker. The flag it
 * waits for does get set, but whoever sets it has nothing to wake the task with: the task
 * waits forever with wakers_alive 0. */
#include <stdatomic.h>
#include "ready.h"
#include "twrt.h"

static atomic_int data_ready, parked;

/* The buggy future: it should store twrt_waker_get() where the setter can find it. */
static void wait_for_data(void)
{
    while (!atomic_load(&data_ready)) {
        atomic_store(&parked, 1);
        twrt_park();
    }
}

static void *waiter(void *arg)
{
    (void)arg;
    wait_for_data();
    return NULL;
}

static void *setter(void *arg)
{
    (void)arg;
    twrt_sleep_ms(50);
    atomic_store(&data_ready, 1);   /* ... and no waker to call */
    for (;;) twrt_sleep_ms(1000);
    return NULL;
}

int main(void)
{
    twrt_detach(twrt_spawn("data-waiter", waiter, NULL));
    twrt_detach(twrt_spawn("data-setter", setter, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&parked) && atomic_load(&data_ready), 4000);
    usleep(100 * 1000);
    example_ready_and_stay();
}
