/* wake.c — wakes in flight on a resource (ABI 1.2 tw_res_rec.wake_state).
 *
 * A thread signalled on a condvar, or posted to on a semaphore, stays "waiting" in its task
 * record until it runs again. Between the two, a reader would see a waiter nobody can wake
 * and, with every other thread blocked too, call a busy program deadlocked. The waker cannot
 * write the waiter's record (one writer per fact), and does not know which waiter it woke, so
 * the resource counts both: waiters (in the high half) and wakes pending among them (low
 * half, never above waiters). One CAS per call keeps the pair consistent without a lock. */
#include "internal.h"

static uint64_t pack(uint32_t waiters, uint32_t pending)
{
    return (uint64_t)waiters << 32 | (pending < waiters ? pending : waiters);
}

void tw__res_waiter(tw_res_t rh, int delta)
{
    struct tw_res_rec *r = tw_res_rec(rh);
    if (!r)
        return;
    uint64_t w = __atomic_load_n(&r->wake_state, __ATOMIC_RELAXED), next;
    do {
        uint32_t waiters = TW_WAKE_WAITERS(w), pending = TW_WAKE_PENDING(w);
        if (delta > 0)
            next = pack(waiters + 1, pending);
        else /* the returning waiter takes one pending wake with it, whatever woke it */
            next = pack(waiters ? waiters - 1 : 0, pending ? pending - 1 : 0);
    } while (!__atomic_compare_exchange_n(&r->wake_state, &w, next, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

void tw__res_wake(tw_res_t rh, int all)
{
    struct tw_res_rec *r = tw_res_rec(rh);
    if (!r)
        return;
    uint64_t w = __atomic_load_n(&r->wake_state, __ATOMIC_RELAXED), next;
    do {
        uint32_t waiters = TW_WAKE_WAITERS(w), pending = TW_WAKE_PENDING(w);
        if (waiters == 0 || pending == waiters)
            return; /* nobody to wake, or every waiter already has a wake on its way */
        next = pack(waiters, all ? waiters : pending + 1);
    } while (!__atomic_compare_exchange_n(&r->wake_state, &w, next, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}
