/* mutex.c — pthread_mutex_* as TW_RES_MUTEX resources held and waited for.
 *
 * Each lock first tries the real trylock: an uncontended lock costs one event (the acquisition
 * with its call site, TW_ACQ_AT_ONCE, so the log shows where every lock was taken) and no
 * state change of the thread. Only when the mutex is taken does the thread's task park
 * (WAITING on the mutex, wakers = its holders) around the real blocking call. Relocking a
 * mutex the thread holds goes straight to the real call for recursive and error-checking
 * mutexes (same result, EDEADLK included); for a normal one it is recorded as the self
 * deadlock it is. Unlocking what the thread does not hold goes straight to the real call
 * (EPERM from error-checking mutexes unchanged). Acquisitions are recorded after the real lock
 * is taken and releases before the real unlock, so the real mutex orders every change of its
 * record and the shim writes it without locked instructions (TW_ACQ_OWNED). */
#include <errno.h>
#include "twp.h"

static int mutex_type(const pthread_mutex_t *m)
{
    return m->__data.__kind & 3; /* PTHREAD_MUTEX_KIND_MASK_NP: normal, recursive, errorcheck, adaptive */
}

/* inline in each wrapper: the uncontended lock is then one call from the program, not two */
static inline __attribute__((always_inline)) int acquire(tw_task_t t, pthread_mutex_t *m, const struct timespec *abst, int timed, void *ra)
{
    struct twp_held *h = twp_held_find(t, m);
    if (h && mutex_type(m) == PTHREAD_MUTEX_RECURSIVE) {
        twp_leave();
        int rc = timed ? TWP_REAL(mutex_timedlock)(m, abst) : TWP_REAL(mutex_lock)(m);
        if (rc == 0)
            h->count++;
        return rc;
    }
    if (h && mutex_type(m) == PTHREAD_MUTEX_ERRORCHECK) {
        twp_leave();
        return timed ? TWP_REAL(mutex_timedlock)(m, abst) : TWP_REAL(mutex_lock)(m);
    }
    uint32_t site = twp_site(ra, timed ? "pthread_mutex_timedlock" : "pthread_mutex_lock"), obj;
    int kept;
    tw_res_t r = twp_mutex_res(m, site, &obj, &kept);
    twp_res_prefetch(r);
    int rc = h ? EBUSY : TWP_REAL(mutex_trylock)(m);
    int parked = 0;
    if (rc != 0 && rc != EOWNERDEAD) {
        /* taken (EBUSY), or something only the real lock call can answer */
        if (timed)
            tw_await_begin(t, site, TW_WAIT_ACQUIRE, tw_res_id(r), 1);
        else
            tw_acquire_request(t, r, 1, site);
        twp_park(t);
        rc = timed ? TWP_REAL(mutex_timedlock)(m, abst) : TWP_REAL(mutex_lock)(m);
        twp_unpark(t);
        parked = 1;
    }
    if (rc == 0 || rc == EOWNERDEAD) {
        if (!kept)
            twp_mutex_keep(m, r);
        /* a timed lock cannot wait forever: held, but it makes no lock-order edge; one that did
         * not wait is one event, its site included */
        if (twp_held_add(t, m, r, obj, site, 0))
            tw_acquire_at(t, r, 1, site, (timed ? TW_ACQ_TIMED : TW_ACQ_LOCK) | (parked ? 0 : TW_ACQ_AT_ONCE) | TW_ACQ_OWNED);
        else if (parked)
            tw_await_end(t);
    } else if (parked) {
        tw_await_end(t);
    }
    twp_leave();
    return rc;
}

TWP_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(mutex_lock)(m);
    return acquire(t, m, NULL, 0, __builtin_return_address(0));
}

TWP_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abst)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(mutex_timedlock)(m, abst);
    return acquire(t, m, abst, 1, __builtin_return_address(0));
}

TWP_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(mutex_trylock)(m);
    struct twp_held *h = twp_held_find(t, m);
    int rc = TWP_REAL(mutex_trylock)(m);
    if (h) {
        if (rc == 0)
            h->count++; /* recursive */
        twp_leave();
        return rc;
    }
    uint32_t site = twp_site(__builtin_return_address(0), "pthread_mutex_trylock"), obj;
    int kept;
    tw_res_t r = twp_mutex_res(m, site, &obj, &kept);
    if (rc == 0 || rc == EOWNERDEAD) {
        if (!kept)
            twp_mutex_keep(m, r);
        /* held, and said to be a try: it never closes a lock-order inversion */
        if (twp_held_add(t, m, r, obj, site, 0))
            tw_acquire_at(t, r, 1, site, TW_ACQ_TRY | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
    } else if (rc == EBUSY) {
        tw_try_fail(t, r);
    }
    twp_leave();
    return rc;
}

TWP_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(mutex_unlock)(m);
    struct twp_held *h = twp_held_find(t, m);
    if (h && h->count > 1) {
        int rc = TWP_REAL(mutex_unlock)(m);
        if (rc == 0)
            h->count--;
        twp_leave();
        return rc;
    }
    if (h) {
        tw_res_t r = h->res;
        twp_held_remove(t, h);
        /* released before the real unlock, so the next owner's acquire comes after it; last
         * before it, so that only m lives across the call */
        tw_release_how(t, r, 1, TW_ACQ_OWNED);
    }
    twp_leave();
    return TWP_REAL(mutex_unlock)(m);
}

TWP_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
    int plain = twp_mutex_plain(m);
    int rc = TWP_REAL(mutex_destroy)(m);
    if (rc == 0 && plain) /* what it kept goes with it (glibc marked it destroyed: __kind -1) */
        __builtin_memset(&m->__data.__list, 0, sizeof m->__data.__list);
    tw_task_t t;
    if (rc == 0 && twp_enter(&t)) {
        twp_res_forget(m);
        twp_leave();
    }
    return rc;
}
