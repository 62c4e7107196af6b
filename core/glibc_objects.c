/* glibc_objects.c — what a glibc object says about itself (a mutex's owner, a semaphore's
 * value, an rwlock's writer), and which object a futex word belongs to. Objects are read
 * through the frontend's reader: they are input, not memory, and every read may fail. */
#include "glibc.h"

#define MUTEX_ROBUST 16
#define MUTEX_PI 32
#define FUTEX_TID_MASK 0x3fffffffu
#define MUTEX_INCONSISTENT 0x7fffffff
#define MUTEX_NOTRECOVERABLE 0x7ffffffe

int twc__rd32(const struct twc__mem *m, uint64_t a, uint32_t *v)
{
    return m->rd(m->ctx, a, v, 4) == 4 ? 0 : -1;
}

int twc__rd64(const struct twc__mem *m, uint64_t a, uint64_t *v)
{
    return m->rd(m->ctx, a, v, 8) == 8 ? 0 : -1;
}

uint64_t twc__mutex_owner(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t m)
{
    uint32_t owner = 0, lock = 0, kind = 0;
    if (twc__rd32(mem, m + (uint64_t)L->mutex_owner, &owner) != 0)
        return 0;
    twc__rd32(mem, m + (uint64_t)L->mutex_kind, &kind);
    /* A robust mutex whose owner died keeps a marker, not a TID. */
    if (owner == MUTEX_INCONSISTENT || owner == MUTEX_NOTRECOVERABLE || (int32_t)owner < 0)
        owner = 0;
    /* PI and robust mutexes keep the owner's TID in the lock word itself. */
    if (owner == 0 && (kind & (MUTEX_PI | MUTEX_ROBUST)) && twc__rd32(mem, m, &lock) == 0)
        owner = lock & FUTEX_TID_MASK;
    return owner;
}

int twc__plausible_mutex(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t a, uint64_t not_this)
{
    uint32_t lock, count, owner, kind;
    if (a == 0 || (a & 7) || a == not_this || twc__rd32(mem, a, &lock) || twc__rd32(mem, a + 4, &count) ||
        twc__rd32(mem, a + (uint64_t)L->mutex_owner, &owner) || twc__rd32(mem, a + (uint64_t)L->mutex_kind, &kind))
        return 0;
    if (kind & ~(0x7fu | 0x100u | 0x200u | 0xfff80000u))
        return 0;
    if (count > 1000000)
        return 0;
    if ((lock == 0) != (owner == 0) && !(kind & MUTEX_ROBUST /* the owner may be marked dead */))
        return 0;
    return 1;
}

uint64_t twc__rwlock_writer(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t a)
{
    uint32_t w = 0;
    if (twc__rd32(mem, a + (uint64_t)L->rw_cur_writer, &w) != 0 || (int32_t)w <= 0)
        return 0;
    return w;
}

int64_t twc__sem_value(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t a)
{
    uint32_t v;
    return twc__rd32(mem, a, &v) == 0 ? (int64_t)(v >> L->sem_value_shift) : -1;
}

uint64_t twc__cond_from_futex(const struct twc_glibc *L, uint64_t futex)
{
    uint64_t base = futex - (uint64_t)L->cond_signals;
    /* >= 2.25: the waiter sleeps on __g_signals[g], g in {0,1}; the condvar is 8-byte aligned,
     * so exactly one of the two candidate bases is. */
    if (L->cond_mutex_ptr < 0 && (base & 7))
        base -= 4;
    return base;
}

uint64_t twc__rwlock_from_futex(const struct twc_glibc *L, uint64_t futex, uint32_t expected, int reader)
{
    /* Readers sleep on __readers (expecting a value with RWAITING set) or on __wrphase_futex
     * (expecting 1|FUTEX_USED = 3); writers on __writers_futex (expecting 1|FUTEX_USED = 3) or
     * on __wrphase_futex (expecting FUTEX_USED = 2). */
    uint64_t base;
    if (reader)
        base = futex - (uint64_t)(expected == 3 ? L->rw_wrphase : L->rw_readers);
    else
        base = futex - (uint64_t)(expected == 2 ? L->rw_wrphase : L->rw_writers_futex);
    if (base & 7) /* misjudged which word: the rwlock is 8-byte aligned */
        base = futex - (uint64_t)L->rw_writers_futex;
    return base;
}

uint64_t twc__barrier_from_futex(const struct twc_glibc *L, uint64_t futex)
{
    return futex - (uint64_t)L->barrier_round;
}
