/* sem.c — sem_wait/timedwait/trywait/post: a semaphore has no owner (any thread may post), so a
 * blocked waiter is a TW_WAIT_SIGNAL on the semaphore: it shows who waits on what, and a global
 * hang is still a deadlock, but a semaphore is never assumed to be a lock. Who took
 * units and has not posted them back is recorded as holds (sem_takers.c), so that a ring of
 * semaphores used as forks can be read through its takers. A post also counts a wake in flight
 * (tw_res_wake) until a waiter returns. errno is the real call's. */
#include <errno.h>
#include "twp.h"

static tw_res_t res_at(sem_t *s, void *ra, const char *what)
{
    uint32_t obj;
    return twp_res(s, TW_RES_SEMAPHORE, twp_site(ra, what), &obj);
}

static int wait(sem_t *s, const struct timespec *abst, int timed, void *ra)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return timed ? TWP_REAL(sem_timedwait)(s, abst) : TWP_REAL(sem_wait)(s);
    int saved = errno;
    uint32_t site = twp_site(ra, timed ? "sem_timedwait" : "sem_wait"), obj;
    tw_res_t r = twp_res(s, TW_RES_SEMAPHORE, site, &obj);
    int rc = TWP_REAL(sem_trywait)(s);
    if (rc == 0) {
        twp_sem_took(t, s, r);
        twp_leave();
        errno = saved;
        return 0;
    }
    errno = saved; /* the failed trywait's EAGAIN is ours, not the program's */
    rc = TWP_COUNTED_WAIT_AROUND(t, site, TW_WAIT_SIGNAL, r, timed, 0,
                                 timed ? TWP_REAL(sem_timedwait)(s, abst) : TWP_REAL(sem_wait)(s));
    if (rc == 0 && twp_enter(&t)) {
        saved = errno;
        twp_sem_took(t, s, r);
        twp_leave();
        errno = saved;
    }
    return rc;
}

TWP_EXPORT int sem_wait(sem_t *s) { return wait(s, NULL, 0, __builtin_return_address(0)); }
TWP_EXPORT int sem_timedwait(sem_t *s, const struct timespec *a) { return wait(s, a, 1, __builtin_return_address(0)); }

TWP_EXPORT int sem_trywait(sem_t *s)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(sem_trywait)(s);
    int rc = TWP_REAL(sem_trywait)(s), saved = errno;
    if (rc == 0)
        twp_sem_took(t, s, res_at(s, __builtin_return_address(0), "sem_trywait"));
    twp_leave();
    errno = saved;
    return rc;
}

/* Gives back one of the caller's units before the real post, so the waiter it wakes takes
 * the unit after it was given back (as mutex unlock does), and counts a wake in flight for a
 * waiter (before the real post, so that no reader sees the wake given and not counted). */
TWP_EXPORT int sem_post(sem_t *s)
{
    tw_task_t t;
    if (twp_enter(&t)) {
        int saved = errno;
        twp_sem_posting(t, s);
        tw_res_wake(twp_res_find(s, TW_RES_SEMAPHORE), 0);
        twp_leave();
        errno = saved;
    }
    return TWP_REAL(sem_post)(s);
}

TWP_EXPORT int sem_destroy(sem_t *s)
{
    int rc = TWP_REAL(sem_destroy)(s);
    int saved = errno;
    tw_task_t t;
    if (rc == 0 && twp_enter(&t)) {
        twp_sem_forget(t, s);
        twp_res_forget(s);
        twp_leave();
    }
    errno = saved;
    return rc;
}
