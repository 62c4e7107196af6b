/* barrier.c — pthread_barrier_wait: a thread waiting at a barrier is released by the threads
 * that have not arrived yet, which the model cannot name: TW_WAIT_SIGNAL on the barrier. The
 * thread whose arrival (or whose return) shows the round is over counts a wake in flight for
 * every waiter still recorded there: they were released and have not run yet. */
#include "twp.h"

TWP_EXPORT int pthread_barrier_wait(pthread_barrier_t *b)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(barrier_wait)(b);
    uint32_t site = twp_site(__builtin_return_address(0), "pthread_barrier_wait"), obj;
    tw_res_t r = twp_res(b, TW_RES_BARRIER, site, &obj);
    return TWP_COUNTED_WAIT_AROUND(t, site, TW_WAIT_SIGNAL, r, 0, 1, TWP_REAL(barrier_wait)(b));
}

TWP_EXPORT int pthread_barrier_destroy(pthread_barrier_t *b)
{
    int rc = TWP_REAL(barrier_destroy)(b);
    tw_task_t t;
    if (rc == 0 && twp_enter(&t)) {
        twp_res_forget(b);
        twp_leave();
    }
    return rc;
}
