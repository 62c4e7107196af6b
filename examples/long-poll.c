/* long-poll — a task that blocks its worker thread for 200 ms in every poll (a synchronous
 * call inside an async task), next to a healthy ticker. */
#include <stdatomic.h>
#include <unistd.h>
#include "ready.h"
#include "twrt.h"

static atomic_int long_polls;

static void *blocker(void *arg)
{
    (void)arg;
    for (;;) {
        usleep(200 * 1000);   /* the bug: a blocking call that never yields the worker */
        atomic_fetch_add(&long_polls, 1);
        twrt_sleep_ms(50);
    }
    return NULL;
}

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) twrt_sleep_ms(100);
    return NULL;
}

int main(void)
{
    twrt_detach(twrt_spawn("ticker", ticker, NULL));
    twrt_detach(twrt_spawn("blocking-io", blocker, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&long_polls) >= 2, 4000);
    example_ready_and_stay();
}
