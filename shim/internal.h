/* internal.h — what the shim's files share. Nothing here is part of the public API. */
#ifndef TW_SHIM_INTERNAL_H
#define TW_SHIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "turbowish.h"

#define TW_LIKELY(x) __builtin_expect(!!(x), 1)
#define TW_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TW_HIDDEN __attribute__((visibility("hidden")))

/* The per-thread recording state. initial-exec TLS: one %fs-relative load, no __tls_get_addr. */
struct tw_tls {
    struct tw_event *events; /* this thread's ring, NULL until attached */
    uint64_t mask;           /* capacity - 1 (capacity is a power of two) */
    uint64_t head;           /* events written, mirrored to desc->head */
    struct tw_ring_desc *desc;
    int attach_failed;       /* no ring could be had, or it was given back at thread exit: count */
    int attaching;           /* finding a ring now: a signal handler's event meanwhile is counted */
    int creating;            /* creating the region now: a signal handler must not wait for it */
    uint32_t tid;            /* this thread's kernel id, cached (0 until first needed) */
    /* control.reader_stops, timed_stops and stopped_us when this thread last measured a poll
     * (mirrored in its ring directory entry for readers) */
    uint32_t reader_stops, timed_stops, stopped_us;
    /* The task this thread recorded for last and its record: a poll's events all concern one
     * task, and the lookup's chain of dependent loads (region, table, slot) is most of an
     * event's cost beyond the clock read. Cleared with the rest by the fork child. */
    uint64_t last_task;
    struct tw_task_rec *last_rec;
    /* The task recorded for before last_task, and its record: a worker's events alternate
     * between two tasks (ping-pong), and a task's send wakes another one; with one entry each
     * switch missed (six lookups a channel round trip). */
    uint64_t prev_task;
    struct tw_task_rec *prev_rec;
    /* The timestamp of this thread's newest event (0 before its first): an event that follows
     * it at once (TW_ACQ_SAME_TIME) takes it instead of reading the clock again. */
    uint64_t last_ts;
};
extern __thread struct tw_tls tw_tls_ __attribute__((tls_model("initial-exec"))) TW_HIDDEN;

/* region.c */
TW_HIDDEN int tw__region_start(void);              /* first use: create the region (or learn TW_DISABLE) */
/* 1 when recording. Inline: every event asks, and a call per question costs more than the
 * question (a load and a compare) — the per-event budget is about 1.5 ring appends. */
static inline int tw__region_ensure(void)
{
    int st = __atomic_load_n((int *)&tw_state, __ATOMIC_ACQUIRE);
    return TW_LIKELY(st > 0) ? 1 : st < 0 ? 0 : tw__region_start();
}
/* Acquire loads: the region is published by one thread and used by all (a plain mov on x86). */
static inline struct tw_header *tw__hdr(void) { return __atomic_load_n((struct tw_header **)&tw_region, __ATOMIC_ACQUIRE); }
static inline char *tw__base(void) { return (char *)tw__hdr(); } /* region start (the header) */

/* CLOCK_MONOTONIC in ns: the clock readers share with the shim (the TSC's calibration, and a
 * reader's stop under way, tw_control.stop_began_ns) */
static inline uint64_t tw__mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The clock. TW_FAKE_CLOCK builds (the scenario streamer, unit tests) read a settable
 * nanosecond counter so that scenarios are deterministic. */
#ifdef TW_FAKE_CLOCK
extern uint64_t tw_fake_clock_ns;
static inline uint64_t tw__now(void) { return tw_fake_clock_ns; }
#else
static inline uint64_t tw__now(void)
{
    return __builtin_ia32_rdtsc();
}
#endif

/* The clock for an event that follows this thread's previous one at once (`same`: the caller
 * passed TW_ACQ_SAME_TIME): that event's timestamp, no second clock read (the read is most of
 * an event's cost). `floor`: the entity's last state change, which the stamp must not precede
 * (a waker that spun for the woken task's lock may find it parked after its own send); else,
 * and before the thread's first event, the clock. */
static inline uint64_t tw__now_after(int same, uint64_t floor)
{
    uint64_t ts = tw_tls_.last_ts;
    return same && TW_LIKELY(ts != 0) && TW_LIKELY(ts >= floor) ? ts : tw__now();
}

/* ring.c */
TW_HIDDEN int tw__ring_attach(void);
TW_HIDDEN void tw__event_lost(void);
/* head++, returning the old value, in one instruction: a signal handler of this thread runs
 * before it or after it, never between a load and a store (which would hand both the same
 * slot). Not a locked instruction: no other thread writes this head. A compiler barrier too. */
static inline uint64_t tw__reserve(uint64_t *head)
{
#if defined(__x86_64__)
    uint64_t n = 1;
    __asm__ __volatile__("xaddq %0, %1" : "+r"(n), "+m"(*head) : : "memory");
    return n;
#else
    return __atomic_fetch_add(head, 1, __ATOMIC_SEQ_CST);
#endif
}
/* Publish this thread's head h; again if a signal handler appended while we stored. */
static inline void tw__publish_head(struct tw_tls *l, struct tw_ring_desc *d, uint64_t h)
{
    for (;;) {
        __atomic_store_n(&d->head, h, __ATOMIC_RELEASE);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        uint64_t now = l->head;
        if (TW_LIKELY(now == h))
            return;
        h = now;
    }
}
/* Append one event to the calling thread's ring. Never blocks; counts what it cannot record.
 * A signal handler of this thread may append in the middle of it: the slot is reserved (the
 * private head moved) before it is written, so the handler takes the next one, and only an
 * append that finds the published head at its own slot publishes; a handler's append finds
 * it behind (the interrupted append is still writing) and leaves publishing to it, so readers
 * never see a slot before it is whole. Compiler barriers suffice: it is all one thread. */
static inline void tw__emit_attached(struct tw_tls *l, uint64_t ts, int type, int flags, uint16_t aux,
                                    uint32_t task, uint32_t res, uint32_t version, uint64_t old)
{
    uint64_t n = tw__reserve(&l->head);
    struct tw_event *e = &l->events[n & l->mask];
    l->last_ts = ts;
    e->ts = ts;
    e->type = (uint8_t)type;
    e->flags = (uint8_t)flags;
    e->aux = aux;
    e->task = task;
    e->res = res;
    e->version = version;
    e->old = old;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    struct tw_ring_desc *d = l->desc;
    if (TW_LIKELY(__atomic_load_n(&d->head, __ATOMIC_RELAXED) == n))
        tw__publish_head(l, d, n + 1);
}
static inline void tw__emit(uint64_t ts, int type, int flags, uint16_t aux, uint32_t task, uint32_t res,
                           uint32_t version, uint64_t old)
{
    struct tw_tls *l = &tw_tls_;
    if (TW_UNLIKELY(l->events == NULL) && !tw__ring_attach()) {
        tw__event_lost();
        return;
    }
    tw__emit_attached(l, ts, type, flags, aux, task, res, version, old);
}

/* tw__emit, or on an event's fast path (tw__task_hot held: the ring is attached) its core. */
static inline void tw__emit_as(int attached, uint64_t ts, int type, int flags, uint16_t aux, uint32_t task,
                              uint32_t res, uint32_t version, uint64_t old)
{
    if (attached)
        tw__emit_attached(&tw_tls_, ts, type, flags, aux, task, res, version, old);
    else
        tw__emit(ts, type, flags, aux, task, res, version, old);
}

/* The calling thread's kernel id, without a syscall after the first call. */
TW_HIDDEN uint32_t tw__tid_slow(void);
/* preempt.c: of a poll of wall_ns (>= TW_MEASURED_POLL_US), the microseconds its thread was not
 * waiting in a run queue (a lower bound); 0 when the kernel cannot tell. Makes system calls:
 * only for polls that long. */
TW_HIDDEN uint32_t tw__poll_ran_us(uint64_t wall_ns);
static inline uint32_t tw__tid(void)
{
    uint32_t t = tw_tls_.tid;
    return TW_LIKELY(t) ? t : tw__tid_slow();
}

/* arena.c: intern a string; returns its arena offset (> 0) or 0 when full (counted). */
TW_HIDDEN uint32_t tw__intern(const char *s);

/* backtrace.c: calling context on spawn and blocking events (TW_BACKTRACE). tw_bt_mode_ is
 * set once before the region is published; entry points test it with one predictable branch
 * so that with the default (off) nothing else runs. */
extern int tw_bt_mode_ TW_HIDDEN;                   /* enum tw_backtrace_mode in effect */
TW_HIDDEN int tw__bt_init(void);                     /* at region creation: reads TW_BACKTRACE, may dlopen libunwind */
/* Stack table index (>= 1) of the stack above `frame` (the calling entry point's
 * __builtin_frame_address(0), so the shim's own frames are left out), or 0 when none could be
 * taken or the table had no room (counted in header stacks.full). lo/hi: the running task's
 * stack bounds when known, else 0. */
TW_HIDDEN uint32_t tw__stack_capture(void *frame, uint64_t lo, uint64_t hi);
TW_HIDDEN uint32_t tw__stack_intern(const uint64_t *pc, uint32_t depth);
#define TW_CALLER_STACK(lo, hi) TW_CALLER_STACK_AT(__builtin_frame_address(0), (lo), (hi))
/* The same from the exported entry point's frame, handed down to a helper out of line. */
#define TW_CALLER_STACK_AT(frame, lo, hi) (TW_UNLIKELY(tw_bt_mode_) ? tw__stack_capture((frame), (lo), (hi)) : 0u)

/* order.c: the lock-order graph (header.orders). tw__order_setup maps the private notes of how
 * each held lock was taken (one per task slot), at region creation; tw__order_forget drops them
 * in a fork child. tw__order_acquired: task th (record t) now holds r in t->edges[edge], taken
 * at `site` as `how` (enum tw_acquire_how), shared or not; a blocking exclusive acquisition of
 * a lock records the edges from every other lock the task holds. */
TW_HIDDEN int tw__order_setup(uint32_t max_tasks);
TW_HIDDEN void tw__order_forget(void);
/* How each held lock was taken, parallel to the task record's edges[] (order.c: private memory
 * indexed by task slot, written only by the thread running the task). */
struct tw_hold_note_edge {
    uint32_t site;
    uint16_t class_; /* the held lock's creation site: its class, 0 = none (or past 16 bits) */
    uint8_t how;     /* TW_NOTE_* */
    uint8_t pad;
};
struct tw_hold_note {
    /* edges noted as lock-kind holds, so that a lock taken while holding no other costs no scan;
     * a bit may outlive its hold (releases do not come here) and is dropped when found stale */
    uint16_t locks;
    uint16_t pad[3];
    /* one 8-byte store per acquisition, the first edges in the line of `locks` (three arrays
     * touched two or three lines: a tenth of an uncontended pthread lock pair's cost) */
    struct tw_hold_note_edge edge[TW_MAX_EDGES];
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct tw_hold_note_edge) == 8, "a note is written as one 8-byte store");
enum { TW_NOTE_TRY = 1, TW_NOTE_TIMED = 2, TW_NOTE_LOCK_KIND = 4 /* a mutex or rwlock, not a semaphore */ };
extern struct tw_hold_note *tw__notes TW_HIDDEN;
extern uint32_t tw__notes_count TW_HIDDEN;
TW_HIDDEN void tw__order_edges(struct tw_hold_note *n, const struct tw_task_rec *t, unsigned edge,
                               const struct tw_res_rec *r, uint32_t site);
/* Inline: every lock writes its note, and the call was a tenth of an uncontended pthread lock's
 * instructions; the scan for other held locks (order.c) only when there are some. */
static inline __attribute__((always_inline)) void tw__order_acquired(tw_task_t th, const struct tw_task_rec *t, unsigned edge,
                                                                     const struct tw_res_rec *r, uint32_t site, int how,
                                                                     int shared)
{
    uint64_t slot = (th >> 32) - 1;
    struct tw_hold_note *notes = tw__notes;
    if (TW_UNLIKELY(!notes) || TW_UNLIKELY(slot >= tw__notes_count) || TW_UNLIKELY(edge >= TW_MAX_EDGES))
        return;
    struct tw_hold_note *n = &notes[slot];
    int lock = r->kind == TW_RES_MUTEX || r->kind == TW_RES_RWLOCK;
    uint32_t cls = r->create_site;
    uint8_t note_how = (uint8_t)((how == TW_ACQ_TRY ? TW_NOTE_TRY : how == TW_ACQ_TIMED ? TW_NOTE_TIMED : 0) |
                                 (lock ? TW_NOTE_LOCK_KIND : 0));
    /* composed in a register: one store */
    uint64_t note = site | (uint64_t)(cls <= 0xffffu ? cls : 0) << 32 | (uint64_t)note_how << 48;
    __builtin_memcpy(&n->edge[edge], &note, sizeof note);
    n->locks = (uint16_t)(lock ? n->locks | 1u << edge : n->locks & ~(1u << edge));
    if (how != TW_ACQ_LOCK || shared || !lock || !(n->locks & ~(1u << edge)))
        return;
    tw__order_edges(n, t, edge, r, site);
}

/* seqlock around a record update by its single writer */
static inline void tw__seq_begin(uint32_t *seq)
{
    __atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
static inline void tw__seq_end(uint32_t *seq)
{
    __atomic_store_n(seq, *seq + 1, __ATOMIC_RELEASE);
}

/* slots.c: a free slot of table t (tasks or resources) at base, its record's seqlock held
 * (odd): the next never-used one, else one that reusable(record) accepts, searched from
 * *cursor; NULL when none (counted in t->full). */
TW_HIDDEN void *tw__slot_take(struct tw_table_desc *t, char *base, int (*reusable)(const void *rec), uint32_t *cursor,
                             uint32_t *slot_out);

/* task.c / resource.c */
TW_HIDDEN struct tw_task_rec *tw__task_rec_unknown(tw_task_t t); /* counts the bad handle, NULL */
/* The record a handle names in region h (slot in the high half, id in the low), or NULL when
 * the slot is out of range or holds another task now. Quiet: callers decide what a miss is. */
static inline struct tw_task_rec *tw__task_at_handle(struct tw_header *h, tw_task_t t)
{
    uint64_t slot = (t >> 32) - 1;
    if (TW_UNLIKELY(slot >= __atomic_load_n(&h->tasks.count, __ATOMIC_ACQUIRE)))
        return NULL;
    struct tw_task_rec *r = (struct tw_task_rec *)((char *)h + h->tasks.offset + (size_t)slot * h->tasks.stride);
    return TW_LIKELY(__atomic_load_n(&r->id, __ATOMIC_RELAXED) == (uint32_t)t) ? r : NULL;
}
/* The record of task t when nothing stands between this thread and recording for it, or NULL:
 * the task is one of this thread's two cached ones, and the cache is only ever filled once the
 * ring is attached and the tid known (see tw_task_rec). Then an event needs no call at all,
 * hence no stack frame and no callee-saved registers, which were a quarter of a poll event's
 * instructions. A slot reused by another task has another id: the id check keeps the cache
 * honest, and also catches a signal handler that refilled an entry between our two loads. */
static inline __attribute__((always_inline)) struct tw_task_rec *tw__task_hot(const struct tw_tls *l, tw_task_t t)
{
    struct tw_task_rec *r;
    /* t first: the empty cache (task 0) has no record to load */
    if (TW_UNLIKELY(t == 0))
        return NULL;
    if (TW_LIKELY(t == l->last_task))
        r = l->last_rec;
    else if (t == l->prev_task)
        r = l->prev_rec;
    else
        return NULL;
    return TW_LIKELY(__atomic_load_n(&r->id, __ATOMIC_RELAXED) == (uint32_t)t) ? r : NULL;
}
/* tw_task_rec's lookup when the task is not a cached one: the table, then the cache refilled. */
TW_HIDDEN struct tw_task_rec *tw__task_lookup(tw_task_t t);
/* The record of a live task handle (slot in the high half, id in the low), or NULL. The cache
 * check inline, always (it is on every task event's path; left to itself the compiler made the
 * whole lookup a call, 24 instructions of each channel message): the lookup out of line. */
static inline __attribute__((always_inline)) struct tw_task_rec *tw_task_rec(tw_task_t t)
{
    struct tw_task_rec *r = tw__task_hot(&tw_tls_, t);
    return TW_LIKELY(r != NULL) ? r : tw__task_lookup(t);
}
TW_HIDDEN struct tw_res_rec *tw__res_rec_unknown(tw_res_t r); /* counts the bad handle, NULL */
/* The record a resource handle names in region h, or NULL (quiet: the caller's slow path counts
 * a bad handle). For fast paths whose task is cached, so that the region exists. */
static inline __attribute__((always_inline)) struct tw_res_rec *tw__res_at_handle(struct tw_header *h, tw_res_t rh)
{
    uint64_t slot = (rh >> 32) - 1;
    if (TW_UNLIKELY(slot >= __atomic_load_n(&h->resources.count, __ATOMIC_ACQUIRE)))
        return NULL;
    struct tw_res_rec *r = (struct tw_res_rec *)((char *)h + h->resources.offset + (size_t)slot * h->resources.stride);
    return TW_LIKELY(__atomic_load_n(&r->id, __ATOMIC_RELAXED) == (uint32_t)rh) ? r : NULL;
}
/* The record of a live resource handle (slot in the high half, id in the low), or NULL (and an
 * instrumentation error). Inline: it is on every resource event's path. */
static inline struct tw_res_rec *tw_res_rec(tw_res_t rh)
{
    if (TW_UNLIKELY(!rh) || TW_UNLIKELY(!tw__region_ensure()))
        return NULL;
    struct tw_header *h = tw__hdr();
    uint64_t slot = (rh >> 32) - 1;
    if (TW_UNLIKELY(slot >= __atomic_load_n(&h->resources.count, __ATOMIC_ACQUIRE)))
        return tw__res_rec_unknown(rh);
    struct tw_res_rec *r = (struct tw_res_rec *)((char *)h + h->resources.offset + (size_t)slot * h->resources.stride);
    return TW_LIKELY(__atomic_load_n(&r->id, __ATOMIC_RELAXED) == (uint32_t)rh) ? r : tw__res_rec_unknown(rh);
}
TW_HIDDEN void tw_instr_error(int code, uint32_t task, uint32_t id);

/* A task's wait, packed as events carry it. */
static inline uint64_t tw__wait_of(const struct tw_task_rec *r)
{
    return TW_PACK_WAIT(r->await_site, r->wait_kind, r->waiting_on, r->flags & TW_TF_TIMED);
}
/* A wait begins in record r (its writer, inside the seqlock): for what (kind), on what, at which
 * site, and the stack of the call that made it wait (0: none). */
static inline void tw__wait_set(struct tw_task_rec *r, uint32_t site, int kind, uint32_t on, uint32_t stack)
{
    r->block_stack = stack;
    r->await_site = site & 0xffff;
    r->wait_kind = (uint8_t)kind;
    r->waiting_on = on;
}
static inline void tw__wait_clear(struct tw_task_rec *r)
{
    r->wait_kind = TW_WAIT_NONE;
    r->waiting_on = 0;
    r->flags &= (uint8_t)~(TW_TF_TIMED | TW_TF_LOOP_WAIT);
}

/* log2 histogram bucket of a duration in ns: bucket i counts [2^(i+9), 2^(i+10)) ns. */
static inline unsigned tw__hist_bucket(uint64_t ns)
{
    if (ns < 1024)
        return 0;
    unsigned b = 63u - (unsigned)__builtin_clzll(ns) - 9u;
    return b >= TW_HIST_BUCKETS ? TW_HIST_BUCKETS - 1 : b;
}
/* raw clock delta to ns: 32.32 fixed point multiplier computed at calibration */
extern uint64_t tw_ns_mult_ TW_HIDDEN;
static inline uint64_t tw__raw_to_ns(uint64_t raw_delta)
{
    return (uint64_t)(((unsigned __int128)raw_delta * tw_ns_mult_) >> 32);
}

#endif
