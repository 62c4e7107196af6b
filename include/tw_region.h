/* tw_region.h — the TurboWish region ABI: the bytes the shim writes and every reader decodes.
 *
 * The region is one memfd ("turbowish") mapped MAP_SHARED by the instrumented process.
 * It contains no pointers: every reference is a byte offset from the region start, a
 * string offset into the arena, or an entity id. A reader in another process, or on a
 * core file where the region sits at another address, needs no relocation.
 *
 * Versioning (append-only): a reader rejects an unknown ABI major, accepts any minor,
 * and accepts strides larger than the struct it knows (fields are only ever appended).
 * Never reorder or reuse a field; append and bump TW_ABI_MINOR.
 *
 * Concurrency: every table record begins with a sequence counter that is odd while
 * its single writer updates it (a seqlock). A reader that sees an odd counter, or a
 * counter that changed while it copied the record, reports the record as torn.
 *
 * Layout (offsets in the header; each table's records are `stride` bytes):
 *   [header][thread/ring directory][task table][resource table][site table]
 *   [stack table][lock-order table (1.3)][string arena][control area][rings...]
 */
#ifndef TW_REGION_H
#define TW_REGION_H

#include <stddef.h>
#include <stdint.h>

#define TW_MAGIC "TURBOWSH"      /* 8 bytes at offset 0, no terminator */
#define TW_BYTE_ORDER_MARK 0x01020304u
#define TW_ABI_MAJOR 1
#define TW_ABI_MINOR 7      /* 1.1: header.backtrace (was padding), stack table in use;
                             * 1.2: tw_res_rec.wake_state (wakes in flight);
                             * 1.3: header.orders (lock-order edge table), header.overflow,
                             * TW_EVF_TRY / TW_EVF_TIMED_LOCK on TW_EV_ACQUIRE;
                             * 1.4: lock classes in the order table (TW_ORDER_CLASS),
                             * tw_task_rec.max_ran_us, tw_ring_desc.sched_wait_ns (a poll's
                             * time not preempted), tw_control.reader_stops;
                             * 1.5: TW_EVF_WAKER on a wait's first and last events;
                             * 1.6: a POLL_END that also begins a channel wait (TW_EVF_KIND);
                             * 1.7: tw_task_rec.longest_ran_us (was padding), TW_TF_IN_CALL;
                             * timed reader stops:
                             * tw_control.timed_stops and stopped_us, their baselines in
                             * tw_ring_desc (stops_base was padding) */

/* ---- enumerations (stored as small integers; readers treat unknown values as input errors) ---- */

enum tw_task_state {
    TW_TASK_FREE = 0,     /* slot unused (id == 0) */
    TW_TASK_READY = 1,    /* runnable, waiting for a worker */
    TW_TASK_POLLING = 2,  /* running on a worker right now */
    TW_TASK_WAITING = 3,  /* suspended until something wakes it */
    TW_TASK_DONE = 4,     /* completed or dropped; see TW_TF_DROPPED */
};

/* What a waiting task waits for; decides who can wake it (DESIGN.md "Analysis"). */
enum tw_wait_kind {
    TW_WAIT_NONE = 0,
    TW_WAIT_ACQUIRE = 1,     /* lock/semaphore units of waiting_on: wakers are its holders */
    TW_WAIT_RECV = 2,        /* receive on empty channel waiting_on: wakers hold a sender */
    TW_WAIT_SEND = 3,        /* send on full channel waiting_on: wakers hold a receiver */
    TW_WAIT_JOIN = 4,        /* join of task `waiting_on` (a task id) */
    TW_WAIT_SIGNAL = 5,      /* notify / condvar / semaphore-as-signal: wakers unknown */
    TW_WAIT_PARK = 6,        /* hand-written wait; wakers are whoever holds one of its wakers */
    TW_WAIT_TIMER = 7,       /* sleep or timer: time wakes it, never a certain deadlock */
    TW_WAIT_IO = 8,          /* the outside world wakes it, never a certain deadlock */
    TW_WAIT_SELECT = 9,      /* several channel ops at once; waiting_on is the first */
};

enum tw_res_kind {
    TW_RES_MUTEX = 1, TW_RES_RWLOCK = 2, TW_RES_SEMAPHORE = 3,
    TW_RES_CHANNEL = 4, TW_RES_ONESHOT = 5, TW_RES_NOTIFY = 6, TW_RES_CONDVAR = 7,
    TW_RES_BARRIER = 8, TW_RES_PIPE = 9, TW_RES_TIMER = 10, TW_RES_OTHER = 11,
    TW_RES_FUTURE = 12,       /* a std::future's shared state: consumed by its waiters, set once by
                                 whoever holds the promise (attach-only so far: no writer yet) */
};

enum tw_res_class {
    TW_CLASS_REUSABLE = 1,    /* held and released: mutex, rwlock, semaphore */
    TW_CLASS_CONSUMABLE = 2,  /* produced and consumed: channels, notify, condvar */
};

/* Edge roles in a task record (what the task has to do with a resource). */
enum tw_edge_role {
    TW_EDGE_NONE = 0,
    TW_EDGE_HOLD = 1,          /* holds units of a reusable resource (count = units) */
    TW_EDGE_SENDER = 2,        /* holds `count` sender handles of a channel/oneshot */
    TW_EDGE_RECEIVER = 3,      /* holds `count` receiver handles */
    TW_EDGE_INTENT_COND = 4,   /* may use it (dir says how) */
    TW_EDGE_INTENT_UNCOND = 5, /* will use it unless it fails first */
    TW_EDGE_HOLD_SHARED = 6,   /* read-holds an rwlock */
};

enum tw_intent_dir { TW_DIR_ACQUIRE = 0, TW_DIR_SEND = 1, TW_DIR_RECV = 2 };

/* Task record flags. */
#define TW_TF_DROPPED 0x01    /* ended by cancellation, not completion */
#define TW_TF_TIMED 0x02      /* the current wait has a timeout */
#define TW_TF_CTX_VALID 0x04  /* ctx holds the registers of the parked task */
#define TW_TF_ROOT 0x08       /* an OS thread seen as a task (adapters), not a runtime task */
#define TW_TF_WOKEN 0x10      /* woken while polling: the next PENDING poll end leaves it READY */
/* An adapter's thread that runs an event loop (set by its first wait with TW_AWAIT_LOOP, then
 * kept): the stretch between its returns from a loop wait and its next loop wait is its poll,
 * so a wait in that stretch is a call blocking the loop (blocking_in_poll) and CPU spent there
 * is a long_poll. Writers of ABI 1.4 may set it; older readers ignore it. */
#define TW_TF_LOOP 0x20
#define TW_TF_LOOP_WAIT 0x40  /* the current wait is the event loop's wait for events (idle, healthy) */
/* ABI 1.7: the task's poll did not end: an adapter recorded a blocking call the task made inside
 * it (a pthread lock, a sleep) as a wait, and the task's worker thread is blocked in that call.
 * Set by a POLL_END given TW_POLL_IN_CALL, cleared by the next POLL_BEGIN. Readers tell such a
 * wait as "polling, blocked in …" and judge it by blocking_in_poll. A fact of the present: the
 * history does not carry it. */
#define TW_TF_IN_CALL 0x80

/* Event types. Trusted events come from the runtime, untrusted from application code. */
enum tw_event_type {
    TW_EV_NONE = 0,
    TW_EV_SPAWN = 1,         /* task: new task; arg = parent task id */
    TW_EV_NAME = 2,          /* task: rename; old = previous name string */
    TW_EV_POLL_BEGIN = 3,    /* task: old = previous state */
    TW_EV_POLL_END = 4,      /* task: aux = outcome (enum tw_poll_outcome) | new state << 8; old = previous
                              * state; with TW_EVF_KIND(flags) != 0 also the block that ended the poll (1.6,
                              * see TW_POLL_END_WAIT_*) */
    TW_EV_DONE = 5,          /* task: completed; old = previous state */
    TW_EV_DROPPED = 6,       /* task: cancelled before completion; old = previous state */
    TW_EV_WAKE = 7,          /* task woken; res = waker task id (0 outside a task); old = previous state */
    TW_EV_WAKER_CREATE = 8,  /* task: a waker for it exists; old = previous wakers_alive */
    TW_EV_WAKER_CLONE = 9,
    TW_EV_WAKER_DROP = 10,
    TW_EV_WAKER_TRANSFER = 11, /* arg = receiving task id */
    TW_EV_PAUSE = 12,        /* task: old = previous paused flag */
    TW_EV_RESUME = 13,
    TW_EV_AWAIT_BEGIN = 14,  /* task at site aux32: old = packed previous (site, wait kind, waiting_on) */
    TW_EV_AWAIT_END = 15,    /* old = packed previous (site, wait kind, waiting_on) */
    TW_EV_RES_CREATE = 16,   /* res: arg = capacity */
    TW_EV_RES_CLOSE = 17,
    TW_EV_ACQUIRE_REQ = 18,  /* task asks for units of res; old = packed previous wait */
    TW_EV_ACQUIRE = 19,      /* task got units; aux = units; old = previous units available */
    TW_EV_RELEASE = 20,      /* task gave units back; aux = units; old = previous units available */
    TW_EV_TRY_FAIL = 21,     /* a try-acquire that failed; no state change */
    TW_EV_SEND = 22,         /* old = previous queue length */
    TW_EV_RECV = 23,         /* old = previous queue length */
    TW_EV_BLOCK_FULL = 24,   /* sender blocked on full; old = packed previous wait */
    TW_EV_BLOCK_EMPTY = 25,  /* receiver blocked on empty; old = packed previous wait */
    TW_EV_HANDLE_ADD = 26,   /* task gains a sender/receiver handle: aux = role */
    TW_EV_HANDLE_DROP = 27,  /* task drops one: aux = role */
    TW_EV_INTENT_SET = 28,   /* aux = role (INTENT_COND/UNCOND) | dir << 8 */
    TW_EV_INTENT_CLEAR = 29,
    TW_EV_ATTR = 30,         /* user attribute: aux32 = key string, arg = value string */
    TW_EV_CANCEL = 31,       /* a select branch / pending op cancelled; res = resource; aux = what was lost (1 = a message) */
    TW_EV_MSG_DROP = 32,     /* a message dropped undelivered (e.g. by a cancelled send) */
    TW_EV_INSTR_ERROR = 33,  /* bad call from application code; aux = enum tw_instr_error */
    TW_EV_TYPE_COUNT
};

enum tw_poll_outcome { TW_POLL_PENDING = 0, TW_POLL_READY = 1, TW_POLL_COMPLETED = 2 };

enum tw_instr_error {
    TW_ERR_UNKNOWN_TASK = 1, TW_ERR_UNKNOWN_RES = 2, TW_ERR_RELEASE_UNHELD = 3,
    TW_ERR_NULL_NAME = 4, TW_ERR_EDGES_FULL = 5, TW_ERR_BAD_STATE = 6,
};

/* ---- records ---- */

/* One event in a thread's ring: exactly 32 bytes. Written only by the ring's thread. */
struct tw_event {
    uint64_t ts;        /* raw clock (TSC or ns, see header.clock_kind) */
    uint8_t type;       /* enum tw_event_type */
    uint8_t flags;      /* TW_EVF_* */
    uint16_t aux;       /* type-specific small value */
    uint32_t task;      /* task id the event concerns (0 none) */
    uint32_t res;       /* resource id (or second task id for WAKE/JOIN) */
    uint32_t version;   /* version of the event's entity after it: res's if TW_EVF_RES_VERSION, else task's */
    uint64_t old;       /* the value(s) the event replaced, so it can be undone; or an argument */
};
#define TW_EVF_RES_VERSION 0x01 /* `version` is the resource's (else the task's) */
#define TW_EVF_APP 0x02         /* emitted by application code (untrusted), not the runtime */
#define TW_EVF_TIMED 0x04       /* a new wait set by this event has a timeout */
#define TW_EVF_SHARED 0x08      /* ACQUIRE/RELEASE of a shared (read) hold */
#define TW_EVF_KIND(f) (((f) >> 4) & 0xfu) /* wait kind set by AWAIT_BEGIN */
/* How an ACQUIRE was made (ABI 1.3; bits 4-7 are the wait kind on AWAIT_BEGIN only). Neither
 * a try nor a timed lock can wait forever, so neither makes a lock-order edge; both locks are
 * still held, and edges from them to a later blocking acquisition are real. */
#define TW_EVF_TRY 0x10         /* ACQUIRE by a try-lock (pthread_mutex_trylock, twrt_mutex_trylock) */
#define TW_EVF_TIMED_LOCK 0x20  /* ACQUIRE by a timed lock (pthread_mutex_timedlock) */
#define TW_EVF_AT_SITE 0x40     /* ACQUIRE of one unit that did not wait, with no ACQUIRE_REQ
                                 * before it (ABI 1.4): `aux` is the acquisition's site index,
                                 * not a unit count */
/* A wait and the waker it holds in one event (ABI 1.5): on BLOCK_FULL / BLOCK_EMPTY /
 * AWAIT_BEGIN the wait that begins holds a new waker (wakers_alive += 1: the WAKER_CREATE
 * folded in); on SEND / RECV / AWAIT_END the wait that ends gives its waker back
 * (wakers_alive -= 1: the WAKER_DROP folded in). Same bit as TW_EVF_SHARED, which only ACQUIRE
 * and RELEASE carry. */
#define TW_EVF_WAKER 0x08

/* A poll's end and the block that ended it in one event (ABI 1.6): a POLL_END (outcome PENDING)
 * whose flags carry a wait kind (TW_EVF_KIND: TW_WAIT_RECV or TW_WAIT_SEND) also begins that wait,
 * as the BLOCK_EMPTY / BLOCK_FULL recorded just before it would have: waiting_on = res, the await
 * site in bits 16-31 of `old`, TW_EVF_WAKER = the wait holds a new waker. The task had no wait
 * before (a writer folds only then), so undo restores kind NONE, waiting_on 0, untimed, and the
 * previous await site, kept in bits 48-63 of `old`; bits 0-7 stay the previous state. The task's
 * version moves once for both. A reader of ABI 1.5 or older sees a plain poll end (the wait is
 * missing from its replay, the record has it). */
#define TW_POLL_END_WAIT_SITE(old) ((uint32_t)(((old) >> 16) & 0xffffu))
#define TW_POLL_END_PREV_SITE(old) ((uint32_t)(((old) >> 48) & 0xffffu))
#define TW_POLL_END_OLD(state, site, prev_site) \
    ((uint64_t)(uint8_t)(state) | ((uint64_t)((site) & 0xffffu) << 16) | ((uint64_t)((prev_site) & 0xffffu) << 48))

/* A task's wait as stored in event `old` fields: site(16) | flags(8) | kind(8) | waiting_on(32).
 * flags bit 0 = timed. Site indexes are 16-bit: the site table holds at most 65535 sites. */
#define TW_PACK_WAIT(site, kind, on, timed) \
    ((((uint64_t)(site) & 0xffffu) << 48) | ((uint64_t)((timed) ? 1 : 0) << 40) | \
     (((uint64_t)(kind) & 0xffu) << 32) | (uint32_t)(on))
#define TW_WAIT_SITE(p) ((uint32_t)(((p) >> 48) & 0xffffu))
#define TW_WAIT_TIMED(p) ((uint32_t)(((p) >> 40) & 1u))
#define TW_WAIT_KIND(p) ((uint32_t)(((p) >> 32) & 0xffu))
#define TW_WAIT_ON(p) ((uint32_t)(p))

#define TW_MAX_EDGES 12
#define TW_HIST_BUCKETS 16 /* bucket i counts durations in [2^(i+9), 2^(i+10)) ns; 0 also < 512 ns, 15 also above */
#define TW_MAX_ATTRS 4

struct tw_edge {
    uint32_t res;     /* resource id (0 = empty slot) */
    uint8_t role;     /* enum tw_edge_role */
    uint8_t dir;      /* enum tw_intent_dir for intents */
    uint16_t count;   /* units or handles */
};

/* Saved registers of a parked (waiting or ready, not polling) task: enough to unwind its stack. */
struct tw_context {
    uint64_t rip, rsp, rbp, rbx, r12, r13, r14, r15;
    uint64_t stack_lo, stack_hi; /* the task's stack bounds (0 if unknown) */
};

/* Task record. Writer: whichever thread owns the task at that moment under the runtime's own
 * ordering (the spawner until it is published, then the worker polling it, or the waker of a
 * waiting task). Invariants: id != 0 iff the slot is used; state is a tw_task_state;
 * every edge with res != 0 names a resource id; seq is even when the record is consistent. */
struct tw_task_rec {
    uint32_t seq;            /* seqlock counter, odd while written */
    uint32_t version;        /* per-entity version: +1 per event on this task */
    uint32_t id;             /* task id >= 1; 0 = free slot */
    uint32_t parent;         /* spawning task id, 0 if none */
    uint32_t name;           /* arena offset of the name, 0 = none */
    uint32_t spawn_site;     /* site index, 0 = none */
    uint8_t state;           /* enum tw_task_state */
    uint8_t paused;          /* 1 while paused (orthogonal to state) */
    uint8_t wait_kind;       /* enum tw_wait_kind while WAITING */
    uint8_t flags;           /* TW_TF_* */
    uint32_t await_site;     /* site index of the current/last await, 0 = none */
    uint32_t waiting_on;     /* resource id (or task id for JOIN) */
    int32_t wakers_alive;    /* wakers created/cloned minus dropped */
    uint32_t os_tid;         /* thread last polling it (or the thread itself for TW_TF_ROOT) */
    uint32_t spawn_stack;    /* stack table index of the spawner's stack, 0 = none (TW_BACKTRACE) */
    uint32_t block_stack;    /* stack table index of the latest event that made it wait, 0 = none */
    uint32_t max_poll_us;    /* longest poll so far, in microseconds (saturating); a fact of the
                              * record, not of the history: it survives rings that wrapped */
    uint64_t created_ts;     /* raw clock at spawn */
    uint64_t state_ts;       /* raw clock at the last state change */
    uint64_t polls;
    uint64_t busy;           /* raw clock units spent polling */
    uint64_t scheduled;      /* raw clock units spent ready (ready-wait) */
    uint64_t idle;           /* raw clock units spent waiting */
    uint32_t wakes, self_wakes;
    struct tw_edge edges[TW_MAX_EDGES];
    uint32_t poll_hist[TW_HIST_BUCKETS];
    uint32_t ready_hist[TW_HIST_BUCKETS];
    struct { uint32_t key, value; } attrs[TW_MAX_ATTRS]; /* arena offsets, 0 = empty */
    struct tw_context ctx;   /* valid when flags & TW_TF_CTX_VALID */
    /* ABI 1.4 (absent when the stride is TW_TASK_REC_SIZE_1_3; readers then read 0): */
    uint32_t max_ran_us;     /* longest poll so far not counting the time its thread waited in a run
                              * queue (preempted), in microseconds: a lower bound, measured for polls
                              * of TW_MEASURED_POLL_US and more (docs/alerts/long_poll.md); 0 = none */
    /* ABI 1.7 (was padding, always 0): the time not preempted of the poll max_poll_us measures,
     * 0 when that poll was not measured (shorter than TW_MEASURED_POLL_US, /proc unreadable, or
     * a reader stopped the process during it). max_ran_us may come from another poll. */
    uint32_t longest_ran_us;
};
#define TW_TASK_REC_SIZE_1_3 offsetof(struct tw_task_rec, max_ran_us) /* before ABI 1.4 (readers accept it) */
#define TW_MEASURED_POLL_US 5000u  /* polls at least this long get their preemption measured */

/* Resource record. Writer: the creator for identity fields; units/queue/version are updated
 * with atomics by any task using it. Holders, waiters, senders and receivers are NOT stored
 * here: readers derive them from task edges (one writer per fact). */
struct tw_res_rec {
    uint32_t seq;            /* seqlock counter for identity fields, odd while written */
    uint32_t version;        /* per-entity version (atomic increment per event) */
    uint32_t id;             /* resource id >= 1; 0 = free slot */
    uint32_t name;           /* arena offset */
    uint8_t kind;            /* enum tw_res_kind */
    uint8_t class_;          /* enum tw_res_class */
    uint8_t closed;          /* 1 after close */
    uint8_t pad;
    uint32_t create_site;    /* site index, 0 = none */
    int64_t capacity;        /* units (locks: 1; rwlock: readers max; channel: slots; -1 unbounded) */
    int64_t available;       /* units free now (locks/semaphores) */
    int64_t queued;          /* messages queued now (channels) */
    uint64_t created_ts;
    uint64_t address;        /* user-visible address of the object (adapters), 0 if none */
    /* ABI 1.2 (absent when the stride is 64): wakes in flight, for resources whose wakers
     * cannot be read from task edges (condvar, semaphore). TW_WAKE_WAITERS threads are in a
     * wait on it; TW_WAKE_PENDING of them have been signalled (or posted to) and have not yet
     * returned. Invariant: pending <= waiters. Written by waiters and wakers alike with one
     * CAS. A reader must not call a waiter on a resource with pending > 0 blocked: its wake
     * is already on its way (DESIGN.md "Certain means proven"). */
    uint64_t wake_state;
};
#define TW_RES_REC_SIZE_1_1 64u  /* the record's size before ABI 1.2 (readers accept it) */
#define TW_WAKE_WAITERS(w) ((uint32_t)((w) >> 32))
#define TW_WAKE_PENDING(w) ((uint32_t)(w))

/* Await/spawn/create site, registered once per source location. Index 0 is reserved. */
struct tw_site_rec {
    uint32_t file;  /* arena offset */
    uint32_t line;
    uint32_t expr;  /* arena offset of the expression text (or function name) */
    uint32_t func;  /* arena offset of the enclosing function, 0 = unknown */
};

/* What TW_BACKTRACE asked for and the shim could give (header.backtrace). */
enum tw_backtrace_mode {
    TW_BT_OFF = 0,     /* no stacks recorded (default; also every ABI 1.0 region) */
    TW_BT_FP = 1,      /* frame-pointer walk: lock-free */
    TW_BT_UNWIND = 2,  /* libunwind's unw_backtrace: may take the loader lock */
};

/* Interned call stack (TW_BACKTRACE): return addresses, innermost first, the first one in the
 * code that called the shim. Index 0 is reserved ("none"). An open-addressing hash table over
 * the whole table: a writer claims a free slot by CAS of `hash` from 0, writes pc[], then
 * publishes with a release store of `depth`; a record is never changed after that. Readers
 * treat depth == 0 as empty or still being written, and cap depth at TW_STACK_DEPTH. The same
 * stack may be stored twice (a writer never waits for a slot another thread is filling).
 * Header stacks.count is the high-water mark (1 + highest slot used), stacks.full counts
 * stacks that found no slot (the event then carries stack 0). */
#define TW_STACK_DEPTH 8
struct tw_stack_rec {
    uint32_t depth;            /* frames in pc[], 1..TW_STACK_DEPTH; 0 = empty / in progress */
    uint32_t hash;             /* of pc[0..depth); nonzero once claimed */
    uint64_t pc[TW_STACK_DEPTH];
};

/* Lock-order edge (ABI 1.3): a task holding lock `held` acquired lock `acquired` by a blocking
 * acquisition (never a try or a timed lock), recorded once per ordered pair of lock instances,
 * by the first task to take them in that order. The table is the program's lock-order graph, a
 * fact of the region like max_poll_us: it survives rings that wrapped. Writers: any thread, with
 * no lock. An open-addressing hash table over the whole table (TW_ORDER_PROBES slots from the
 * key's hash): a writer claims a free slot by CAS of `key` from 0, writes the other fields, then
 * publishes with a release store of `flags` (TW_ORDER_PUBLISHED set). A present edge costs one
 * probe and no write; a record never changes once published. Readers skip records without
 * TW_ORDER_PUBLISHED (empty, or still being written) and records with TW_ORDER_ACQ_TRY.
 * Header orders.count is the high-water mark (1 + highest slot used); orders.full counts edges
 * that found no slot within TW_ORDER_PROBES. Only locks (mutexes and rwlocks) make edges, and
 * only an exclusive (write) acquisition of `acquired`; `held` may be held shared. */
#define TW_ORDER_PROBES 16
#define TW_ORDER_PUBLISHED 0x1   /* the record is whole */
#define TW_ORDER_HELD_TRY 0x2    /* `held` had been taken by a try-lock (it is still held: the edge is real) */
#define TW_ORDER_HELD_SHARED 0x4 /* `held` is held shared (an rwlock read hold) */
#define TW_ORDER_ACQ_TRY 0x8     /* `acquired` was taken by a try: not an order edge. The shim never
                                  * writes it; readers skip such records (a writer that keeps try
                                  * pairs for display must set it) */
/* Lock classes (ABI 1.4): two locks with creation sites (tw_res_rec.create_site) belong to the
 * classes of those sites. Of the instance edges between one ordered pair of classes, the first
 * TW_ORDER_PER_CLASS are recorded and the rest are folded, as lockdep keeps classes only: a
 * server that nests 256 LRU locks with 4,096 hashed item locks would otherwise fill any table
 * with a million edges of one shape. Each class pair has a class record (TW_ORDER_CLASS, with
 * TW_ORDER_ACQ_TRY also set so that 1.3 readers skip it): key TW_ORDER_CLASS_KEY, held_site and
 * acquired_site the two creation sites, and `task` the count of its instance edges recorded,
 * raised atomically after publication up to TW_ORDER_PER_CLASS (at which the pair is folded:
 * readers say so). The only record that changes after publication. */
#define TW_ORDER_CLASS 0x10
#define TW_ORDER_PER_CLASS 128
#define TW_ORDER_CLASS_KEY(held_site, acquired_site) \
    (1ull << 63 | (uint64_t)((held_site) & 0x7fffffffu) << 32 | (uint32_t)(acquired_site))
struct tw_order_rec {
    uint64_t key;            /* (uint64_t)held << 32 | acquired, resource ids; 0 = empty slot */
    uint32_t held_site;      /* site index where `held` was acquired, 0 = unknown */
    uint32_t acquired_site;  /* site index where `acquired` was acquired, 0 = unknown */
    uint32_t task;           /* task id that took them in this order first */
    uint32_t flags;          /* TW_ORDER_*; stored last, with release */
};
#define TW_ORDER_HELD(k) ((uint32_t)((k) >> 32))
#define TW_ORDER_ACQUIRED(k) ((uint32_t)(k))

/* Fixed tables of adapters that filled (ABI 1.3, header.overflow[]): what each counts was not
 * recorded; the program ran the same. Readers raise `instrumentation_overflow`. */
enum tw_overflow {
    TW_OVF_OBJECTS = 0,   /* synchronisation objects not tracked: the adapter's object table was full */
    TW_OVF_SITES = 1,     /* call sites not registered: the adapter's site cache was full */
    TW_OVF_HELD = 2,      /* acquisitions not recorded: a thread held more locks than its held list keeps */
    TW_OVF_THREADS = 3,   /* threads started without the adapter's trampoline (its pool was full) */
};
#define TW_OVF_SLOTS 8

/* Per-thread ring directory entry. Writer: the ring's thread. `head` counts every event ever
 * written to this ring (monotonic); the ring holds events head-capacity .. head-1, the slot of
 * event n is n % capacity. dropped counts events that could not be recorded at all. Entries of
 * capacity 0 (TW_LOG_EVENTS=0) hold no events, only the thread's dropped count. */
struct tw_ring_desc {
    uint32_t seq;            /* 0 = free directory slot, 1 = in use */
    uint32_t os_tid;
    uint64_t offset;         /* of the first tw_event */
    uint64_t capacity;       /* events */
    uint64_t head;           /* events written so far */
    uint64_t dropped;        /* events this thread did not keep: with TW_LOG_EVENTS=0 (capacity 0)
                                every event it records is counted here, not in a ring */
    uint32_t name;           /* arena offset of the thread name, 0 = none */
    uint32_t stops_base;     /* ABI 1.7 (was padding): control.reader_stops when this thread last
                              * measured a poll (or attached its ring) */
    /* ABI 1.4 (inside the 64-byte stride every shim used: 0 in older regions): */
    uint64_t sched_wait_ns;  /* the thread's time waiting in a run queue (kernel schedstat) when it
                              * last measured a poll; 0 = never (count from the thread's start).
                              * What a poll in progress was preempted is at most now's minus this */
    /* ABI 1.7 (the last bytes of the 64-byte stride): control.timed_stops and control.stopped_us
     * at the same moment as stops_base */
    uint32_t timed_base, stopped_us_base;
};
/* Entry i of the ring directory, by the table's stride. The shim lays entries out 64 bytes
 * apart (stride 64 >= sizeof): every thread stores its head on each event, and two heads on one
 * cache line made two threads' events several times dearer. For in-process use; readers of an
 * untrusted region bounds-check i and the stride first. */
#define TW_RING_DESC(h, i) \
    ((struct tw_ring_desc *)((char *)(h) + (h)->rings.offset + (size_t)(i) * (h)->rings.stride))


/* Control area: written from OUTSIDE the process (tw pause, debugger plugins). Untrusted.
 * A requester writes a slot (task id, op) then sets state = POSTED, increments `futex` and
 * FUTEX_WAKEs it. The runtime consumes POSTED slots, validates them, and writes state = DONE
 * or REJECTED. */
#define TW_CONTROL_SLOTS 32
enum tw_control_op { TW_CTL_PAUSE = 1, TW_CTL_RESUME = 2 };
enum tw_control_state { TW_CTL_EMPTY = 0, TW_CTL_POSTED = 1, TW_CTL_DONE = 2, TW_CTL_REJECTED = 3 };
struct tw_control {
    uint32_t futex;          /* request generation; runtimes may FUTEX_WAIT on it when idle */
    uint32_t reader_stops;   /* ABI 1.4 (was padding, always 0): a reader that stops the process
                              * (ptrace) adds 1 before and 1 after, so it is odd while one does; a
                              * poll that ended after it changed is not measured by the shim (its
                              * wall time holds the stop: docs/alerts/long_poll.md). Untrusted */
    struct { uint32_t state, op, task, pad; } slot[TW_CONTROL_SLOTS];
    /* ABI 1.7: a reader that knows how long it held the process stopped (tw: it stops and lets go
     * itself) adds that time, rounded up, to stopped_us and 1 to timed_stops, both with atomic
     * adds and before its second reader_stops add. When reader_stops grew by twice what
     * timed_stops grew since a thread's baseline, every stop since is timed, and the shim takes
     * stopped_us's growth off the poll's wall time instead of leaving the poll unmeasured. A
     * debugger that cannot tell when it lets go (gdb, lldb) adds 2 to reader_stops alone.
     * Untrusted: a wrong stopped_us can only lower a figure, and the shim clamps it at 0. */
    uint32_t timed_stops;
    uint32_t stopped_us;     /* wraps: only differences are read */
    /* ABI 1.7: CLOCK_MONOTONIC ns when the timed stop under way began, written before the first
     * reader_stops add. A thread let go before that stop's accounting (reader_stops still odd)
     * ends its poll with the stop's length bounded by now minus this, and counts the stop as
     * timed and done. */
    uint64_t stop_began_ns;
};

/* The stop counts of tw_control at one moment (ABI 1.7). */
struct tw_stop_counts { uint32_t stops, timed, stopped_us; uint64_t began_ns; };

/* How long readers held the process stopped since a thread's baselines (tw_ring_desc's
 * stops_base, timed_base, stopped_us_base), in ns; -1 when a stop since was not timed. The one
 * rule of the shim (which measures a poll at its end) and of readers (a poll in progress). A
 * stop under way (stops odd) is bounded by now_ns (CLOCK_MONOTONIC) minus its start, and counted
 * as timed and done: *c is advanced past it, the baselines a thread keeps next. Counting stops
 * before the poll began only understates the poll. */
static inline int64_t tw_stopped_since(struct tw_stop_counts *c, uint64_t now_ns, uint32_t stops_base, uint32_t timed_base,
                                       uint32_t stopped_us_base)
{
    uint64_t in_progress = 0;
    if (c->stops & 1) {
        c->stops++;
        c->timed++;
        if (!c->began_ns || c->began_ns > now_ns)
            return -1;
        in_progress = now_ns - c->began_ns;
    }
    if (c->stops - stops_base != 2 * (c->timed - timed_base))
        return -1;
    return (int64_t)((uint64_t)(c->stopped_us - stopped_us_base) * 1000 + in_progress);
}

/* header.snapshot_flags: the copy was taken from a running process, so it may be a few
 * in-flight events behind on some entities (validation allows exactly what versions show). */
#define TW_SNAP_LIVE 0x1

/* Table descriptor in the header. `count` is the high-water mark of used records. */
struct tw_table_desc {
    uint64_t offset;
    uint32_t stride;
    uint32_t capacity;
    uint32_t count;
    uint32_t full;           /* records that could not be created because the table was full */
};

/* The header, at offset 0. Writer: the shim at creation; counters atomically after. */
struct tw_header {
    char magic[8];           /* "TURBOWSH" */
    uint32_t byte_order;     /* TW_BYTE_ORDER_MARK in the writer's byte order */
    uint16_t abi_major, abi_minor;
    uint32_t header_size;    /* sizeof(struct tw_header) of the writer */
    int32_t pid;
    uint64_t region_size;    /* bytes mapped */
    uint64_t used_size;      /* bytes a reader needs (everything past it is unused) */
    /* clock: ns = anchor_ns + (raw - anchor_raw) * ns_per_raw_num / ns_per_raw_den */
    uint32_t clock_kind;     /* 1 = TSC, 2 = CLOCK_MONOTONIC ns */
    uint32_t backtrace;      /* enum tw_backtrace_mode in effect (ABI 1.1; padding, always 0, in 1.0) */
    uint64_t anchor_raw, anchor_ns;
    uint64_t ns_per_raw_num, ns_per_raw_den;
    uint64_t created_ns;     /* CLOCK_REALTIME ns at creation, for people */
    struct tw_table_desc tasks, resources, sites, stacks, rings;
    uint64_t arena_offset, arena_size, arena_used;   /* string arena; arena_used atomically bumped */
    uint64_t strings_full;   /* strings that did not fit */
    uint64_t control_offset;
    uint32_t next_task_id, next_res_id;              /* atomically incremented */
    uint64_t ring_events;    /* capacity of each ring in events (TW_LOG_EVENTS) */
    uint64_t instr_errors;   /* bad calls from application code */
    uint32_t long_poll_ms;   /* default long_poll threshold readers use (TW_LONG_POLL_MS) */
    uint32_t snapshot_flags; /* 0 in a live region; set by `tw snapshot` in its copy: TW_SNAP_* */
    char exe[64];            /* program name, for `tw ps` */
    uint64_t events_lost;    /* events not recorded because their thread could get no ring
                                (overwritten ring events are not lost: see tw_ring_desc.head) */
    /* ABI 1.3: readers check header_size before using these (a 1.1 region has neither) */
    struct tw_table_desc orders;     /* lock-order edges: struct tw_order_rec (TW_MAX_LOCK_ORDERS) */
    uint64_t overflow[TW_OVF_SLOTS]; /* per enum tw_overflow: adapter tables that filled */
};
/* The header size of a region that has the lock-order table and the overflow counters. */
#define TW_HDR_SIZE_1_3 (offsetof(struct tw_header, overflow) + sizeof(uint64_t) * TW_OVF_SLOTS)

#endif /* TW_REGION_H */
