/* one_long_poll — a task whose first poll blocks its worker for 1.5 s (a synchronous sleep
 * inside the poll), after which it only waits: the one long poll that a look by the console
 * crosses in t_timed_stops.sh. */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include "twrt.h"

static atomic_int started;

static void *slow_call(void *arg)
{
    (void)arg;
    atomic_store(&started, 1);
    usleep(1500 * 1000);
    for (;;) twrt_sleep_ms(1000);
    return NULL;
}

int main(void)
{
    twrt_detach(twrt_spawn("slow-call", slow_call, NULL));
    while (!atomic_load(&started)) usleep(1000);
    puts("tw-example: ready");
    fflush(stdout);
    for (;;) pause();
}
