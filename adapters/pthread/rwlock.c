/* rwlock.c — pthread_rwlock_* as TW_RES_RWLOCK resources: read holds are shared holds,
 * write holds exclusive. Same shape as mutex.c: try first, park only when it would block.
 * A thread asking to write a lock it already reads is recorded waiting on a lock it holds:
 * the upgrade deadlock (glibc hangs there, and so does the program under the adapter).
 * Relocking for write what the thread writes, or for read what it writes, goes straight to
 * the real call (EDEADLK unchanged). Read locks taken recursively are counted. */
#include <errno.h>
#include "twp.h"

enum { RD = 1, WR = 0 };

static int do_real(pthread_rwlock_t *l, int rd, int timed, const struct timespec *abst)
{
    if (rd)
        return timed ? TWP_REAL(rw_timedrdlock)(l, abst) : TWP_REAL(rw_rdlock)(l);
    return timed ? TWP_REAL(rw_timedwrlock)(l, abst) : TWP_REAL(rw_wrlock)(l);
}

static int acquire(pthread_rwlock_t *l, int rd, int timed, const struct timespec *abst, void *ra)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return do_real(l, rd, timed, abst);
    struct twp_held *h = twp_held_find(t, l);
    if (h && (!h->shared || rd)) {
        /* write-held: EDEADLK from glibc; read-held and reading again: recursive read */
        twp_leave();
        int rc = do_real(l, rd, timed, abst);
        if (rc == 0)
            h->count++;
        return rc;
    }
    uint32_t site = twp_site(ra, rd ? (timed ? "pthread_rwlock_timedrdlock" : "pthread_rwlock_rdlock") : (timed ? "pthread_rwlock_timedwrlock" : "pthread_rwlock_wrlock")), obj;
    tw_res_t r = twp_res(l, TW_RES_RWLOCK, site, &obj);
    int rc = h ? EBUSY : rd ? TWP_REAL(rw_tryrdlock)(l) : TWP_REAL(rw_trywrlock)(l);
    int parked = 0;
    if (rc != 0) {
        if (timed)
            tw_await_begin(t, site, TW_WAIT_ACQUIRE, tw_res_id(r), 1);
        else
            tw_acquire_request(t, r, 1, site);
        twp_park(t);
        rc = do_real(l, rd, timed, abst);
        twp_unpark(t);
        parked = 1;
    }
    if (rc == 0) {
        /* one that did not wait is one event, its site included */
        if (twp_held_add(t, l, r, obj, site, rd))
            tw_acquire_at(t, r, rd ? -1 : 1, site, (timed ? TW_ACQ_TIMED : TW_ACQ_LOCK) | (parked ? 0 : TW_ACQ_AT_ONCE));
        else if (parked)
            tw_await_end(t);
    } else if (parked) {
        tw_await_end(t);
    }
    twp_leave();
    return rc;
}

TWP_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return acquire(l, RD, 0, NULL, __builtin_return_address(0)); }
TWP_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return acquire(l, WR, 0, NULL, __builtin_return_address(0)); }
TWP_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *a)
{ return acquire(l, RD, 1, a, __builtin_return_address(0)); }
TWP_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *a)
{ return acquire(l, WR, 1, a, __builtin_return_address(0)); }

static int try_acquire(pthread_rwlock_t *l, int rd, void *ra)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return rd ? TWP_REAL(rw_tryrdlock)(l) : TWP_REAL(rw_trywrlock)(l);
    struct twp_held *h = twp_held_find(t, l);
    int rc = rd ? TWP_REAL(rw_tryrdlock)(l) : TWP_REAL(rw_trywrlock)(l);
    if (h) {
        if (rc == 0)
            h->count++;
        twp_leave();
        return rc;
    }
    uint32_t site = twp_site(ra, rd ? "pthread_rwlock_tryrdlock" : "pthread_rwlock_trywrlock"), obj;
    tw_res_t r = twp_res(l, TW_RES_RWLOCK, site, &obj);
    if (rc == 0) {
        if (twp_held_add(t, l, r, obj, site, rd))
            tw_acquire_at(t, r, rd ? -1 : 1, site, TW_ACQ_TRY | TW_ACQ_AT_ONCE);
    } else if (rc == EBUSY) {
        tw_try_fail(t, r);
    }
    twp_leave();
    return rc;
}

TWP_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return try_acquire(l, RD, __builtin_return_address(0)); }
TWP_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return try_acquire(l, WR, __builtin_return_address(0)); }

TWP_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(rw_unlock)(l);
    struct twp_held *h = twp_held_find(t, l);
    if (h && h->count > 1) {
        int rc = TWP_REAL(rw_unlock)(l);
        if (rc == 0)
            h->count--;
        twp_leave();
        return rc;
    }
    if (h) {
        tw_release(t, h->res, h->shared ? -1 : 1);
        twp_held_remove(t, h);
    }
    twp_leave();
    return TWP_REAL(rw_unlock)(l);
}

TWP_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
    int rc = TWP_REAL(rw_destroy)(l);
    tw_task_t t;
    if (rc == 0 && twp_enter(&t)) {
        twp_res_forget(l);
        twp_leave();
    }
    return rc;
}
