/* runtime/internal.h — the reference runtime's private structures.
 *
 * Ownership of a task's TurboWish record (DESIGN.md: one writer per fact): while a task is
 * RUNNING only the worker running it writes its record, without a lock. In every other state
 * the record is written only by a thread holding the task's leaf spinlock `lk` (wakers, the
 * pause controller, the worker popping it, the worker parking it after a switch-out).
 * Writers that meet a RUNNING task they do not run (a waker, a foreign waker drop) leave a note
 * (`notified`, `pending_waker_drops`) that the worker applies after the switch-out.
 *
 * Lock order: primitive lock (mutex/channel/timer/join list) -> task lk -> run queue lock.
 * A waiter is woken while the waker still holds the primitive's lock, and the woken task re-checks
 * its waiter under that same lock, so a task never leaves a wait while a waker still touches it.
 */
#ifndef TWRT_INTERNAL_H
#define TWRT_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "turbowish.h"
#include "twrt.h"

/* ---- spinlock: critical sections here are a few dozen instructions ---- */
typedef struct { atomic_int v; } twrt_spin;
void twrt__spin_lock_slow(twrt_spin *s);
static inline void twrt__spin_lock(twrt_spin *s)
{
    if (__builtin_expect(atomic_exchange_explicit(&s->v, 1, memory_order_acquire) == 0, 1)) return;
    twrt__spin_lock_slow(s);
}
static inline void twrt__spin_unlock(twrt_spin *s) { atomic_store_explicit(&s->v, 0, memory_order_release); }

/* ---- machine context ---- */
#if defined(__x86_64__) && !defined(TWRT_USE_UCONTEXT)
struct twrt_ctx { void *sp; };
#else
#include <ucontext.h>
#define TWRT_UCONTEXT 1
struct twrt_ctx { ucontext_t uc; };
#endif
struct twrt_task;
/* Prepare `c` so that switching to it runs twrt__task_main(t) on [lo, hi). */
void twrt__ctx_make(struct twrt_ctx *c, void *lo, void *hi, struct twrt_task *t);
/* Save the current registers into `from` and resume `to`. */
void twrt__ctx_switch(struct twrt_ctx *from, struct twrt_ctx *to);
/* Fill a tw_context from a context saved by twrt__ctx_switch (for backtraces). */
void twrt__ctx_export(const struct twrt_ctx *c, struct tw_context *out);
void twrt__task_main(struct twrt_task *t) __attribute__((noreturn));

/* ---- stacks ---- */
struct twrt_stack { char *lo, *hi; /* usable range; the guard lies just below lo */ void *next; int canary; };
int twrt__stack_alloc(size_t size, struct twrt_stack *out);
void twrt__stack_free(struct twrt_stack *s);
int twrt__stack_canary_ok(const struct twrt_stack *s);
void twrt__stack_install_handler(void); /* SIGSEGV on an alternate stack, per worker thread */

struct twrt__waiter;
struct twrt__wq { struct twrt__waiter *head, *tail; };

/* ---- tasks ---- */
enum { TS_NEW, TS_READY, TS_RUNNING, TS_WAITING, TS_HELD /* ready but paused */, TS_DONE };

struct twrt_worker;
struct twrt_task {
    struct twrt_ctx ctx;
    struct twrt_task *qnext;     /* run queue link */
    twrt_spin lk;                /* guards the fields below and the record outside RUNNING */
    int state;                   /* TS_* */
    uint8_t notified;            /* woken while RUNNING: requeue after the switch-out */
    uint8_t pause_req;           /* a pause is requested (applied at the next safe point) */
    uint8_t paused;              /* pause recorded in the region */
    uint8_t exiting;             /* the entry function returned */
    uint8_t yielding;            /* switched out by twrt_yield: stays ready */
    uint8_t blocked_at_once;     /* switched out right after recording its wait (twrt__block_until):
                                  * its poll end takes that event's time (TW_ACQ_SAME_TIME) */
    uint8_t block_kind;          /* a channel wait not yet recorded (twrt__block_later): TW_WAIT_RECV or
                                  * TW_WAIT_SEND, recorded with the poll's end at the switch-out */
    uint32_t block_site;
    tw_res_t block_res;
    tw_task_t notified_by;
    int pending_waker_drops;     /* foreign waker drops to record after the switch-out */
    int pending_waker_clones;    /* foreign waker clones, likewise */
    atomic_int refs;             /* scheduler + join handle + wakers */
    tw_task_t tw;                /* region handle (0 when not recorded) */
    uint32_t id;                 /* runtime id (== region id when recorded) */
    void *(*fn)(void *);
    void *arg;
    void *result;
    struct twrt_stack stack;
    char name[48];
    /* join: joiners wait under join_lk */
    twrt_spin join_lk;
    int done;
    struct twrt__wq joiners;
    atomic_uint done_futex;      /* for joins from plain threads */
    atomic_int park_token;
    void *tsan_fiber;
    struct twrt_task *hnext;     /* registry chain (id -> task, for control requests) */
};

/* A task blocked in a primitive: lives on the waiting task's stack. */
struct twrt__waiter {
    struct twrt__waiter *next, *prev;
    struct twrt_task *task;
    int done;              /* 0 waiting; otherwise the outcome (TWRT_OK, TWRT_CLOSED, ...) */
    int kind;              /* primitive-specific (reader/writer, send/recv) */
    void *msg;             /* message carried in or out */
    struct twrt__select *sel;  /* non-NULL for a select branch */
    int branch;
};

/* Intrusive FIFO of waiters (struct twrt__wq above). */
void twrt__wq_push(struct twrt__wq *q, struct twrt__waiter *w);
void twrt__wq_remove(struct twrt__wq *q, struct twrt__waiter *w);
static inline int twrt__wq_linked(struct twrt__wq *q, struct twrt__waiter *w)
{ return w->prev != NULL || q->head == w; }

struct twrt_task *twrt__current(void);      /* NULL outside a task */
tw_task_t twrt__current_tw(void);           /* 0 outside a task */
/* Suspend the current task until woken (the caller re-checks its condition). */
void twrt__suspend(void);
/* Wake `t` (woken by the current task, if any). Callers hold the lock of the primitive `t`
 * waits in, so `t` cannot leave its wait meanwhile. */
void twrt__wake(struct twrt_task *t);
/* twrt__wake, saying how: TW_ACQ_SAME_TIME when the calling thread's last event (the send,
 * receive or poll end that completes t's wait) was recorded just before, under the same lock. */
void twrt__wake_how(struct twrt_task *t, int how);
void twrt__task_ref(struct twrt_task *t);
void twrt__task_unref(struct twrt_task *t);
/* Record a waker drop for `t` from any thread (deferred if `t` runs elsewhere). */
void twrt__waker_drop_foreign(struct twrt_task *t, int op);

/* Block the current task at a wait: records a waker for it, suspends until *done != 0 under
 * `lk`, drops the waker. `lk` is held on entry and on return. */
void twrt__block_on(twrt_spin *lk, int *done);
void twrt__block_until(twrt_spin *lk, int *done); /* block_on, its waker recorded by the caller */
/* A channel wait of running task t on r (kind TW_WAIT_RECV / TW_WAIT_SEND) at site, its waker made
 * with it: recorded at t's switch-out with its poll's end (one event), or now when backtraces are
 * on (sched.c). twrt__block_now records it now. Call with the channel's lock held, just before
 * twrt__block_until. */
void twrt__block_later(struct twrt_task *t, tw_res_t r, int kind, uint32_t site);
void twrt__block_now(struct twrt_task *t, tw_res_t r, int kind, uint32_t site);

/* ---- timers ---- */
uint64_t twrt__now_ns(void);
struct twrt__timer {
    uint64_t deadline;
    struct twrt_task *task;
    int fired;
    size_t heap_index;
};
void twrt__timer_add(struct twrt__timer *tm);     /* arms; wakes tm->task at the deadline */
int twrt__timer_cancel(struct twrt__timer *tm);   /* 1 if it had not fired */
/* Fire due timers; returns ns until the next deadline (UINT64_MAX if none). */
uint64_t twrt__timers_run(void);
extern twrt_spin twrt__timer_lk;

/* ---- select ---- */
struct twrt__select {
    atomic_int fired;     /* -1 until a branch completes; then its index */
    struct twrt_task *task;
    int done;             /* mirrors fired for twrt__block_on */
};

/* ---- global ---- */
void twrt__ensure_init(void);
extern int twrt__nworkers;
extern size_t twrt__stack_size;

#endif
