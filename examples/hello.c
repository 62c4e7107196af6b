/* hello — the smallest TurboWish program: the raw instrumentation API, no runtime.
 * Three tasks; "owner" holds the mutex "gate", "waiter-1" and "waiter-2" wait for it.
 * Ask any frontend about it:  tw tasks --pid PID,  gdb -p PID -ex 'tw why 2'. */
#include <stdio.h>
#include <unistd.h>
#include "turbowish.h"

int main(void)
{
    tw_res_t gate = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "gate", TW_SITE("gate"), 0);
    tw_task_t owner = tw_task_spawn("owner", TW_SITE("owner"), 0);
    tw_poll_begin(owner);
    tw_acquire_request(owner, gate, 1, TW_AWAIT_SITE(lock(&gate)));
    tw_acquire(owner, gate, 1);
    tw_poll_end(owner, TW_POLL_READY); /* holds gate, ready to run again */

    const char *names[] = {"waiter-1", "waiter-2"};
    for (int i = 0; i < 2; i++) {
        tw_task_t w = tw_task_spawn(names[i], TW_SITE("waiter"), 0);
        tw_poll_begin(w);
        tw_acquire_request(w, gate, 1, TW_AWAIT_SITE(lock(&gate)));
        tw_waker(w, TW_EV_WAKER_CREATE, 0); /* the gate keeps a waker for each waiter */
        tw_poll_end(w, TW_POLL_PENDING);
    }
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
