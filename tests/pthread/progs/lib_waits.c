/* lib_waits.c — threads that block inside a library rather than in their own calls: one in
 * poll() inside libtwtesthelper.so (through helper_wait), one in its own nanosleep. Built three
 * times: with -g (sites are file:line), without (sites are named by function) and stripped with
 * only exported symbols (-s -rdynamic: a static function is named by its place and the first
 * named function further out, "in lib_waits-stripped+0x… from napper"). The site of the
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
    helper_wait(); /* the site the test expects */
    return 0;
}

/* static: without .symtab no symbol names it, and its site is named from napper, exported */
__attribute__((noinline)) static void nap(void)
{
    struct timespec ts = {1, 0};
    nanosleep(&ts, 0);
}

void *napper(void *a)
{
    (void)a;
    for (;;)
        nap();
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
