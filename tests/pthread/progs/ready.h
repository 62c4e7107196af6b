/* ready.h — the test programs' shared "I have reached my state" line (DESIGN.md examples). */
#include <stdio.h>
#include <unistd.h>
static inline void ready(void) { printf("tw-example: ready\n"); fflush(stdout); }
static inline void stay(void) { for (;;) pause(); }
/* Idle healthily: a timed sleep, so nothing blocks on an untimed wait. */
static inline void idle(void) { for (;;) sleep(1); }
#ifdef _PTHREAD_H
/* Run fn(arg) on a thread of its own and wait for it: threads one after another, so that
 * lock orders are recorded without ever overlapping (nothing can hang). */
static inline void run_alone(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_create(&t, 0, fn, arg);
    pthread_join(t, 0);
}
#endif
