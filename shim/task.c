/* task.c — task events: spawn, polls, wakes, wakers, pause, awaits, completion.
 *
 * A task record has one writer at a time (whichever thread owns the task under the runtime's
 * own ordering), so updates are plain stores inside a seqlock; only slot allocation and ids
 * use atomics. Each function updates the record, then appends the event that can undo it. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

static inline struct tw_task_rec *task_at(struct tw_header *h, uint32_t slot)
{
    return (struct tw_task_rec *)(tw__base() + h->tasks.offset + (size_t)slot * h->tasks.stride);
}

void tw_instr_error(int code, uint32_t task, uint32_t id)
{
    struct tw_header *h = tw__hdr();
    if (!h)
        return;
    __atomic_add_fetch(&h->instr_errors, 1, __ATOMIC_RELAXED);
    tw__emit(tw__now(), TW_EV_INSTR_ERROR, TW_EVF_APP, (uint16_t)code, task, id, 0, 0);
}

/* Handle -> record, or NULL (counted) when the handle is stale, foreign or garbage. */
struct tw_task_rec *tw__task_rec_unknown(tw_task_t t)
{
    tw_instr_error(TW_ERR_UNKNOWN_TASK, (uint32_t)t, (uint32_t)t);
    return NULL;
}

struct tw_task_rec *tw__task_lookup(tw_task_t t)
{
    struct tw_tls *l = &tw_tls_;
    if (TW_UNLIKELY(!t) || TW_UNLIKELY(!tw__region_ensure()))
        return NULL;
    struct tw_task_rec *r = tw__task_at_handle(tw__hdr(), t);
    if (TW_UNLIKELY(!r))
        return tw__task_rec_unknown(t);
    if (l->events && tw__tid()) {
        /* the newest entry becomes the older one; each record before its task: a signal
         * handler between two stores finds a task with another's record, whose id check
         * fails, and looks up */
        l->prev_rec = l->last_rec;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        l->prev_task = l->last_task;
        l->last_rec = r;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        l->last_task = t;
    }
    return r;
}

static uint32_t reuse_cursor;
static int done(const void *rec) { return __atomic_load_n(&((const struct tw_task_rec *)rec)->state, __ATOMIC_RELAXED) == TW_TASK_DONE; }

/* The stack bounds the runtime published for task t (0, 0 when unknown): a hint that keeps the
 * spawner's frame walk inside its stack. Quiet, since t may be 0 or stale. */
static void stack_bounds(struct tw_header *h, tw_task_t t, uint64_t *lo, uint64_t *hi)
{
    *lo = *hi = 0;
    struct tw_task_rec *r = t ? tw__task_at_handle(h, t) : NULL;
    if (!r)
        return;
    *lo = r->ctx.stack_lo;
    *hi = r->ctx.stack_hi;
}

/* frame: the exported entry point's frame, where the spawner's stack begins. */
static tw_task_t spawn(const char *name, uint32_t site, tw_task_t parent, int state, int flags, void *frame)
{
    if (!tw__region_ensure())
        return 0;
    struct tw_header *h = tw__hdr();
    uint32_t stack = 0;
    if (TW_UNLIKELY(tw_bt_mode_)) { /* taken before the record's seqlock opens: keep that window short */
        uint64_t lo, hi;
        stack_bounds(h, parent, &lo, &hi);
        stack = tw__stack_capture(frame, lo, hi);
    }
    uint32_t slot;
    struct tw_task_rec *r = tw__slot_take(&h->tasks, tw__base(), done, &reuse_cursor, &slot);
    if (!r)
        return 0;
    uint32_t id = __atomic_fetch_add(&h->next_task_id, 1, __ATOMIC_RELAXED);
    uint32_t seq = r->seq; /* odd: we own it */
    uint64_t now = tw__now();
    memset((char *)r + sizeof r->seq, 0, sizeof *r - sizeof r->seq);
    __atomic_store_n(&r->id, id, __ATOMIC_RELAXED);
    r->parent = (uint32_t)parent;
    r->name = tw__intern(name ? name : "?");
    r->spawn_site = site;
    r->spawn_stack = stack;
    r->state = (uint8_t)state;
    r->flags = (uint8_t)flags;
    r->version = 1;
    r->created_ts = r->state_ts = now;
    r->os_tid = tw__tid();
    __atomic_store_n(&r->seq, seq + 1, __ATOMIC_RELEASE);
    if (!name)
        tw_instr_error(TW_ERR_NULL_NAME, id, id);
    tw__emit(now, TW_EV_SPAWN, 0, (uint16_t)state, id, (uint32_t)parent, 1, 0);
    return ((uint64_t)(slot + 1) << 32) | id;
}

tw_task_t tw__task_spawn(const char *name, uint32_t site, tw_task_t parent)
{
    return spawn(name, site, parent, TW_TASK_READY, 0, __builtin_frame_address(0));
}

tw_task_t tw__thread_task(const char *name, uint32_t site)
{
    return spawn(name, site, 0, TW_TASK_POLLING, TW_TF_ROOT, __builtin_frame_address(0));
}

void tw__task_name(tw_task_t t, const char *name)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (!r)
        return;
    if (!name) {
        tw_instr_error(TW_ERR_NULL_NAME, r->id, r->id);
        return;
    }
    uint32_t s = tw__intern(name), old;
    tw__seq_begin(&r->seq);
    old = r->name;
    r->name = s;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    tw__emit(tw__now(), TW_EV_NAME, TW_EVF_APP, 0, r->id, s, v, old);
}

/* The events of a task's every poll and wait. Each body is written once, as NAME_on(r,
 * attached, ...), and inlined twice: into the fast path, which runs without a call when
 * tw__task_hot holds (the task is one of this thread's cached ones, its ring attached, its tid known),
 * and into a cold slow path, which first looks the task up (and may attach the ring, learn the
 * tid, or count a bad handle). */
#define TW_ON __attribute__((always_inline)) static inline
#define TW_SLOW __attribute__((noinline, cold)) static
#define TW_HOT_OR_SLOW(name, ...)                                        \
    do {                                                                 \
        struct tw_task_rec *hot_ = tw__task_hot(&tw_tls_, t);            \
        if (TW_LIKELY(hot_ != NULL))                                     \
            name##_on(hot_, 1, ##__VA_ARGS__);                           \
        else                                                             \
            name##_slow(t, ##__VA_ARGS__);                               \
    } while (0)

__thread tw_task_t tw_polling_task __attribute__((tls_model("initial-exec")));

/* same: the poll begins at once after this thread's last event (TW_ACQ_SAME_TIME) */
TW_ON void poll_begin_on(struct tw_task_rec *r, int attached, tw_task_t t, int same)
{
    uint64_t now = tw__now_after(same, r->state_ts);
    tw__seq_begin(&r->seq);
    uint8_t state = r->state;
    uint64_t old = state | (uint64_t)r->flags << 8;
    if (state == TW_TASK_READY) {
        uint64_t d = now - r->state_ts;
        r->scheduled += d;
        r->ready_hist[tw__hist_bucket(tw__raw_to_ns(d))]++;
    } else if (state == TW_TASK_WAITING) {
        r->idle += now - r->state_ts;
    }
    r->state = TW_TASK_POLLING;
    r->os_tid = tw_tls_.tid; /* where it runs now: readers check that thread's CPU time */
    r->flags &= (uint8_t)~(TW_TF_WOKEN | TW_TF_CTX_VALID | TW_TF_IN_CALL);
    r->state_ts = now;
    r->polls++;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    /* a thread task's poll is the thread itself: calls in it stay the thread's */
    if (!(r->flags & TW_TF_ROOT))
        tw_polling_task = t;
    tw__emit_as(attached, now, TW_EV_POLL_BEGIN, 0, 0, r->id, 0, v, old);
}
TW_SLOW void poll_begin_slow(tw_task_t t, int same)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (r && tw__tid()) /* the record takes the tid from the thread's cache: fill it */
        poll_begin_on(r, 0, t, same);
}
static inline __attribute__((always_inline)) void poll_begin(tw_task_t t, int same)
{
    struct tw_task_rec *hot = tw__task_hot(&tw_tls_, t);
    if (TW_LIKELY(hot != NULL))
        poll_begin_on(hot, 1, t, same);
    else
        poll_begin_slow(t, same);
}
void tw__poll_begin(tw_task_t t) { poll_begin(t, 0); }
void tw__poll_begin_how(tw_task_t t, int how) { poll_begin(t, (how & TW_ACQ_SAME_TIME) ? 1 : 0); }

/* The wait a poll's end begins (tw_poll_end_blocked): the block folded in, and the parked
 * task's registers. */
struct poll_wait {
    uint32_t on, site;
    uint8_t kind, waker;
    const struct tw_context *ctx;
};

/* same: the poll ends at once after the task's own last event (TW_ACQ_SAME_TIME). w: NULL, or
 * the wait that begins with it (the caller checked the task had none). */
/* how: TW_ACQ_SAME_TIME (the time of the thread's last event), TW_POLL_IN_CALL */
TW_ON void poll_end_on(struct tw_task_rec *r, int attached, int outcome, int how, const struct poll_wait *w)
{
    uint64_t now = tw__now_after((how & TW_ACQ_SAME_TIME) != 0, r->state_ts);
    uint8_t old = r->state; /* ours to read: this thread is the record's writer */
    uint64_t d = now - r->state_ts, ns = tw__raw_to_ns(d);
    uint32_t ran_us = 0, prev_site = r->await_site;
    /* a long poll: how much of it was not preemption (system calls, so outside the seqlock) */
    if (TW_UNLIKELY(old == TW_TASK_POLLING && ns >= 1000ull * TW_MEASURED_POLL_US))
        ran_us = tw__poll_ran_us(ns);
    tw__seq_begin(&r->seq);
    if (w) {
        if (w->ctx) {
            r->ctx = *w->ctx;
            r->flags |= TW_TF_CTX_VALID;
        }
        tw__wait_set(r, w->site, w->kind, w->on, 0);
        r->wakers_alive += w->waker;
    }
    if (old == TW_TASK_POLLING) {
        r->busy += d;
        r->poll_hist[tw__hist_bucket(ns)]++;
        if (TW_UNLIKELY(ns >= 1000ull * (r->max_poll_us + 1ull))) {
            r->max_poll_us = ns / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(ns / 1000);
            r->longest_ran_us = ran_us;
        }
        if (TW_UNLIKELY(ran_us > r->max_ran_us))
            r->max_ran_us = ran_us;
    }
    uint8_t next = outcome == TW_POLL_PENDING && !(r->flags & TW_TF_WOKEN) ? TW_TASK_WAITING : TW_TASK_READY;
    if (TW_UNLIKELY(how & TW_POLL_IN_CALL) && !(r->flags & TW_TF_ROOT))
        r->flags |= TW_TF_IN_CALL;
    if (outcome == TW_POLL_COMPLETED)
        next = TW_TASK_DONE;
    r->state = next;
    r->state_ts = now;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    if (!(r->flags & TW_TF_ROOT))
        tw_polling_task = 0;
    if (w)
        tw__emit_as(attached, now, TW_EV_POLL_END, (w->kind & 0xf) << 4 | (w->waker ? TW_EVF_WAKER : 0),
                    (uint16_t)(outcome | next << 8), r->id, w->on, v, TW_POLL_END_OLD(old, w->site, prev_site));
    else
        tw__emit_as(attached, now, TW_EV_POLL_END, 0, (uint16_t)(outcome | next << 8), r->id, 0, v, old);
}
TW_SLOW void poll_end_slow(tw_task_t t, int outcome, int how, const struct poll_wait *w)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (r)
        poll_end_on(r, 0, outcome, how, w);
}
void tw__poll_end(tw_task_t t, int outcome) { TW_HOT_OR_SLOW(poll_end, outcome, 0, NULL); }
void tw__poll_end_how(tw_task_t t, int outcome, int how)
{
    TW_HOT_OR_SLOW(poll_end, outcome, how & (TW_ACQ_SAME_TIME | TW_POLL_IN_CALL), NULL);
}

/* Whether a poll's end may begin task r's wait on res as one event: a channel wait, and the
 * task waits for nothing now (the folded event's undo restores "no wait"). */
static inline int may_fold(const struct tw_task_rec *r, const struct tw_res_rec *res, int kind, uint32_t site)
{
    return res && (kind == TW_WAIT_RECV || kind == TW_WAIT_SEND) && r->wait_kind == TW_WAIT_NONE &&
           !(r->flags & (TW_TF_TIMED | TW_TF_LOOP_WAIT)) && site <= 0xffff;
}

/* tw__poll_end_blocked for a task that is not cached (a lookup), or when it cannot fold: then
 * the two events it stands for, as the calls they replace would record them (a task that
 * already waits, a wait kind it does not know, a stale handle: each counted where those are). */
__attribute__((noinline, cold)) static void poll_end_blocked_slow(tw_task_t t, tw_res_t rh, int kind, uint32_t site, int how,
                                                                  const struct tw_context *ctx)
{
    struct tw_task_rec *r = tw_task_rec(t);
    struct tw_res_rec *res = r ? tw_res_rec(rh) : NULL;
    if (r && may_fold(r, res, kind, site) && tw__tid()) {
        struct poll_wait w = { .on = res->id, .site = site, .kind = (uint8_t)kind, .waker = (how & TW_ACQ_WAKER) ? 1 : 0,
                               .ctx = ctx };
        poll_end_on(r, 0, TW_POLL_PENDING, 0, &w);
        return;
    }
    if (ctx)
        tw__task_context(t, ctx);
    if (kind == TW_WAIT_RECV || kind == TW_WAIT_SEND)
        tw__res_event(t, rh, kind == TW_WAIT_RECV ? TW_EV_BLOCK_EMPTY : TW_EV_BLOCK_FULL, (how & TW_ACQ_WAKER) ? 1 : 0, site);
    else if (r)
        tw_instr_error(TW_ERR_BAD_STATE, r->id, (uint32_t)rh);
    tw__poll_end_how(t, TW_POLL_PENDING, TW_ACQ_SAME_TIME);
}

void tw__poll_end_blocked(tw_task_t t, tw_res_t rh, int kind, uint32_t site, int how, const struct tw_context *ctx)
{
    struct tw_task_rec *r = tw__task_hot(&tw_tls_, t);
    struct tw_res_rec *res = r ? tw__res_at_handle(tw__hdr(), rh) : NULL;
    if (TW_LIKELY(res != NULL) && TW_LIKELY(may_fold(r, res, kind, site))) {
        struct poll_wait w = { .on = res->id, .site = site, .kind = (uint8_t)kind, .waker = (how & TW_ACQ_WAKER) ? 1 : 0,
                               .ctx = ctx };
        poll_end_on(r, 1, TW_POLL_PENDING, 0, &w);
        return;
    }
    poll_end_blocked_slow(t, rh, kind, site, how, ctx);
}

void tw__task_done(tw_task_t t, int dropped)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (!r)
        return;
    uint64_t now = tw__now();
    tw__seq_begin(&r->seq);
    uint8_t old = r->state;
    if (old == TW_TASK_POLLING)
        r->busy += now - r->state_ts;
    r->state = TW_TASK_DONE;
    if (dropped)
        r->flags |= TW_TF_DROPPED;
    r->state_ts = now;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    if (tw_polling_task == t)
        tw_polling_task = 0;
    tw__emit(now, dropped ? TW_EV_DROPPED : TW_EV_DONE, 0, 0, r->id, 0, v, old);
}

/* same: the wake follows at once the waker's own last event (TW_ACQ_SAME_TIME: the send that
 * completes the woken task's wait) */
TW_ON void wake_on(struct tw_task_rec *r, int attached, tw_task_t by, int same)
{
    uint64_t now = tw__now_after(same, r->state_ts);
    tw__seq_begin(&r->seq);
    uint64_t old = r->state | (uint64_t)r->flags << 8;
    if (r->state == TW_TASK_WAITING) {
        r->idle += now - r->state_ts;
        r->state = TW_TASK_READY;
        r->state_ts = now;
    } else if (r->state == TW_TASK_POLLING) {
        r->flags |= TW_TF_WOKEN;
    }
    r->wakes++;
    if ((uint32_t)by == r->id)
        r->self_wakes++;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    tw__emit_as(attached, now, TW_EV_WAKE, 0, 0, r->id, (uint32_t)by, v, old);
}
TW_SLOW void wake_slow(tw_task_t t, tw_task_t by, int same)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (r)
        wake_on(r, 0, by, same);
}
void tw__wake(tw_task_t t, tw_task_t by) { TW_HOT_OR_SLOW(wake, by, 0); }
void tw__wake_how(tw_task_t t, tw_task_t by, int how) { TW_HOT_OR_SLOW(wake, by, (how & TW_ACQ_SAME_TIME) ? 1 : 0); }

TW_ON void waker_on(struct tw_task_rec *r, int attached, int op, tw_task_t to)
{
    if (op < TW_EV_WAKER_CREATE || op > TW_EV_WAKER_TRANSFER) {
        tw_instr_error(TW_ERR_BAD_STATE, r->id, r->id);
        return;
    }
    tw__seq_begin(&r->seq);
    int32_t old = r->wakers_alive;
    if (op == TW_EV_WAKER_CREATE || op == TW_EV_WAKER_CLONE)
        r->wakers_alive++;
    else if (op == TW_EV_WAKER_DROP)
        r->wakers_alive--;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    tw__emit_as(attached, tw__now(), op, 0, 0, r->id, (uint32_t)to, v, (uint32_t)old);
}
TW_SLOW void waker_slow(tw_task_t t, int op, tw_task_t to)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (r)
        waker_on(r, 0, op, to);
}
void tw__waker(tw_task_t t, int op, tw_task_t to) { TW_HOT_OR_SLOW(waker, op, to); }

void tw__task_pause(tw_task_t t, int paused)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (!r)
        return;
    tw__seq_begin(&r->seq);
    uint8_t old = r->paused;
    r->paused = paused ? 1 : 0;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    tw__emit(tw__now(), paused ? TW_EV_PAUSE : TW_EV_RESUME, 0, 0, r->id, 0, v, old);
}

void tw__task_context(tw_task_t t, const struct tw_context *ctx)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (!r || !ctx)
        return;
    tw__seq_begin(&r->seq);
    r->ctx = *ctx;
    r->flags |= TW_TF_CTX_VALID;
    tw__seq_end(&r->seq);
}

TW_ON void await_begin_on(struct tw_task_rec *r, int attached, uint32_t site, int kind, uint32_t on, int timed)
{
    uint32_t stack = TW_CALLER_STACK(r->ctx.stack_lo, r->ctx.stack_hi);
    tw__seq_begin(&r->seq);
    uint64_t old = tw__wait_of(r);
    tw__wait_set(r, site, kind, on, stack);
    /* a loop wait marks the thread an event loop for good, and this wait its idle time */
    r->flags = (uint8_t)((r->flags & ~(TW_TF_TIMED | TW_TF_LOOP_WAIT)) | ((timed & TW_AWAIT_TIMED) ? TW_TF_TIMED : 0) |
                         ((timed & TW_AWAIT_LOOP) ? TW_TF_LOOP | TW_TF_LOOP_WAIT : 0));
    r->wakers_alive += (timed & TW_AWAIT_WAKER) ? 1 : 0;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    int f = ((kind & 0xf) << 4) | ((timed & TW_AWAIT_TIMED) ? TW_EVF_TIMED : 0) | ((timed & TW_AWAIT_WAKER) ? TW_EVF_WAKER : 0);
    tw__emit_as(attached, tw__now(), TW_EV_AWAIT_BEGIN, f, (uint16_t)site, r->id, on, v, old);
}
TW_SLOW void await_begin_slow(tw_task_t t, uint32_t site, int kind, uint32_t on, int timed)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (r)
        await_begin_on(r, 0, site, kind, on, timed);
}
void tw__await_begin(tw_task_t t, uint32_t site, int kind, uint32_t on, int timed)
{
    TW_HOT_OR_SLOW(await_begin, site, kind, on, timed);
}

/* waker: the wait's waker is given back with it (TW_ACQ_WAKER) */
TW_ON void await_end_on(struct tw_task_rec *r, int attached, int waker)
{
    tw__seq_begin(&r->seq);
    uint64_t old = tw__wait_of(r);
    tw__wait_clear(r);
    r->wakers_alive -= waker;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    tw__emit_as(attached, tw__now(), TW_EV_AWAIT_END, waker ? TW_EVF_WAKER : 0, 0, r->id, 0, v, old);
}
TW_SLOW void await_end_slow(tw_task_t t, int waker)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (r)
        await_end_on(r, 0, waker);
}
void tw__await_end(tw_task_t t) { TW_HOT_OR_SLOW(await_end, 0); }
void tw__await_end_how(tw_task_t t, int how) { TW_HOT_OR_SLOW(await_end, (how & TW_ACQ_WAKER) ? 1 : 0); }

void tw__attr(tw_task_t t, const char *key, const char *value)
{
    struct tw_task_rec *r = tw_task_rec(t);
    if (!r)
        return;
    if (!key || !value) {
        tw_instr_error(TW_ERR_NULL_NAME, r->id, r->id);
        return;
    }
    uint32_t k = tw__intern(key), val = tw__intern(value);
    unsigned slot = TW_MAX_ATTRS;
    for (unsigned i = 0; i < TW_MAX_ATTRS && slot == TW_MAX_ATTRS; i++)
        if (r->attrs[i].key == k)
            slot = i;
    for (unsigned i = 0; i < TW_MAX_ATTRS && slot == TW_MAX_ATTRS; i++)
        if (r->attrs[i].key == 0)
            slot = i;
    if (slot == TW_MAX_ATTRS || k == 0) {
        tw_instr_error(TW_ERR_EDGES_FULL, r->id, r->id);
        return;
    }
    tw__seq_begin(&r->seq);
    uint32_t oldv = r->attrs[slot].value;
    r->attrs[slot].key = k;
    r->attrs[slot].value = val;
    uint32_t v = ++r->version;
    tw__seq_end(&r->seq);
    tw__emit(tw__now(), TW_EV_ATTR, TW_EVF_APP, (uint16_t)slot, r->id, k, v, (uint64_t)oldv << 32 | val);
}

tw_task_t tw_task_by_id(uint32_t id)
{
    if (!id || !tw__region_ensure())
        return 0;
    struct tw_header *h = tw__hdr();
    uint32_t n = __atomic_load_n(&h->tasks.count, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < n; i++) {
        struct tw_task_rec *r = task_at(h, i);
        if (__atomic_load_n(&r->id, __ATOMIC_RELAXED) == id && r->state != TW_TASK_DONE)
            return ((uint64_t)(i + 1) << 32) | id;
    }
    return 0;
}
