#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* common.h — helpers for the attach-only test programs: each reaches its state, prints
 * "tw-example: ready" (flushed) and stays there until killed. */
#ifndef TWA_TEST_COMMON_H
#define TWA_TEST_COMMON_H
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void ready(void)
{
    /* Give the last thread time to enter its blocking call before announcing. */
    usleep(200000);
    printf("tw-example: ready\n");
    fflush(stdout);
}

static inline pthread_t spawn(void *(*fn)(void *), void *arg, const char *name)
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0)
        abort();
    if (name)
        pthread_setname_np(t, name);
    return t;
}
#endif
