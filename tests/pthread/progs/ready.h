/* ready.h — the test programs' shared "I have reached my state" line (DESIGN.md examples),
 * and their named threads. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static inline void ready(void) { printf("tw-example: ready\n"); fflush(stdout); }
static inline void stay(void) { for (;;) pause(); }
#ifdef _GNU_SOURCE
/* a thread running fn(arg), named "PREFIX-I" (pthread_setname_np, as a program would) */
static inline pthread_t spawn_named(void *(*fn)(void *), void *arg, const char *prefix, int i)
{
    pthread_t t;
    char name[16];
    snprintf(name, sizeof name, "%s-%d", prefix, i);
    pthread_create(&t, 0, fn, arg);
    pthread_setname_np(t, name);
    return t;
}
#endif
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
static inline void *announce_later(void *a) { (void)a; usleep(300000); ready(); return 0; }
/* The knot of a two-thread deadlock: a and b on threads of their own (they meet at a barrier of
 * the caller's and then block on each other), the ready line 0.3 s later, and the caller waits
 * for a forever. */
static inline void knot_of_two(void *(*a)(void *), void *(*b)(void *))
{
    pthread_t x, y, z;
    pthread_create(&x, 0, a, 0);
    pthread_create(&y, 0, b, 0);
    pthread_create(&z, 0, announce_later, 0);
    pthread_join(x, 0);
}
#endif
