/* turbowish.h — the TurboWish instrumentation API.
 *
 * Runtimes, adapters and applications call these functions to tell TurboWish what their
 * tasks and resources do. Every call records one event into the calling thread's ring
 * (a flight recorder) and updates the live model in the shared region, which gdb, lldb and
 * the `tw` console read from outside (see docs/region.md, docs/events.md).
 *
 * Guarantees to the host program:
 *  - no call blocks, takes a lock, allocates after setup, or makes a syscall on the hot path;
 *  - no call fails the application: bad input (unknown handle, NULL name, releasing what the
 *    task does not hold) is counted as an instrumentation error and ignored;
 *  - when a table, the string arena or a ring is full, what could not be recorded is counted
 *    (so is every event with TW_LOG_EVENTS=0);
 *  - a signal handler may record, on a task of its own: its events land after those of the
 *    append it interrupted, never mixed with them; one that arrives while its own thread is
 *    creating the region or taking its ring is counted as lost instead of waiting for itself;
 *  - a fork child records into a region of its own; exec starts without one.
 *
 * Switches: TW_DISABLE=1 in the environment turns every call into one inline load and branch;
 * compiling with -DTW_DISABLE_INSTRUMENTATION turns every call into nothing at all.
 * Environment (read once, at the first event): TW_LOG_EVENTS (ring size per thread, events,
 * default 8192, 0 = keep no history), TW_MAX_TASKS (default 16384), TW_MAX_RESOURCES (default
 * 8192), TW_LONG_POLL_MS (default 50), TW_MAX_THREADS (rings, default 64), TW_MAX_SITES (4096),
 * TW_MAX_STACKS (1024), TW_MAX_LOCK_ORDERS (lock-order edges, default 16384, rounded up to a power
 * of two), TW_STRINGS_BYTES (string arena, default 1 MiB), TW_BACKTRACE (off by
 * default; `fp`: spawn and blocking events also record up to 8 return addresses of their caller
 * by a frame-pointer walk, lock-free; `unwind`: the same by libunwind's unw_backtrace, loaded
 * with dlopen at the first event — the one mode that may take a lock, the dynamic loader's;
 * without libunwind it falls back to fp, and header.backtrace says which mode is in effect).
 *
 * Handles: tw_task_t and tw_res_t are opaque 64-bit values returned by the shim; 0 means "none"
 * and is accepted everywhere (ignored). A handle stays valid until the task is done / the
 * resource is closed; using it afterwards is an instrumentation error, never a crash.
 * Strings passed in are copied (interned) into the region; the caller keeps ownership.
 */
#ifndef TURBOWISH_H
#define TURBOWISH_H

#include <stdint.h>
#include "tw_region.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t tw_task_t;
typedef uint64_t tw_res_t;

/* The region's header, exported for debuggers (a plain global, not TLS). NULL until the first
 * event creates the region, and always NULL when disabled. */
extern struct tw_header *volatile tw_region;
/* 0 = not yet initialised, 1 = recording, -1 = switched off (TW_DISABLE=1 or setup failed).
 * Read inline by every call so a disabled build costs one load and a branch. */
extern volatile int tw_state;
/* The task whose poll is in progress on the calling thread, when it is a runtime's task (not an
 * OS thread seen as a task, TW_TF_ROOT): set by tw_poll_begin, cleared by tw_poll_end and
 * tw_task_done; 0 otherwise. For adapters of code that runs inside polls (the pthread adapter):
 * a lock taken or waited for there is the task's, not its worker thread's. One initial-exec
 * thread-local load; written only by the shim. */
extern __thread tw_task_t tw_polling_task __attribute__((tls_model("initial-exec")));

/* How a lock was acquired (tw_acquire_at). Only TW_ACQ_LOCK, a call that may wait forever,
 * makes lock-order edges (DESIGN.md "Lock order"); the other two still hold the lock.
 * TW_ACQ_AT_ONCE may be or-ed in when no tw_acquire_request preceded the acquisition (it did
 * not wait): one event then says both where and that it was taken (TW_EVF_AT_SITE), which
 * halves what an uncontended lock records. */
enum tw_acquire_how { TW_ACQ_LOCK = 0, TW_ACQ_TRY = 1, TW_ACQ_TIMED = 2, TW_ACQ_AT_ONCE = 8, TW_ACQ_OWNED = 16, TW_ACQ_WAKER = 32,
                      TW_ACQ_SAME_TIME = 64 };
/* TW_ACQ_SAME_TIME (given to tw_wake_how, tw_poll_begin_how, tw_poll_end_how, tw_send_how and
 * tw_recv_how): the event follows the calling thread's previous event at once — nothing between
 * them waited, ran application code or recorded for another reason — so it takes that event's
 * timestamp instead of reading the clock again (the read is most of an event's cost). A
 * runtime's wake right after the send that completes the woken task's wait, a poll's end right
 * after the blocking event that suspended it, a worker's next poll, the message that ends a wait
 * right after the poll that resumed it. Same events, same facts; the two share one time. Never
 * earlier than the task's last state change: when it would be, the clock is read after all. */
/* TW_ACQ_WAKER (given to tw_block_full_how / tw_block_empty_how): the wait that begins holds a
 * waker for the task, as if tw_waker(t, TW_EV_WAKER_CREATE, 0) followed; (to tw_send_how /
 * tw_recv_how) the wait that this message ends gives it back, as if tw_waker(t,
 * TW_EV_WAKER_DROP, 0) came before. The same facts in one event instead of two
 * (TW_EVF_WAKER): a runtime's blocking receive is then two events, not four. */
/* TW_ACQ_OWNED (or-ed into tw_acquire_at, and given to tw_release_how): the caller's own
 * exclusive lock orders this change of r's record with every other one — it is recorded after
 * the real lock is taken, its release before the real unlock, and nothing else changes r
 * meanwhile — so the shim updates the record without locked instructions. Exclusive holds of a
 * real mutex only (never shared holds or semaphores; for a channel, given to tw_send_how and
 * tw_recv_how, it says the channel's lock orders every message of it). It also says the caller held
 * none of r before (a recursive mutex's inner levels are not acquisitions), so the shim gives
 * the hold the task's first free edge without looking for one of r to add to. */

/* tw_await_begin's `timed` bits, defined when instrumentation is compiled out too (a runtime
 * passes them either way). TW_AWAIT_TIMED: the wait has a timeout. */
#define TW_AWAIT_TIMED 0x1
/* An adapter's thread waits for its event loop's next events (epoll_wait, poll, select): the
 * thread is an event loop (TW_TF_LOOP), idle while this wait lasts (TW_TF_LOOP_WAIT). */
#define TW_AWAIT_LOOP 0x2
/* The wait holds a new waker for the task: one event for AWAIT_BEGIN + WAKER_CREATE
 * (TW_EVF_WAKER); the await's end then gives it back with tw_await_end_how(t, TW_ACQ_WAKER). */
#define TW_AWAIT_WAKER 0x4

#ifndef TW_DISABLE_INSTRUMENTATION

#define TW_ON_() (__builtin_expect(__atomic_load_n(&tw_state, __ATOMIC_RELAXED) >= 0, 1))

/* ---- sites ---- */

/* Register a source location once; returns its site index (>= 1), or 0 when disabled or full.
 * file/expr/func are interned. Use the macros below rather than calling this directly. */
uint32_t tw__site_register(const char *file, uint32_t line, const char *expr, const char *func);

/* TW_SITE("text"): the site index for this source line, registered on first use only.
 * The static cache makes every later use a single load. */
#define TW_SITE(text)                                                                   \
    __extension__({                                                                     \
        static uint32_t tw_site_cache_;                                                 \
        uint32_t tw_s_ = __atomic_load_n(&tw_site_cache_, __ATOMIC_RELAXED);            \
        if (__builtin_expect(tw_s_ == 0, 0) && TW_ON_()) {                              \
            tw_s_ = tw__site_register(__FILE__, __LINE__, (text), __func__);             \
            __atomic_store_n(&tw_site_cache_, tw_s_, __ATOMIC_RELAXED);                  \
        }                                                                               \
        tw_s_;                                                                          \
    })
/* TW_AWAIT_SITE(expr): the site of an await, naming the awaited expression as written. */
#define TW_AWAIT_SITE(expr) TW_SITE(#expr)

/* ---- tasks ---- */

tw_task_t tw__task_spawn(const char *name, uint32_t site, tw_task_t parent);
void tw__task_name(tw_task_t t, const char *name);
void tw__poll_begin(tw_task_t t);
void tw__poll_end(tw_task_t t, int outcome);
void tw__task_done(tw_task_t t, int dropped);
void tw__wake(tw_task_t t, tw_task_t by);
void tw__wake_how(tw_task_t t, tw_task_t by, int how);
void tw__poll_end_how(tw_task_t t, int outcome, int how);
void tw__poll_begin_how(tw_task_t t, int how);
void tw__poll_end_blocked(tw_task_t t, tw_res_t r, int kind, uint32_t site, int how, const struct tw_context *ctx);
void tw__waker(tw_task_t t, int op, tw_task_t to);
void tw__task_pause(tw_task_t t, int paused);
void tw__task_context(tw_task_t t, const struct tw_context *ctx);
void tw__await_begin(tw_task_t t, uint32_t site, int wait_kind, uint32_t on, int timed);
void tw__await_end(tw_task_t t);
void tw__await_end_how(tw_task_t t, int how);
tw_task_t tw__thread_task(const char *name, uint32_t site);

/* Spawn: a new task named `name` (NULL is an instrumentation error; the task is then "?")
 * created at `site` by `parent` (0 if none). Starts READY. Returns 0 if the task table is full
 * (counted in the header's tasks.full); every call accepts 0 and ignores it. */
static inline tw_task_t tw_task_spawn(const char *name, uint32_t site, tw_task_t parent)
{ return TW_ON_() ? tw__task_spawn(name, site, parent) : 0; }
/* Rename a task (untrusted, application event). */
static inline void tw_task_name(tw_task_t t, const char *name) { if (TW_ON_()) tw__task_name(t, name); }
/* A poll (one slice from resume to suspend) begins on the calling thread: state -> POLLING.
 * Accumulates the ready-wait into the task's histogram. */
static inline void tw_poll_begin(tw_task_t t) { if (TW_ON_()) tw__poll_begin(t); }
/* tw_poll_begin, saying how: TW_ACQ_SAME_TIME when the calling worker's previous event was its
 * last poll's end (or what the worker recorded after it) and it has not waited since: the
 * scheduler's few steps between two polls then count in the new poll, and the clock is not
 * read again. */
static inline void tw_poll_begin_how(tw_task_t t, int how) { if (TW_ON_()) tw__poll_begin_how(t, how); }
/* The poll ends with outcome (enum tw_poll_outcome): PENDING -> WAITING (or READY if it was
 * woken during the poll), READY -> READY (yielded), COMPLETED -> see tw_task_done. */
static inline void tw_poll_end(tw_task_t t, int outcome) { if (TW_ON_()) tw__poll_end(t, outcome); }
/* The poll of t ends PENDING because t blocked on channel r (kind TW_WAIT_RECV: a receive on
 * empty, TW_WAIT_SEND: a send on full) at `site`: tw_block_empty_how / tw_block_full_how(t, r,
 * site, how) followed by tw_poll_end(t, TW_POLL_PENDING), as one event (ABI 1.6), for a runtime
 * that records the block after switching the task out. how: TW_ACQ_WAKER (the wait holds a new
 * waker). ctx (may be NULL): the parked task's registers, as tw_task_context would save them.
 * When the task already has a wait the two events are recorded as before. The block's stack
 * (TW_BACKTRACE) is the scheduler's by then: a runtime records the block where it happens when
 * the region's header says backtraces are on. */
static inline void tw_poll_end_blocked(tw_task_t t, tw_res_t r, int kind, uint32_t site, int how, const struct tw_context *ctx)
{ if (TW_ON_()) tw__poll_end_blocked(t, r, kind, site, how, ctx); }
/* tw_poll_end, saying how: TW_ACQ_SAME_TIME when the poll ends at once after the task's own last
 * event (it suspended right after recording its wait); TW_POLL_IN_CALL when the poll does not
 * really end: an adapter (pthread) records a blocking call that a runtime task makes inside its
 * poll, and its worker thread blocks in it until the next tw_poll_begin (TW_TF_IN_CALL). */
#define TW_POLL_IN_CALL 128
static inline void tw_poll_end_how(tw_task_t t, int outcome, int how) { if (TW_ON_()) tw__poll_end_how(t, outcome, how); }
/* The task finished (dropped = 0) or was cancelled before completing (dropped = 1). Its edges
 * are cleared; the handle is invalid afterwards. */
static inline void tw_task_done(tw_task_t t, int dropped) { if (TW_ON_()) tw__task_done(t, dropped); }
/* Task t is woken by task `by` (0 = from outside any task): WAITING -> READY. */
static inline void tw_wake(tw_task_t t, tw_task_t by) { if (TW_ON_()) tw__wake(t, by); }
/* tw_wake, saying how: TW_ACQ_SAME_TIME when the wake follows at once the calling thread's
 * previous event (the send or receive that completes t's wait). */
static inline void tw_wake_how(tw_task_t t, tw_task_t by, int how) { if (TW_ON_()) tw__wake_how(t, by, how); }
/* Waker bookkeeping for task t: op is TW_EV_WAKER_CREATE, _CLONE, _DROP or _TRANSFER (to `to`).
 * A waiting task with no waker alive is a lost waker. */
static inline void tw_waker(tw_task_t t, int op, tw_task_t to) { if (TW_ON_()) tw__waker(t, op, to); }
/* The runtime paused (1) or resumed (0) task t. Orthogonal to its state. */
static inline void tw_task_pause(tw_task_t t, int paused) { if (TW_ON_()) tw__task_pause(t, paused); }
/* Save the registers of a task that is being parked, so readers can unwind its stack.
 * Not an event (no ring entry): called on every switch-out, it only copies into the record. */
static inline void tw_task_context(tw_task_t t, const struct tw_context *c) { if (TW_ON_()) tw__task_context(t, c); }
/* The task begins awaiting at `site`: what it waits for (enum tw_wait_kind) and on what
 * (resource id from tw_res_id(), or a task id for TW_WAIT_JOIN); timed = TW_AWAIT_TIMED (or 1)
 * when the wait has a timeout, or-ed with TW_AWAIT_LOOP for an event loop's wait for events.
 * Its state changes at the next tw_poll_end(PENDING). */
/* (TW_AWAIT_TIMED, TW_AWAIT_LOOP, TW_AWAIT_WAKER: above, defined in both builds) */
static inline void tw_await_begin(tw_task_t t, uint32_t site, int kind, uint32_t on, int timed)
{ if (TW_ON_()) tw__await_begin(t, site, kind, on, timed); }
/* The await finished (satisfied, timed out or cancelled). */
static inline void tw_await_end(tw_task_t t) { if (TW_ON_()) tw__await_end(t); }
/* tw_await_end, saying how: TW_ACQ_WAKER when the wait's waker is given back with it (one event
 * for WAKER_DROP + AWAIT_END). */
static inline void tw_await_end_how(tw_task_t t, int how) { if (TW_ON_()) tw__await_end_how(t, how); }
/* An OS thread seen as a task (adapters): created POLLING, flagged TW_TF_ROOT. */
static inline tw_task_t tw_thread_task(const char *name, uint32_t site)
{ return TW_ON_() ? tw__thread_task(name, site) : 0; }

/* ---- resources ---- */

tw_res_t tw__res_create(int kind, int class_, int64_t capacity, const char *name, uint32_t site, uint64_t address);
void tw__res_close(tw_res_t r);
void tw__res_event(tw_task_t t, tw_res_t r, int type, int64_t units, uint32_t site);
void tw__edge(tw_task_t t, tw_res_t r, int type, int role, int dir);
void tw__attr(tw_task_t t, const char *key, const char *value);
void tw__res_waiter(tw_res_t r, int delta);
void tw__res_wake(tw_res_t r, int all);
void tw__acquire(tw_task_t t, tw_res_t r, int64_t units, uint32_t site, int how);
void tw__release(tw_task_t t, tw_res_t r, int64_t units, int how);
void tw__message(tw_task_t t, tw_res_t r, int type, int how);
void tw__overflow(int what, uint64_t n);


/* Create a resource of `kind` (enum tw_res_kind), `class_` (enum tw_res_class) with `capacity`
 * units (-1 = unbounded), interned `name`, creation site and the object's address (0 if none).
 * Returns 0 if the resource table is full (counted). */
static inline tw_res_t tw_res_create(int kind, int class_, int64_t capacity, const char *name, uint32_t site, uint64_t address)
{ return TW_ON_() ? tw__res_create(kind, class_, capacity, name, site, address) : 0; }
static inline void tw_res_close(tw_res_t r) { if (TW_ON_()) tw__res_close(r); }
/* The resource id of a handle, as stored in task records (waiting_on, edges). */
static inline uint32_t tw_res_id(tw_res_t r) { return (uint32_t)r; }
static inline uint32_t tw_task_id(tw_task_t t) { return (uint32_t)t; }

/* Task t asks for `units` of r at `site`: it now waits on r (TW_WAIT_ACQUIRE) until tw_acquire. */
static inline void tw_acquire_request(tw_task_t t, tw_res_t r, int64_t units, uint32_t site)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_ACQUIRE_REQ, units, site); }
/* Task t holds `units` more of r (a HOLD edge; shared for an rwlock read: use tw_acquire_shared). */
static inline void tw_acquire(tw_task_t t, tw_res_t r, int64_t units)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_ACQUIRE, units, 0); }
static inline void tw_acquire_shared(tw_task_t t, tw_res_t r)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_ACQUIRE, -1, 0); }
/* tw_acquire (units -1: shared) saying where and how (enum tw_acquire_how): the event carries
 * TW_EVF_TRY or TW_EVF_TIMED_LOCK, and a blocking exclusive acquisition of a mutex or rwlock
 * records a lock-order edge from every lock t holds (region table header.orders, ABI 1.3).
 * site 0: the site of t's pending acquire request on r, if any. tw_acquire(t, r, u) is
 * tw_acquire_at(t, r, u, 0, TW_ACQ_LOCK). */
static inline void tw_acquire_at(tw_task_t t, tw_res_t r, int64_t units, uint32_t site, int how)
{ if (TW_ON_()) tw__acquire(t, r, units, site, how); }
/* Task t gives back `units` of r (-1: a shared rwlock hold). Releasing what t does not hold is an
 * instrumentation error. */
static inline void tw_release(tw_task_t t, tw_res_t r, int64_t units)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_RELEASE, units, 0); }
/* tw_release, saying how the hold was kept (TW_ACQ_OWNED, or 0 for tw_release itself). */
static inline void tw_release_how(tw_task_t t, tw_res_t r, int64_t units, int how)
{ if (TW_ON_()) tw__release(t, r, units, how); }
/* A try-acquire that failed (no state change; counted for contention). */
static inline void tw_try_fail(tw_task_t t, tw_res_t r) { if (TW_ON_()) tw__res_event(t, r, TW_EV_TRY_FAIL, 0, 0); }
/* Wakes in flight, for waits whose waker is not a holder (condvar, semaphore): a thread that is
 * about to block on r calls tw_res_waiter(r, +1) before it blocks and tw_res_waiter(r, -1) when
 * the blocking call returns (which also takes back one pending wake); a signal or post calls
 * tw_res_wake(r, 0) and a broadcast tw_res_wake(r, 1) BEFORE the real wake. Readers then never
 * call a signalled waiter that has not yet run "blocked" (DESIGN.md "Certain means proven").
 * One CAS on the resource record each; no event. */
static inline void tw_res_waiter(tw_res_t r, int delta) { if (TW_ON_()) tw__res_waiter(r, delta); }
static inline void tw_res_wake(tw_res_t r, int all) { if (TW_ON_()) tw__res_wake(r, all); }
/* A message was queued into / taken out of channel r. */
static inline void tw_send(tw_task_t t, tw_res_t r) { if (TW_ON_()) tw__res_event(t, r, TW_EV_SEND, 1, 0); }
static inline void tw_recv(tw_task_t t, tw_res_t r) { if (TW_ON_()) tw__res_event(t, r, TW_EV_RECV, 1, 0); }
/* tw_send / tw_recv saying how r's record is kept: TW_ACQ_OWNED when the caller's own lock
 * orders every send and receive of r (the shim then counts them without locked instructions),
 * 0 as tw_send / tw_recv. Same event, same facts. */
static inline void tw_send_how(tw_task_t t, tw_res_t r, int how) { if (TW_ON_()) tw__message(t, r, TW_EV_SEND, how); }
static inline void tw_recv_how(tw_task_t t, tw_res_t r, int how) { if (TW_ON_()) tw__message(t, r, TW_EV_RECV, how); }
/* Task t blocks sending on full r / receiving on empty r at `site` (TW_WAIT_SEND / TW_WAIT_RECV). */
static inline void tw_block_full(tw_task_t t, tw_res_t r, uint32_t site)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_BLOCK_FULL, 0, site); }
static inline void tw_block_empty(tw_task_t t, tw_res_t r, uint32_t site)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_BLOCK_EMPTY, 0, site); }
/* tw_block_full / tw_block_empty, saying how: TW_ACQ_WAKER when the wait holds a new waker. */
static inline void tw_block_full_how(tw_task_t t, tw_res_t r, uint32_t site, int how)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_BLOCK_FULL, (how & TW_ACQ_WAKER) ? 1 : 0, site); }
static inline void tw_block_empty_how(tw_task_t t, tw_res_t r, uint32_t site, int how)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_BLOCK_EMPTY, (how & TW_ACQ_WAKER) ? 1 : 0, site); }
/* A pending operation of t on r was cancelled (a losing select branch); lost_msg = 1 when a
 * message it carried was dropped undelivered (then a TW_EV_MSG_DROP follows). */
static inline void tw_cancel(tw_task_t t, tw_res_t r, int lost_msg)
{ if (TW_ON_()) tw__res_event(t, r, TW_EV_CANCEL, lost_msg, 0); }

/* Task t gains / drops a sender or receiver handle of r (role TW_EDGE_SENDER / _RECEIVER). */
static inline void tw_handle_add(tw_task_t t, tw_res_t r, int role) { if (TW_ON_()) tw__edge(t, r, TW_EV_HANDLE_ADD, role, 0); }
static inline void tw_handle_drop(tw_task_t t, tw_res_t r, int role) { if (TW_ON_()) tw__edge(t, r, TW_EV_HANDLE_DROP, role, 0); }
/* Intents (untrusted): t may (TW_EDGE_INTENT_COND) or will (TW_EDGE_INTENT_UNCOND) use r in
 * direction dir (enum tw_intent_dir). An unconditional intent to send makes t a possible waker
 * of r's receivers. */
static inline void tw_intent_set(tw_task_t t, tw_res_t r, int role, int dir) { if (TW_ON_()) tw__edge(t, r, TW_EV_INTENT_SET, role, dir); }
static inline void tw_intent_clear(tw_task_t t, tw_res_t r) { if (TW_ON_()) tw__edge(t, r, TW_EV_INTENT_CLEAR, 0, 0); }
/* A user attribute key=value on task t (untrusted; at most TW_MAX_ATTRS kept, later keys replace
 * a same-named one). */
static inline void tw_attr(tw_task_t t, const char *key, const char *value) { if (TW_ON_()) tw__attr(t, key, value); }
/* n more records an instrumenter's own fixed table `what` (enum tw_overflow) could not keep:
 * counted in header.overflow[what], reported by readers as `instrumentation_overflow`. */
static inline void tw_overflow(int what, uint64_t n) { if (TW_ON_()) tw__overflow(what, n); }

/* ---- control area (pause requests from outside) ---- */

/* Take the next valid pause/resume request posted by `tw pause`/a debugger. Returns 1 and fills
 * *task_id / *op (enum tw_control_op) or 0 when none. Requests for unknown tasks or with bad ops
 * are rejected here, so the caller sees only well-formed ones. Cheap when nothing is posted
 * (one load). */
int tw_control_take(uint32_t *task_id, int *op);
/* The control futex word, for a runtime's idle workers to FUTEX_WAIT on (NULL when disabled). */
volatile uint32_t *tw_control_futex(void);
/* The handle of a live task by id (for control requests), 0 if unknown. */
tw_task_t tw_task_by_id(uint32_t id);

#else /* TW_DISABLE_INSTRUMENTATION: everything compiles to nothing (empty inline functions,
       * so arguments stay "used" and callers need no #ifdefs of their own) */

#define TW_SITE(text) ((uint32_t)0)
#define TW_AWAIT_SITE(expr) ((uint32_t)0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define TW_NOOP_(decl) static inline void decl {}
static inline tw_task_t tw_task_spawn(const char *n, uint32_t s, tw_task_t p) { (void)n; (void)s; (void)p; return 0; }
static inline tw_task_t tw_thread_task(const char *n, uint32_t s) { (void)n; (void)s; return 0; }
static inline tw_res_t tw_res_create(int k, int c, int64_t cap, const char *n, uint32_t s, uint64_t a)
{ (void)k; (void)c; (void)cap; (void)n; (void)s; (void)a; return 0; }
static inline uint32_t tw_res_id(tw_res_t r) { (void)r; return 0; }
static inline uint32_t tw_task_id(tw_task_t t) { (void)t; return 0; }
TW_NOOP_(tw_task_name(tw_task_t t, const char *n))
TW_NOOP_(tw_poll_begin(tw_task_t t))
TW_NOOP_(tw_poll_begin_how(tw_task_t t, int how))
TW_NOOP_(tw_poll_end_blocked(tw_task_t t, tw_res_t r, int k, uint32_t s, int how, const struct tw_context *c))
TW_NOOP_(tw_poll_end(tw_task_t t, int o))
TW_NOOP_(tw_task_done(tw_task_t t, int d))
TW_NOOP_(tw_wake(tw_task_t t, tw_task_t b))
TW_NOOP_(tw_wake_how(tw_task_t t, tw_task_t b, int how))
TW_NOOP_(tw_poll_end_how(tw_task_t t, int o, int how))
TW_NOOP_(tw_waker(tw_task_t t, int op, tw_task_t to))
TW_NOOP_(tw_task_pause(tw_task_t t, int p))
TW_NOOP_(tw_task_context(tw_task_t t, const struct tw_context *c))
TW_NOOP_(tw_await_begin(tw_task_t t, uint32_t s, int k, uint32_t o, int tm))
TW_NOOP_(tw_await_end(tw_task_t t))
TW_NOOP_(tw_await_end_how(tw_task_t t, int how))
TW_NOOP_(tw_res_close(tw_res_t r))
TW_NOOP_(tw_acquire_request(tw_task_t t, tw_res_t r, int64_t u, uint32_t s))
TW_NOOP_(tw_acquire(tw_task_t t, tw_res_t r, int64_t u))
TW_NOOP_(tw_acquire_shared(tw_task_t t, tw_res_t r))
TW_NOOP_(tw_acquire_at(tw_task_t t, tw_res_t r, int64_t u, uint32_t s, int how))
TW_NOOP_(tw_overflow(int what, uint64_t n))
TW_NOOP_(tw_release(tw_task_t t, tw_res_t r, int64_t u))
TW_NOOP_(tw_release_how(tw_task_t t, tw_res_t r, int64_t u, int how))
TW_NOOP_(tw_try_fail(tw_task_t t, tw_res_t r))
TW_NOOP_(tw_send(tw_task_t t, tw_res_t r))
TW_NOOP_(tw_recv(tw_task_t t, tw_res_t r))
TW_NOOP_(tw_send_how(tw_task_t t, tw_res_t r, int how))
TW_NOOP_(tw_recv_how(tw_task_t t, tw_res_t r, int how))
TW_NOOP_(tw_block_full(tw_task_t t, tw_res_t r, uint32_t s))
TW_NOOP_(tw_block_empty(tw_task_t t, tw_res_t r, uint32_t s))
TW_NOOP_(tw_block_full_how(tw_task_t t, tw_res_t r, uint32_t s, int how))
TW_NOOP_(tw_block_empty_how(tw_task_t t, tw_res_t r, uint32_t s, int how))
TW_NOOP_(tw_cancel(tw_task_t t, tw_res_t r, int l))
TW_NOOP_(tw_handle_add(tw_task_t t, tw_res_t r, int role))
TW_NOOP_(tw_handle_drop(tw_task_t t, tw_res_t r, int role))
TW_NOOP_(tw_intent_set(tw_task_t t, tw_res_t r, int role, int dir))
TW_NOOP_(tw_intent_clear(tw_task_t t, tw_res_t r))
TW_NOOP_(tw_attr(tw_task_t t, const char *k, const char *v))
TW_NOOP_(tw_res_waiter(tw_res_t r, int d))
TW_NOOP_(tw_res_wake(tw_res_t r, int a))
static inline int tw_control_take(uint32_t *id, int *op) { (void)id; (void)op; return 0; }
static inline volatile uint32_t *tw_control_futex(void) { return 0; }
static inline tw_task_t tw_task_by_id(uint32_t id) { (void)id; return 0; }
#undef TW_NOOP_
#pragma GCC diagnostic pop

#endif /* TW_DISABLE_INSTRUMENTATION */

#ifdef __cplusplus
}
#endif
#endif /* TURBOWISH_H */
