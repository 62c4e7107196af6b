/* starvation — two tasks that compute without ever yielding hog both workers; a third task,
 * ready all along, never gets a turn. */
#include <stdatomic.h>
#include "ready.h"
#include "twrt.h"

static atomic_int hogging;
static volatile unsigned long sink;

static void *hog(void *arg)
{
    (void)arg;
    atomic_fetch_add(&hogging, 1);
    for (;;) sink++;   /* the bug: a long computation with no twrt_yield() */
    return NULL;
}

static void *victim(void *arg)
{
    (void)arg;
    for (;;) twrt_sleep_ms(10);
    return NULL;
}

int main(void)
{
    struct twrt_config cfg = { .workers = 2 };
    twrt_init(&cfg);
    twrt_detach(twrt_spawn("hog-0", hog, NULL));
    twrt_detach(twrt_spawn("hog-1", hog, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&hogging) == 2, 4000);
    twrt_detach(twrt_spawn("starved", victim, NULL));
    usleep(2500 * 1000);   /* well past the 1 s starvation threshold, even on a loaded host */
    example_ready_and_stay();
}
