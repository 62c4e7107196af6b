/* sched.c — workers, run queues, the poll loop, suspend/wake, and task lifecycle.
 *
 * A worker runs a task by switching from its scheduler context into the task; the task switches
 * back when it waits, yields or ends. Everything a worker records about a task after the switch
 * back (poll end, saved registers, a deferred wake or pause) happens under the task's spinlock,
 * the same lock wakers and the pause controller take (see internal.h for the ownership rules).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "sched.h"
#include "tsan.h"

int twrt__nworkers;
size_t twrt__stack_size;
static struct twrt_worker *workers;
static atomic_int started;          /* 0 no, 1 starting, 2 running */
static atomic_uint rr;              /* round-robin target for spawns from plain threads */
static atomic_uint next_local_id = 1; /* task ids when instrumentation is off */
/* initial-exec: libtwrt is a shared library, and the default (global-dynamic) model made every
 * twrt__current() a call to __tls_get_addr — 130 instructions of a channel round trip that the
 * runtime compiled into a program never paid. The library is linked, not dlopen()ed late. */
static __thread struct twrt_worker *tls_worker __attribute__((tls_model("initial-exec")));

void twrt__spin_lock_slow(twrt_spin *s)
{
    for (unsigned n = 0;; n++) {
        while (atomic_load_explicit(&s->v, memory_order_relaxed)) {
            if (n++ < 64) __builtin_ia32_pause();
            else sched_yield();
        }
        if (atomic_exchange_explicit(&s->v, 1, memory_order_acquire) == 0) return;
    }
}

/* noipa: a task may migrate between workers across a switch, so the TLS address must be
 * computed afresh after every switch, never cached by the compiler in the caller (nor the
 * call's result reused: the library is built with -fno-semantic-interposition, which lets the
 * compiler analyse its own functions across calls). */
__attribute__((noipa)) struct twrt_worker *twrt__worker(void) { return tls_worker; }
__attribute__((noipa)) struct twrt_task *twrt__current(void)
{
    struct twrt_worker *w = tls_worker;
    return w ? w->current : NULL;
}
tw_task_t twrt__current_tw(void)
{
    struct twrt_task *t = twrt__current();
    return t ? t->tw : 0;
}
twrt_task *twrt_self(void) { return twrt__current(); }
uint32_t twrt_task_id(const twrt_task *t) { return t ? t->id : 0; }

/* ---- run queues ---- */

static void rq_push(struct twrt_worker *w, struct twrt_task *t)
{
    t->qnext = NULL;
    twrt__spin_lock(&w->rq_lk);
    if (w->rq_tail) w->rq_tail->qnext = t; else w->rq_head = t;
    w->rq_tail = t;
    atomic_fetch_add_explicit(&w->rq_len, 1, memory_order_relaxed);
    twrt__spin_unlock(&w->rq_lk);
}

static struct twrt_task *rq_pop(struct twrt_worker *w)
{
    if (atomic_load_explicit(&w->rq_len, memory_order_relaxed) == 0) return NULL;
    twrt__spin_lock(&w->rq_lk);
    struct twrt_task *t = w->rq_head;
    if (t) {
        w->rq_head = t->qnext;
        if (!w->rq_head) w->rq_tail = NULL;
        atomic_fetch_sub_explicit(&w->rq_len, 1, memory_order_relaxed);
    }
    twrt__spin_unlock(&w->rq_lk);
    return t;
}

/* Make t runnable: on the current worker's queue when called from a worker (locality), else
 * round-robin; then wake an idle worker if any sleeps. */
void twrt__enqueue(struct twrt_task *t)
{
    struct twrt_worker *w = twrt__worker();
    if (!w) w = &workers[atomic_fetch_add_explicit(&rr, 1, memory_order_relaxed) % (unsigned)twrt__nworkers];
    rq_push(w, t);
    twrt__idle_kick();
}

static struct twrt_task *find_work(struct twrt_worker *w)
{
    struct twrt_task *t = rq_pop(w);
    if (t) return t;
    /* Steal the oldest task of the longest other queue. */
    struct twrt_worker *best = NULL;
    int bl = 0;
    for (int i = 0; i < twrt__nworkers; i++) {
        int l = atomic_load_explicit(&workers[i].rq_len, memory_order_relaxed);
        if (&workers[i] != w && l > bl) { bl = l; best = &workers[i]; }
    }
    return best ? rq_pop(best) : NULL;
}

int twrt__any_work(void)
{
    for (int i = 0; i < twrt__nworkers; i++)
        if (atomic_load_explicit(&workers[i].rq_len, memory_order_acquire)) return 1;
    return 0;
}

/* ---- TSan fibers: creating one costs TSan tens of milliseconds, so finished tasks' fibers are
 * reused (the free list orders the old task's end before the new task's start). ---- */
#if defined(__SANITIZE_THREAD__)
#define FIBER_POOL 4096
static twrt_spin fiber_lk;
static void *fiber_pool[FIBER_POOL];
static int fiber_n;
static void *fiber_get(const char *name)
{
    void *f = NULL;
    twrt__spin_lock(&fiber_lk);
    if (fiber_n) f = fiber_pool[--fiber_n];
    twrt__spin_unlock(&fiber_lk);
    if (f) { __tsan_set_fiber_name(f, name); return f; }
    return twrt__tsan_create(name);
}
static void fiber_put(void *f)
{
    twrt__spin_lock(&fiber_lk);
    if (fiber_n < FIBER_POOL) { fiber_pool[fiber_n++] = f; f = NULL; }
    twrt__spin_unlock(&fiber_lk);
    twrt__tsan_destroy(f);
}
#else
#define fiber_get(name) twrt__tsan_create(name)
#define fiber_put(f) twrt__tsan_destroy(f)
#endif

/* ---- refcounts and freeing ---- */

void twrt__task_ref(struct twrt_task *t) { atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed); }

void twrt__task_unref(struct twrt_task *t)
{
    if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1) return;
    twrt__registry_remove(t);
    if (t->stack.lo) twrt__stack_free(&t->stack);
    fiber_put(t->tsan_fiber);
    free(t);
}

/* ---- switching ---- */

/* Leave the running task for the worker's scheduler; returns when the task is next polled. */
static void switch_out(struct twrt_task *t)
{
    struct twrt_worker *w = twrt__worker();
    twrt__tsan_switch(w->tsan_fiber);
    twrt__ctx_switch(&t->ctx, &w->sched);
}

void twrt__suspend(void)
{
    struct twrt_task *t = twrt__current();
    switch_out(t);
}

void twrt_yield(void)
{
    struct twrt_task *t = twrt__current();
    if (!t) { sched_yield(); return; }
    t->yielding = 1;
    switch_out(t);
}

/* Park or requeue a task that just switched out; records its poll's end. Caller holds t->lk. */
static void after_pending(struct twrt_worker *w, struct twrt_task *t)
{
    struct tw_context c;
    twrt__ctx_export(&t->ctx, &c);
    c.stack_lo = (uint64_t)(uintptr_t)t->stack.lo;
    c.stack_hi = (uint64_t)(uintptr_t)t->stack.hi;
    int ready = 0;
    if (t->block_kind) {
        /* its channel wait, left to this moment: the block, the poll's end and the registers in
         * one record update and one event (twrt__block_later) */
        tw_poll_end_blocked(t->tw, t->block_res, t->block_kind, t->block_site, TW_ACQ_WAKER, &c);
    } else {
        tw_task_context(t->tw, &c);
        if (t->yielding) {
            t->yielding = 0;
            tw_poll_end(t->tw, TW_POLL_READY);
            ready = 1;
        } else {
            /* suspended right after recording its wait: the poll ended then (one clock read) */
            tw_poll_end_how(t->tw, TW_POLL_PENDING, t->blocked_at_once ? TW_ACQ_SAME_TIME : 0);
        }
    }
    t->blocked_at_once = 0;
    t->block_kind = 0;
    for (; t->pending_waker_clones > 0; t->pending_waker_clones--) tw_waker(t->tw, TW_EV_WAKER_CLONE, 0);
    for (; t->pending_waker_drops > 0; t->pending_waker_drops--) tw_waker(t->tw, TW_EV_WAKER_DROP, 0);
    if (!ready && t->notified) {
        tw_wake(t->tw, t->notified_by);
        ready = 1;
    }
    t->notified = 0;
    if (t->pause_req && !t->paused) {
        t->paused = 1;
        tw_task_pause(t->tw, 1);
    }
    if (!ready) { t->state = TS_WAITING; return; }
    if (t->paused) { t->state = TS_HELD; return; }
    t->state = TS_READY;
    (void)w;
    twrt__enqueue(t);
}

static void after_exit(struct twrt_task *t)
{
    /* A completed poll ends the task (its state becomes DONE): no TW_EV_DONE after it, which
     * would only repeat that (tests/runtime: a finished task's record and replay). */
    tw_poll_end(t->tw, TW_POLL_COMPLETED);
    twrt__spin_lock(&t->lk);
    t->state = TS_DONE;
    twrt__spin_unlock(&t->lk);
    twrt__join_complete(t);
    twrt__task_unref(t);   /* the scheduler's reference */
}

/* at_once: the worker polled a task just before this one and has not waited since */
static void run(struct twrt_worker *w, struct twrt_task *t, int at_once)
{
    twrt__spin_lock(&t->lk);
    if (t->pause_req || t->paused) {
        if (!t->paused) { t->paused = 1; tw_task_pause(t->tw, 1); }
        t->state = TS_HELD;
        twrt__spin_unlock(&t->lk);
        return;
    }
    t->state = TS_RUNNING;
    twrt__spin_unlock(&t->lk);
    w->current = t;
    tw_poll_begin_how(t->tw, at_once ? TW_ACQ_SAME_TIME : 0);
    twrt__tsan_switch(t->tsan_fiber);
    twrt__ctx_switch(&w->sched, &t->ctx);
    w->current = NULL;
    if (!twrt__stack_canary_ok(&t->stack)) {
        fprintf(stderr, "twrt: task '%s' (id %u) overflowed its %zu-byte stack (canary overwritten)\n", t->name, t->id,
                (size_t)(t->stack.hi - t->stack.lo));
        abort();
    }
    if (t->exiting) { after_exit(t); return; }
    twrt__spin_lock(&t->lk);
    after_pending(w, t);
    twrt__spin_unlock(&t->lk);
}

void twrt__wake_how(struct twrt_task *t, int how)
{
    tw_task_t by = twrt__current_tw();
    twrt__spin_lock(&t->lk);
    switch (t->state) {
    case TS_WAITING:
        tw_wake_how(t->tw, by, how);
        if (t->paused) {
            t->state = TS_HELD;
        } else {
            t->state = TS_READY;
            twrt__enqueue(t);
        }
        break;
    case TS_RUNNING:
        if (!t->notified) { t->notified = 1; t->notified_by = by; }
        break;
    default:   /* already ready, held or done: nothing to do */
        break;
    }
    twrt__spin_unlock(&t->lk);
}

void twrt__wake(struct twrt_task *t) { twrt__wake_how(t, 0); }

void twrt__waker_drop_foreign(struct twrt_task *t, int op)
{
    twrt__spin_lock(&t->lk);
    if (t->state == TS_RUNNING && twrt__current() != t) {
        if (op == TW_EV_WAKER_DROP) t->pending_waker_drops++;
        else if (op == TW_EV_WAKER_CLONE) t->pending_waker_clones++;
    } else if (t->state != TS_DONE) {
        tw_waker(t->tw, op, 0);
    }
    twrt__spin_unlock(&t->lk);
}

/* Apply a pause/resume request from the region's control area. */
void twrt__control_apply(uint32_t id, int op)
{
    struct twrt_task *t = twrt__registry_get(id);
    if (!t) return;
    twrt__spin_lock(&t->lk);
    if (op == TW_CTL_PAUSE) {
        t->pause_req = 1;
        /* A task that is not running pauses at once; a running one at its next suspend. */
        if (t->state != TS_RUNNING && t->state != TS_DONE && !t->paused) {
            t->paused = 1;
            tw_task_pause(t->tw, 1);
        }
    } else if (op == TW_CTL_RESUME) {
        t->pause_req = 0;
        if (t->paused) {
            t->paused = 0;
            tw_task_pause(t->tw, 0);
            if (t->state == TS_HELD) {
                t->state = TS_READY;
                twrt__enqueue(t);
            }
        }
    }
    twrt__spin_unlock(&t->lk);
    twrt__task_unref(t);
}

void twrt__control_poll(void)
{
    uint32_t id;
    int op;
    while (tw_control_take(&id, &op)) twrt__control_apply(id, op);
}

/* Take control requests when there may be new ones: a requester bumps the control futex word
 * after posting (core/control.c), so a worker that saw the same value last time has nothing to
 * take, and one load answers (tw_control_take was a call into the shim per poll: 60
 * instructions of a channel round trip). Without a region there is no control area yet. */
static void control_check(struct twrt_worker *w)
{
#ifndef TW_DISABLE_INSTRUMENTATION
    if (!w->ctl) {
        if (!__atomic_load_n(&tw_region, __ATOMIC_ACQUIRE) || !(w->ctl = tw_control_futex())) return;
        /* look once: requests may predate this worker's first look */
        w->ctl_seen = __atomic_load_n(w->ctl, __ATOMIC_ACQUIRE) - 1;
    }
    uint32_t gen = __atomic_load_n(w->ctl, __ATOMIC_ACQUIRE);
    if (gen == w->ctl_seen) return;
    w->ctl_seen = gen;
    twrt__control_poll();
#else
    (void)w;
#endif
}

/* A channel operation of the running task t blocks on r at `site` (kind TW_WAIT_RECV or
 * TW_WAIT_SEND), its waker made with the wait: record the block now, or leave it to the worker
 * that switches t out, which records it with the poll's end as one event (tw_poll_end_blocked).
 * Not when backtraces are on: the block's stack must be the blocking call's, not the
 * scheduler's. */
void twrt__block_later(struct twrt_task *t, tw_res_t r, int kind, uint32_t site)
{
#ifndef TW_DISABLE_INSTRUMENTATION
    struct tw_header *h = __atomic_load_n(&tw_region, __ATOMIC_ACQUIRE);
    if (h && h->backtrace == TW_BT_OFF && t->tw) {
        t->block_res = r;
        t->block_site = site;
        t->block_kind = (uint8_t)kind;
        return;
    }
#endif
    twrt__block_now(t, r, kind, site);
}

void twrt__block_now(struct twrt_task *t, tw_res_t r, int kind, uint32_t site)
{
    if (kind == TW_WAIT_SEND)
        tw_block_full_how(t->tw, r, site, TW_ACQ_WAKER);
    else
        tw_block_empty_how(t->tw, r, site, TW_ACQ_WAKER);
    t->block_kind = 0;
}

/* ---- the task side ---- */

void twrt__task_main(struct twrt_task *t)
{
    t->result = t->fn(t->arg);
    /* Re-read the task: it may have migrated, but `t` itself stays valid until it is freed. */
    t->exiting = 1;
    switch_out(t);
    __builtin_unreachable();
}

/* ---- workers ---- */

static void *worker_main(void *arg)
{
    struct twrt_worker *w = arg;
    tls_worker = w;
    w->tsan_fiber = twrt__tsan_current();
    twrt__stack_install_handler();
    char nm[16];
    snprintf(nm, sizeof nm, "twrt-worker-%d", w->index);
    pthread_setname_np(pthread_self(), nm);
    /* a poll that follows another without an idle wait between takes its start from the last
     * event recorded (the previous poll's end, or a wake or pause after it): one clock read */
    int at_once = 0;
    for (;;) {
        control_check(w);
        twrt__timers_run();
        struct twrt_task *t = find_work(w);
        if (t) { run(w, t, at_once); at_once = 1; continue; }
        twrt__idle_wait(w);
        at_once = 0;
    }
    return NULL;
}

static int env_int(const char *name, int dflt)
{
    const char *s = getenv(name);
    if (!s || !*s) return dflt;
    long v = strtol(s, NULL, 10);
    return v > 0 && v < 1 << 20 ? (int)v : dflt;
}

int twrt_init(const struct twrt_config *cfg)
{
    int expect = 0;
    if (!atomic_compare_exchange_strong(&started, &expect, 1)) {
        while (atomic_load(&started) != 2) sched_yield();
        return -EALREADY;
    }
    int n = cfg && cfg->workers > 0 ? cfg->workers : env_int("TWRT_WORKERS", 2);
    size_t ss = cfg && cfg->stack_size ? cfg->stack_size : (size_t)env_int("TWRT_STACK_KB", 64) * 1024;
    if (ss < 16 * 1024) ss = 16 * 1024;
    twrt__stack_size = ss;
    workers = calloc((size_t)n, sizeof *workers);
    if (!workers) { atomic_store(&started, 0); return -ENOMEM; }
    twrt__nworkers = n;
    for (int i = 0; i < n; i++) workers[i].index = i;
    for (int i = 0; i < n; i++) {
        pthread_attr_t a;
        pthread_attr_init(&a);
        int rc = pthread_create(&workers[i].thread, &a, worker_main, &workers[i]);
        pthread_attr_destroy(&a);
        if (rc) {
            /* Workers already started keep running; the runtime works with fewer. */
            if (i == 0) { atomic_store(&started, 0); return -rc; }
            twrt__nworkers = i;
            break;
        }
        pthread_detach(workers[i].thread);
    }
    atomic_store(&started, 2);
    return 0;
}

void twrt__ensure_init(void)
{
    if (__builtin_expect(atomic_load_explicit(&started, memory_order_acquire) == 2, 1)) return;
    twrt_init(NULL);
}

twrt_task *twrt__spawn(const char *name, twrt_fn fn, void *arg, void *const *moved, uint32_t site)
{
    twrt__ensure_init();
    struct twrt_task *t = calloc(1, sizeof *t);
    if (!t) { errno = ENOMEM; return NULL; }
    if (twrt__stack_alloc(twrt__stack_size, &t->stack) != 0) { free(t); errno = ENOMEM; return NULL; }
    snprintf(t->name, sizeof t->name, "%s", name ? name : "task");
    t->fn = fn;
    t->arg = arg;
    atomic_init(&t->refs, 2);   /* the scheduler and the join handle */
    t->state = TS_NEW;
    twrt__ctx_make(&t->ctx, t->stack.lo, t->stack.hi, t);
    t->tsan_fiber = fiber_get(t->name);
    /* The record belongs to the spawner until the task is queued. */
    tw_task_t parent = twrt__current_tw();
    t->tw = tw_task_spawn(t->name, site, parent);
    t->id = t->tw ? tw_task_id(t->tw) : atomic_fetch_add(&next_local_id, 1) | 0x80000000u;
    if (moved)
        for (size_t i = 0; moved[i]; i++) twrt__handle_move(moved[i], t);
    twrt__registry_add(t);
    t->state = TS_READY;
    twrt__enqueue(t);
    return t;
}

void twrt_detach(twrt_task *t)
{
    if (t) twrt__task_unref(t);
}
