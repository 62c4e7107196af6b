/* lib_waits.c — threads that block inside libraries rather than in their own calls: one in
 * poll() inside libtwtesthelper.so (helper_wait), main in nanosleep() called from libc's
 * sleep-like path would be invisible, so main sleeps in its own nanosleep call. Built twice:
 * with -g (sites are file:line) and without (sites are named by function). The site of the
 * helper's wait must be this file's call of helper_wait, not a return address in the helper. */
#define _GNU_SOURCE
#include <time.h>
#include "ready.h"

int helper_wait(void);

static void *through_helper(void *a)
{
    (void)a;
    helper_wait(); /* lib_waits.c:15 — the site the test expects */
    return 0;
}

static void *napper(void *a)
{
    (void)a;
    for (;;) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, 0); /* lib_waits.c:24 */
    }
    return 0;
}

int main(void)
{
    pthread_t x, y;
    pthread_create(&x, 0, through_helper, 0);
    pthread_create(&y, 0, napper, 0);
    usleep(200000);
    ready();
    idle();
}
