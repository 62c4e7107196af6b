/* facts_agree.c — when attach-only facts need a second sample, and when two samples agree.
 *
 * One sample of a stopped process is one instant, but a thread just woken from a futex still
 * looks blocked in it (DESIGN.md "Certain means proven"). A mutex cycle is proven by glibc's
 * owner fields in one sample; every other untimed wait (semaphores, condvars, joins, barriers,
 * rwlocks, unknown futexes) is proven only when a second sample >= 100 ms later shows exactly
 * the same threads, waits and object states, and no blocked thread ran in between: a busy
 * program can pass through the very same stop twice (a broadcast round, a barrier cycle), so
 * alike stops are not enough; the thread's context-switch count, read while the process ran,
 * is the progress sign. Every frontend asks these two questions here. */
#include "internal.h"

int twc_facts_need_second_sample(const struct twc_facts *f)
{
    for (size_t i = 0; f && i < f->nthreads; i++) {
        const struct twc_fact_thread *t = &f->threads[i];
        if (t->timed) continue;
        switch (t->block) {
        case TWC_BLOCK_SEM: case TWC_BLOCK_COND: case TWC_BLOCK_JOIN: case TWC_BLOCK_BARRIER:
        case TWC_BLOCK_RWLOCK_RD: case TWC_BLOCK_RWLOCK_WR: case TWC_BLOCK_UNKNOWN:
        case TWC_BLOCK_FUTURE:
            return 1;
        default: break;
        }
    }
    return 0;
}

static const struct twc_fact_thread *thread_of(const struct twc_facts *f, uint64_t tid)
{
    for (size_t j = 0; j < f->nthreads; j++) if (f->threads[j].tid == tid) return &f->threads[j];
    return NULL;
}

static const struct twc_fact_object *object_of(const struct twc_facts *f, uint64_t addr)
{
    for (size_t j = 0; j < f->nobjects; j++) if (f->objects[j].addr == addr) return &f->objects[j];
    return NULL;
}

int twc_facts_agree(const struct twc_facts *a, const struct twc_facts *b)
{
    if (!a || !b || a->nthreads != b->nthreads || a->nobjects != b->nobjects) return 0;
    for (size_t i = 0; i < a->nthreads; i++) {
        const struct twc_fact_thread *x = &a->threads[i], *y = thread_of(b, x->tid);
        if (!y || x->block != y->block || x->timed != y->timed || x->object != y->object || x->object2 != y->object2)
            return 0;
        /* An untimed wait is proven stuck only by counts read while the process ran: one unknown
         * (unreadable, or read while the debugger still held the thread stopped: a loaded host
         * can leave a traced thread stopped through the whole run window) proves nothing. */
        if (x->block != TWC_BLOCK_NONE && !x->timed && (!x->switches || !y->switches || x->switches != y->switches))
            return 0;
    }
    for (size_t i = 0; i < a->nobjects; i++) {
        const struct twc_fact_object *x = &a->objects[i], *y = object_of(b, x->addr);
        if (!y || x->kind != y->kind || x->owner_tid != y->owner_tid || x->value != y->value) return 0;
    }
    return 1;
}
