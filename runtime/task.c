/* task.c — waiting in general (block_on, waiter queues), join, and hand-written waits (park and
 * wakers). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "sched.h"

void twrt__wq_push(struct twrt__wq *q, struct twrt__waiter *w)
{
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail) q->tail->next = w; else q->head = w;
    q->tail = w;
}

void twrt__wq_remove(struct twrt__wq *q, struct twrt__waiter *w)
{
    if (w->prev) w->prev->next = w->next; else q->head = w->next;
    if (w->next) w->next->prev = w->prev; else q->tail = w->prev;
    w->next = w->prev = NULL;
}

/* The wait holds a waker for the task while it is registered with the primitive (like a future
 * that stored its waker), so a healthy wait never shows wakers_alive 0: that is kept for lost
 * wakers. The waker is consumed when the task resumes. */
void twrt__block_on(twrt_spin *lk, int *done)
{
    if (*done) return;
    struct twrt_task *t = twrt__current();
    tw_waker(t->tw, TW_EV_WAKER_CREATE, 0);
    twrt__block_until(lk, done);
    tw_waker(t->tw, TW_EV_WAKER_DROP, 0);
}

/* block_on without its waker events: for a caller whose own events say when the wait's waker
 * is made and given back (TW_ACQ_WAKER on its blocking event and on the one that ends it). */
void twrt__block_until(twrt_spin *lk, int *done)
{
    /* the caller recorded the wait just now: the first switch-out follows it at once */
    struct twrt_task *t = twrt__current();
    if (!*(volatile int *)done) t->blocked_at_once = 1;
    else if (t->block_kind) twrt__block_now(t, t->block_res, t->block_kind, t->block_site); /* no switch-out to leave it to */
    while (!*(volatile int *)done) {
        twrt__spin_unlock(lk);
        twrt__suspend();
        twrt__spin_lock(lk);
    }
}

/* ---- join ---- */

void twrt__join_complete(struct twrt_task *t)
{
    twrt__spin_lock(&t->join_lk);
    t->done = 1;
    while (t->joiners.head) {
        struct twrt__waiter *w = t->joiners.head;
        twrt__wq_remove(&t->joiners, w);
        w->done = 1;
        twrt__wake_how(w->task, TW_ACQ_SAME_TIME); /* right after the poll end (or wake) before it */
    }
    twrt__spin_unlock(&t->join_lk);
    atomic_store(&t->done_futex, 1);
    syscall(SYS_futex, &t->done_futex, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

void *twrt__join(twrt_task *t, uint32_t site)
{
    if (!t) return NULL;
    struct twrt_task *self = twrt__current();
    if (!self) {
        while (!atomic_load(&t->done_futex))
            syscall(SYS_futex, &t->done_futex, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        /* The completing worker may still hold join_lk: let it finish before we free. */
        twrt__spin_lock(&t->join_lk);
        twrt__spin_unlock(&t->join_lk);
    } else {
        twrt__spin_lock(&t->join_lk);
        if (!t->done) {
            struct twrt__waiter w = { .task = self };
            twrt__wq_push(&t->joiners, &w);
            /* the wait and its waker in one event, their ends in one */
            tw_await_begin(self->tw, site, TW_WAIT_JOIN, t->tw ? tw_task_id(t->tw) : 0, TW_AWAIT_WAKER);
            twrt__block_until(&t->join_lk, &w.done);
            tw_await_end_how(self->tw, TW_ACQ_WAKER);
        }
        twrt__spin_unlock(&t->join_lk);
    }
    void *r = t->result;
    twrt__task_unref(t);
    return r;
}

/* ---- park and wakers ---- */

struct twrt_waker { struct twrt_task *task; };

int twrt__park(uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    if (atomic_exchange(&t->park_token, 0)) return 0;
    /* No waker is created here: whoever holds one of the task's wakers can wake it, and if
     * nobody does, wakers_alive 0 shows the lost waker. */
    tw_await_begin(t->tw, site, TW_WAIT_PARK, 0, 0);
    while (!atomic_exchange(&t->park_token, 0)) twrt__suspend();
    tw_await_end(t->tw);
    return 0;
}

static twrt_waker *waker_new(struct twrt_task *t, int op)
{
    twrt_waker *w = malloc(sizeof *w);
    if (!w) return NULL;
    w->task = t;
    twrt__task_ref(t);   /* a waker keeps its task's memory alive */
    twrt__waker_drop_foreign(t, op);
    return w;
}

twrt_waker *twrt_waker_get(void)
{
    struct twrt_task *t = twrt__current();
    return t ? waker_new(t, TW_EV_WAKER_CREATE) : NULL;
}

twrt_waker *twrt_waker_clone(twrt_waker *w) { return w ? waker_new(w->task, TW_EV_WAKER_CLONE) : NULL; }

void twrt_waker_drop(twrt_waker *w)
{
    if (!w) return;
    twrt__waker_drop_foreign(w->task, TW_EV_WAKER_DROP);
    twrt__task_unref(w->task);
    free(w);
}

void twrt_wake(twrt_waker *w)
{
    if (!w) return;
    atomic_store(&w->task->park_token, 1);
    twrt__wake(w->task);
}
