/* examples/ready.h — the one line every example prints when it has reached the state it shows,
 * then waits until killed. */
#ifndef TW_EXAMPLE_READY_H
#define TW_EXAMPLE_READY_H
#include <stdio.h>
#include <unistd.h>

/* The ready line alone, for examples whose main thread then blocks in the state they show
 * (cpp-bank joins, cpp-future waits on its future). */
static inline void example_ready(void)
{
    fputs("tw-example: ready\n", stdout);
    fflush(stdout);
}

static inline void example_ready_and_stay(void)
{
    example_ready();
    for (;;) pause();
}

/* Poll `cond` every millisecond from the main thread (not a task) for up to `ms`. */
#define EXAMPLE_WAIT_FOR(cond, ms)                                   \
    do {                                                              \
        for (int waited_ = 0; !(cond) && waited_ < (ms); waited_++)   \
            usleep(1000);                                             \
    } while (0)
#endif
