/* lib_waits.c — threads that block inside a library rather than in their own calls: one in
 * poll() inside libtwtesthelper.so (through helper_wait), one in its own nanosleep. Built twice:
 * with -g (sites are file:line) and without (sites are named by function). The site of the
 * helper's wait must be this file's call of helper_wait, not a return address in the helper.
 * The helper also starts a thread whose start routine no symbol names. */
#define _GNU_SOURCE
#include <time.h>
#include "ready.h"

int helper_wait(void);
void helper_start_worker(void);

static void *through_helper(void *a)
{
    (void)a;
    helper_wait(); /* the site the test expects: lib_waits.c:16 */
    return 0;
}

static void *napper(void *a)
{
    (void)a;
    for (;;) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, 0); /* lib_waits.c:25 */
    }
    return 0;
}

int main(void)
{
    pthread_t x, y;
    pthread_create(&x, 0, through_helper, 0);
    pthread_create(&y, 0, napper, 0);
    helper_start_worker();
    usleep(200000);
    ready();
    idle();
}
