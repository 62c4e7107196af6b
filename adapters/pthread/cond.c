/* cond.c — pthread_cond_wait/timedwait: the waiter gives its mutex back (a release in the
 * model), waits on the condvar as a TW_WAIT_SIGNAL (anyone could signal it: a thread blocked
 * there when nobody else can run is a lost wakeup), and holds the mutex again on return.
 * Signal and broadcast count a wake in flight on the condvar (tw_res_wake) until a waiter
 * returns: a signalled waiter that has not run yet is not blocked, and readers must know. */
#include <errno.h>
#include "twp.h"

static int wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abst, int timed, void *ra)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return timed ? TWP_REAL(cond_timedwait)(c, m, abst) : TWP_REAL(cond_wait)(c, m);
    uint32_t site = twp_site(ra, timed ? "pthread_cond_timedwait" : "pthread_cond_wait"), cobj;
    tw_res_t cr = twp_res(c, TW_RES_CONDVAR, site, &cobj);
    struct twp_held *h = twp_held_find(t, m), saved = {0};
    int gave_back = h && h->count == 1;
    if (gave_back) {
        saved = *h;
        tw_release_how(t, h->res, 1, TW_ACQ_OWNED);   /* still held: the real wait lets go */
        twp_held_remove(t, h);
    }
    tw_res_waiter(cr, +1);
    tw_await_begin(t, site, TW_WAIT_SIGNAL, tw_res_id(cr), timed);
    twp_park(t);
    int rc = timed ? TWP_REAL(cond_timedwait)(c, m, abst) : TWP_REAL(cond_wait)(c, m);
    twp_unpark(t);
    tw_await_end(t);
    tw_res_waiter(cr, -1);
    /* the mutex is held again on every return, timeouts included */
    if (gave_back && twp_held_add(t, m, saved.res, saved.obj, saved.site, 0))
        tw_acquire_at(t, saved.res, 1, 0, TW_ACQ_LOCK | TW_ACQ_OWNED);
    twp_leave();
    return rc;
}

TWP_EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return wait(c, m, NULL, 0, __builtin_return_address(0));
}

TWP_EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abst)
{
    return wait(c, m, abst, 1, __builtin_return_address(0));
}

/* Counted before the real wake, so that no reader can see the waiter still waiting after the
 * wake was given and no count of it. A thread already inside the adapter does not record (its
 * wake still happens). */
static int wake(pthread_cond_t *c, int all)
{
    if (twp_enter_taskless()) {
        tw_res_wake(twp_res_find(c, TW_RES_CONDVAR), all);
        twp_leave();
    }
    return all ? TWP_REAL(cond_broadcast)(c) : TWP_REAL(cond_signal)(c);
}

TWP_EXPORT int pthread_cond_signal(pthread_cond_t *c) { return wake(c, 0); }
TWP_EXPORT int pthread_cond_broadcast(pthread_cond_t *c) { return wake(c, 1); }

TWP_EXPORT int pthread_cond_destroy(pthread_cond_t *c)
{
    int rc = TWP_REAL(cond_destroy)(c);
    tw_task_t t;
    if (rc == 0 && twp_enter(&t)) {
        twp_res_forget(c);
        twp_leave();
    }
    return rc;
}
