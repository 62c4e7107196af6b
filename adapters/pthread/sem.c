/* sem.c — sem_wait/timedwait: a semaphore has no owner (any thread may post), so a blocked
 * waiter is a TW_WAIT_SIGNAL on the semaphore: it shows who waits on what, and a global hang
 * is still a deadlock, but a semaphore is never assumed to be a lock. A post counts a wake in
 * flight (tw_res_wake) until a waiter returns. A wait that does
 * not block records nothing; errno is the real call's. */
#include <errno.h>
#include "twp.h"

static int wait(sem_t *s, const struct timespec *abst, int timed, void *ra)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return timed ? TWP_REAL(sem_timedwait)(s, abst) : TWP_REAL(sem_wait)(s);
    int saved = errno;
    int rc = TWP_REAL(sem_trywait)(s);
    if (rc == 0) {
        twp_leave();
        return 0;
    }
    uint32_t site = twp_site(ra, timed ? "sem_timedwait" : "sem_wait"), obj;
    tw_res_t r = twp_res(s, TW_RES_SEMAPHORE, site, &obj);
    errno = saved; /* the failed trywait's EAGAIN is ours, not the program's */
    return TWP_COUNTED_WAIT_AROUND(t, site, TW_WAIT_SIGNAL, r, timed, 0, timed ? TWP_REAL(sem_timedwait)(s, abst) : TWP_REAL(sem_wait)(s));
}

TWP_EXPORT int sem_wait(sem_t *s) { return wait(s, NULL, 0, __builtin_return_address(0)); }
TWP_EXPORT int sem_timedwait(sem_t *s, const struct timespec *a) { return wait(s, a, 1, __builtin_return_address(0)); }

/* A post is a wake in flight for one waiter until it returns; counted before the real post so
 * that no reader sees the wake given and not counted. */
TWP_EXPORT int sem_post(sem_t *s)
{
    if (twp_enter_taskless()) {
        tw_res_wake(twp_res_find(s, TW_RES_SEMAPHORE), 0);
        twp_leave();
    }
    return TWP_REAL(sem_post)(s);
}

TWP_EXPORT int sem_destroy(sem_t *s)
{
    int rc = TWP_REAL(sem_destroy)(s);
    int saved = errno;
    tw_task_t t;
    if (rc == 0 && twp_enter(&t)) {
        twp_res_forget(s);
        twp_leave();
    }
    errno = saved;
    return rc;
}
