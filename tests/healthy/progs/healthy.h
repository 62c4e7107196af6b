/* healthy.h — what every healthy stress program shares: it starts its busy threads, says
 * `tw-example: ready`, and then main joins them, so that main too sits in an untimed wait —
 * the state in which a one-frame reading wrongly sees "every task blocked". Nothing here
 * sleeps: the programs never hang, they only look as if they might. */
#ifndef TW_HEALTHY_H
#define TW_HEALTHY_H
#include "ready.h"   /* tests/pthread/progs: ready(), spawn_named() */

#define MAX_THREADS 16
static pthread_t threads[MAX_THREADS];
static int nthreads;

/* a thread running fn(arg), named "PREFIX-I" */
static inline void start(void *(*fn)(void *), void *arg, const char *prefix, int i)
{
    threads[nthreads++] = spawn_named(fn, arg, prefix, i);
}

/* announce, then wait for threads that never end */
static inline void ready_and_join(void)
{
    ready();
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], 0);
}
#endif
