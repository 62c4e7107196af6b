/* internal.h — libtwcore's private model, shared by its files (not installed).
 *
 * The model is built from one of two sources — a region read through twc_read_fn, or
 * attach-only facts — into the same shape: tasks and resources with 64-bit ids (attach-only
 * resource ids are addresses), a string arena and a site table. Strings are arena offsets;
 * facts sessions build a synthetic arena so every renderer resolves names the same way.
 */
#ifndef TWC_INTERNAL_H
#define TWC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tw_region.h"
/* the public API keeps default visibility; everything else in the library is hidden */
#pragma GCC visibility push(default)
#include "twcore.h"
#pragma GCC visibility pop

/* ---- growable text buffer (buf.c) ---- */
struct sbuf { char *p; size_t len, cap; int oom; };
void twc__sb_init(struct sbuf *b);
void twc__sb_put(struct sbuf *b, const char *s, size_t n);
void twc__sb_puts(struct sbuf *b, const char *s);
void twc__sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void twc__sb_json_str(struct sbuf *b, const char *s);   /* quoted, escaped; NULL -> null */
void twc__sb_dur(struct sbuf *b, uint64_t ns);          /* "12.3ms" */
char *twc__sb_take(struct sbuf *b);
void twc__sb_free(struct sbuf *b);

/* ---- the model ---- */
struct medge { uint64_t res; uint8_t role, dir; uint16_t count; };

struct mtask {
    uint64_t id, waiting_on;
    uint32_t version, seq, parent, name, spawn_site, await_site, os_tid, slot;
    uint32_t spawn_stack, block_stack;   /* stack table indexes (TW_BACKTRACE), 0 = none */
    uint8_t state, paused, wait_kind, flags, torn, hidden;
    int32_t wakers_alive;
    uint64_t created_ts, state_ts, polls, busy, scheduled, idle;
    uint32_t wakes, self_wakes;
    struct medge edges[TW_MAX_EDGES];
    uint8_t hist_top;        /* 1 + highest non-empty poll-time bucket, 0 = none */
    uint32_t max_poll_us;    /* longest poll the record knows of (not rewound by history) */
    uint32_t max_ran_us;     /* most of any one poll not preempted, a lower bound (ABI 1.4), 0 = none */
    uint32_t longest_ran_us; /* the longest poll's own time not preempted (ABI 1.7), 0 = not measured */
    uint32_t blocked_poll;   /* 1 + index of the lent fact of its worker blocked in the kernel (kernel_waits.c), 0 none */
    uint8_t outer_blocked;   /* its poll runs another task's poll (a LocalSet) that is blocked in the kernel */
    uint8_t kernel_wait;     /* its wait is a lent kernel fact (kernel_waits.c), not the region's: the region has it polling */
    uint64_t join_obj;       /* attach-only: the std::thread object its join waits for (classify.c, object2), 0 none */
    struct { uint32_t key, value; } attrs[TW_MAX_ATTRS];
    /* histograms and the saved context stay in the region: twc__read_task_rec() fetches them */
};

struct mres {
    uint64_t id, address;
    uint32_t version, seq, name, create_site, slot;
    uint8_t kind, class_, closed, torn, hidden, owner_known;
    uint8_t lent;            /* not in the region: a futex word a lent kernel wait sleeps on (kernel_objects.c) */
    int64_t capacity, available, queued;
    uint32_t waiters, wakes_pending;   /* ABI 1.2 wake_state: waiters, wakes in flight to them */
    uint64_t created_ts;
};

/* open-addressing id -> index map */
struct idmap { uint64_t *keys; uint32_t *vals; size_t cap, n; };
void twc__idmap_init(struct idmap *m, size_t expect);
void twc__idmap_put(struct idmap *m, uint64_t key, uint32_t val);
long twc__idmap_get(const struct idmap *m, uint64_t key);   /* -1 when absent */
void twc__idmap_free(struct idmap *m);

struct model {
    struct mtask *tasks; size_t ntasks;
    struct mres *res; size_t nres;
    struct idmap tmap, rmap;
    size_t torn_tasks, torn_res, bad_refs;
    int from_facts;          /* built from attach-only facts: holders come from owner fields */
    uint32_t task_ids_issued, res_ids_issued; /* ids the shim gave out (header next_*_id - 1) */
};
void twc__model_free(struct model *m);
int twc__model_copy(struct model *dst, const struct model *src);
struct mtask *twc__model_task(const struct model *m, uint64_t id);
struct mres *twc__model_res(const struct model *m, uint64_t id);
/* An id the shim gave out whose record is no longer in its table: the slot went to a later
 * task or resource (shim/slots.c). Its events are history, not corruption. */
int twc__task_recycled(const struct model *m, uint64_t id);
int twc__res_recycled(const struct model *m, uint64_t id);
void twc__model_index(struct model *m);

/* derived per-resource lists (holders, waiters, senders, receivers, intents): CSR arrays */
struct rel { uint32_t task; uint8_t role, dir; uint16_t count; };
struct derived {
    uint32_t *hold_start;  struct rel *hold;   /* edges by resource index */
    uint32_t *wait_start;  uint32_t *wait;     /* waiting task indexes by resource index */
    uint32_t *join_start;  uint32_t *join;     /* JOIN waiters by task index */
};
int twc__derive(const struct model *m, struct derived *d);
void twc__derived_free(struct derived *d);

/* ---- events / history ---- */
struct mevent {
    struct tw_event ev;
    uint32_t thread;   /* os tid of the ring */
    uint32_t ring;
    uint64_t seq;      /* stable number: (event's number in its ring) x ring slots + ring index */
};

/* ---- session ----
 * Invariants (every function that changes a field below keeps them; twc_refresh brings back
 * the state of a session just opened, at now, keeping only the frontend's callbacks):
 * - The byte source (rd, base) and the frontend's callbacks never change the model: they are
 *   set once by twc_set_*, and libtwcore reads the target only through them (rd, stack_rd,
 *   thread_stacks, kt_one/kt_all, run) — never a file or /proc of its own.
 * - Either a region session (facts == 0: hdr decoded, used ≤ the region's size) or an
 *   attach-only one (facts == 1: now and events built once by twc_open_facts, model_loaded and
 *   events_loaded both 1, no arena, never refreshed).
 * - Loading is lazy and monotonic until a refresh: model_loaded → now is the present model;
 *   events_loaded → events[0..nevents) is the merged, time-ordered history and horizon ≤ nevents;
 *   sites_loaded → sites[0..nsites). A refresh (twc_refresh; every command on a TWC_LIVE session
 *   at now) frees them all and clears the flags.
 * - at_now == 1: the view is the present (view is not used). at_now == 0: events_loaded and
 *   at_idx < nevents, and view, when view_valid, is now with every event after at_idx undone.
 *   Moving at_idx or returning to now clears view_valid; a live session is not refreshed while
 *   not at now, so at_idx keeps naming the same event.
 * - read_now is the raw "now" of the figures of the model last rendered (figures.c): never
 *   earlier than the newest timestamp read.
 */
struct twc_session {
    /* byte source */
    twc_read_fn rd; void *rctx; uint64_t base;
    twc_write_fn wr; void *wctx;
    twc_run_fn run; void *runctx;         /* lets a live target run between two samples */
    twc_collect_fn collect; void *collect_ctx; /* lends the threads' facts when needed (facts_needed.c) */
    double collected_ns;                       /* when the collector last returned (CLOCK_MONOTONIC), 0 never */
    twc_symbolize_fn sym; void *symctx;   /* frontend's code symbolizer (frames.c), may be NULL */
    twc_read_fn stack_rd; void *stack_rctx; /* the target's address space, for bt (bt.c), may be NULL */
    twc_thread_stack_fn thread_stacks; void *thread_stacks_ctx; /* attach-only bt: a thread's pcs */
    twc_kthread_fn kt_one; twc_kthreads_fn kt_all; void *kt_ctx; /* the kernel's view of a live target's threads (liveclock.c) */
    int flags;
    char label[64];
    uint64_t bytes_read, reads;
    struct tw_header hdr; int have_hdr;
    uint64_t used;
    /* clock */
    double ns_per_raw;
    /* strings and sites */
    char *arena; uint64_t arena_len;        /* full arena copy (or synthetic) */
    struct tw_site_rec *sites; size_t nsites; int sites_loaded;
    struct lazystr { uint32_t off; char *s; } *lazy; size_t nlazy, caplazy;
    /* the present model */
    struct model now; int model_loaded;
    /* history */
    struct mevent *events; size_t nevents; int events_loaded;
    size_t horizon;           /* index of the oldest event one can rewind to */
    uint64_t ring_dropped, overwritten;
    uint32_t nrings;
    /* view */
    uint64_t read_now;        /* raw "now" of the present model's figures (figures.c) */
    uint64_t stop_from_ns, stop_to_ns;   /* the frontend's own stop of the target (longpoll.c) */
    const char *poll_unknown_why;        /* why the last twc__current_poll could not tell, when not the
                                          * session's general reason (longpoll.c) */
    uint64_t image_realtime_ns;          /* when the core file was written, if known (figures.c) */
    int at_now; size_t at_idx; /* model shown = after events[at_idx] */
    struct model view; int view_valid;
    size_t hist_errors;
    /* attach-only */
    int facts; int facts_certain_all; int facts_from_core; int facts_agree;
    int facts_memory_read;             /* facts.c: what only memory says was read, once */
    char *facts_source; char *facts_exe;
    struct stack_names *stack_names;   /* locals.c: frames lent for naming stack objects, may be NULL */
    struct kernel_waits *kernel_waits; /* kernel_waits.c: threads lent as blocked in the kernel, may be NULL */
    int sites_demangled;               /* user_names.c: the loaded sites' functions demangled */
    uint32_t long_poll_ms;
    int history_fields;  /* this command's JSON carries horizon/newest (dispatch.c decides) */
};

/* decode.c */
int twc__src_read(struct twc_session *s, uint64_t off, void *buf, uint64_t len);
int twc__src_readable(struct twc_session *s, uint64_t off, uint64_t len); /* 0 when its last byte reads */
int twc__decode_header(struct twc_session *s, char *err, size_t errlen);
int twc__load_model(struct twc_session *s, char *err, size_t errlen);
int twc__load_strings(struct twc_session *s, char *err, size_t errlen);
const char *twc__str_at(struct twc_session *s, uint32_t off);  /* never NULL: "" for none/bad */
const struct tw_site_rec *twc__site_at(struct twc_session *s, uint32_t idx);
/* Stack `idx` of the stack table into pc[] (return addresses, innermost first); returns its
 * depth, at most TW_STACK_DEPTH; 0 for none, out of the table, not yet published, or facts. */
uint32_t twc__stack_at(struct twc_session *s, uint32_t idx, uint64_t pc[TW_STACK_DEPTH]);
void twc__task_from_rec(struct mtask *t, const struct tw_task_rec *r);
void twc__res_rec_copy(struct tw_res_rec *r, const void *src, uint32_t stride);
/* Re-read resource record of r (by its slot) into *out; -1 when it is gone or unreadable. */
int twc__read_res_rec(struct twc_session *s, const struct mres *r, struct tw_res_rec *out);
/* The published order edges of the region's lock-order table (ABI 1.3) into a malloc'd *out
 * (records that are empty, still being written, tries, or self-edges are left out; at most
 * 2^20 records are read). *n = 0 when the region has no table (ABI 1.1, attach-only).
 * Returns 0, -ENOMEM, or the read error. */
int twc__read_order_edges(struct twc_session *s, struct tw_order_rec **out, size_t *n);
/* Keys (TW_ORDER_CLASS_KEY) of the class pairs whose instance edges were folded (ABI 1.4). */
int twc__read_folded_classes(struct twc_session *s, uint64_t **out, size_t *n);
int twc__read_task_rec(struct twc_session *s, const struct mtask *t, struct tw_task_rec *r);
int twc__read_tasks_lazy(struct twc_session *s, size_t want, int all, struct mtask **out, size_t *n,
                    size_t *scanned_total);
uint64_t twc__raw_to_ns(const struct twc_session *s, uint64_t raw);
/* The inverse: a CLOCK_MONOTONIC time (ns) in the region's raw clock; 0 when it falls outside. */
uint64_t twc__mono_to_raw(const struct twc_session *s, double ns);
int64_t twc__image_written_after_ns(const struct twc_session *s);
uint64_t twc__dur_ns(const struct twc_session *s, uint64_t raw);

/* history.c */
int twc__load_events(struct twc_session *s, char *err, size_t errlen);
int twc__undo_event(struct model *m, const struct mevent *e);   /* 0 ok, -1 inconsistent */
int twc__redo_event(struct model *m, const struct mevent *e);
int twc__view_model(struct twc_session *s, const struct model **m, char *err, size_t errlen);
const char *twc__event_type_name(unsigned type);
/* The stable sequence number of merged event idx, and the index of the event numbered seq
 * (-1 when it is not among the retained events): docs/region.md "Event numbers". */
uint64_t twc__event_seq(const struct twc_session *s, size_t idx);
long twc__event_index(const struct twc_session *s, uint64_t seq);
uint64_t twc__now_raw(struct twc_session *s, const struct model *m);
/* liveclock.c: the latest moment a live target provably ran, in its raw clock (0 unknown) */
uint64_t twc__live_now_raw(struct twc_session *s);
/* A double to a uint64 count, clamped to [0, UINT64_MAX] (NaN -> 0): never undefined. */
uint64_t twc__clamp_ns(double d);
double twc__thread_cpu_after(struct twc_session *s, uint32_t tid, uint64_t since);
double twc__thread_runnable_after(struct twc_session *s, uint32_t tid, uint64_t since);
double twc__thread_queue_wait_ns(struct twc_session *s, uint32_t tid);
double twc__thread_uncounted_wait_ns(struct twc_session *s, uint32_t tid);
char twc__thread_state_now(struct twc_session *s, uint32_t tid);
struct twc__span { uint64_t lo, hi; };
long twc__thread_stacks(struct twc_session *s, struct twc__span *spans, size_t max);
long twc__thread_syscall_now(struct twc_session *s, uint32_t tid);
double twc__mono_now_ns(void);   /* the reader's CLOCK_MONOTONIC, in ns */

/* longpoll.c: how long a task has held its thread in one poll, and how much of that is known
 * not to be preemption (docs/alerts/long_poll.md). */
struct poll_figure {
    uint64_t ns;        /* the poll's length (wall time, or time not preempted when measured) */
    int measured;       /* ns excludes the time its thread waited in a run queue (a lower bound) */
    int running;        /* the poll is in progress at the moment shown */
};
/* The poll task t is in at now (t polling): its wall time so far in *wall_ns, and in *ran_ns
 * the part its thread provably did not spend preempted (live targets: the kernel's run-queue
 * time against the shim's last measurement), -1 when that cannot be told (a core, a snapshot). */
void twc__current_poll(struct twc_session *s, const struct mtask *t, uint64_t *wall_ns, int64_t *ran_ns);
/* The poll of task index i that tells most against it, as of the view: measured figures (the
 * record's max_ran_us, a live poll in progress) count from lp_ns, wall-only ones (a core's or a
 * rewound view's poll in progress, the log's poll pairs ev_max, the record's wall figures when
 * nothing was measured) only from max(lp_ns, 1 s). ev_begin/ev_max: from the log up to the view
 * (raw clock, 0 none). Returns 1 and fills *f when one exceeds its threshold. Threads seen as
 * tasks (TW_TF_ROOT) never do: a thread's computation is not a poll (no other task waits for
 * its worker). Nor does a poll in progress asleep in the kernel (twc__blocked_poll). */
int twc__long_poll_of(struct twc_session *s, const struct mtask *t, uint64_t ev_begin, uint64_t ev_max,
                 uint64_t lp_ns, struct poll_figure *f);
/* Why a wall-only figure may include preemption, for messages: "a core records no ..." */
const char *twc__preemption_unknown_why(const struct twc_session *s);
void twc__text_poll_lines(struct twc_session *s, struct sbuf *b, const struct mtask *t, const struct tw_task_rec *rec);
void twc__json_poll_fields(struct twc_session *s, struct sbuf *b, const struct mtask *t);

/* figures.c: times as of the moment shown. twc__reading_now_raw is the moment of reading (live) or
 * the image's time (core, snapshot: its newest timestamp); twc__add_time_in_progress adds the
 * interval of the state a task is in up to `now` to that state's counter. Rewinding gives it
 * back: begin with the present's now, call twc__time_rewind_event before undoing each event (newest
 * first), end with the timestamp of the event shown (frees r; a NULL r does nothing). */
uint64_t twc__reading_now_raw(struct twc_session *s, const struct mtask *tasks, size_t n);
void twc__add_time_in_progress(struct mtask *t, uint64_t now);
/* Task t, polling at read_now as the region says, was found waiting in the kernel
 * (kernel_waits.c): of its poll's time in progress, busy keeps at most its thread's whole CPU
 * time (live: the thread source), and idle gets the rest, the wait; a core or snapshot, which
 * cannot tell when the wait began, counts that time in neither. */
void twc__poll_was_kernel_wait(struct twc_session *s, struct mtask *t);
struct time_rewind { uint64_t *until; };
struct time_rewind *twc__time_rewind_begin(const struct model *m, uint64_t now);
void twc__time_rewind_event(struct time_rewind *r, struct model *m, const struct mevent *e);
void twc__time_rewind_end(struct time_rewind *r, struct model *m, uint64_t at_ts);

/* graph.c */
enum { WK_NONE = 0, WK_PROGRESS, WK_KNOWN, WK_UNKNOWN };
/* Why a waiting task is not blocked for analysis (wgraph.exit, per task) */
enum { EXIT_NONE = 0, EXIT_TIMED, EXIT_OUTSIDE, EXIT_WAKE_IN_FLIGHT, EXIT_DONE_TARGET, EXIT_READY_RESOURCE };
struct wgraph {
    const struct model *m;
    struct derived d;
    uint8_t *cls;            /* per task: WK_* */
    uint8_t *stuck;          /* per task: cannot progress (certain) */
    uint8_t *exit;           /* per task: EXIT_* when cls is WK_PROGRESS for a waiting task */
    size_t nunblocked;       /* live tasks not blocked on an untimed wait */
};
int twc__wgraph_build(struct wgraph *g, const struct model *m);
void twc__wgraph_free(struct wgraph *g);
/* wakers of task index i (known kinds only): calls fn for each; returns count */
size_t twc__wgraph_wakers(const struct wgraph *g, uint32_t i, void (*fn)(void *, uint32_t), void *arg);
const char *twc__state_name(unsigned st);
const char *twc__wait_kind_name(unsigned k);
const char *twc__res_kind_name(unsigned k);
const char *twc__class_name(unsigned c);
const char *twc__role_name(unsigned r);
const char *twc__dir_name(unsigned d);   /* an intent's direction: "send", "recv", "acquire" */
bool twc__task_live(const struct mtask *t);

/* select.c: a select's branches are the conditional intents to receive or send the runtime
 * records for the wait. twc__select_branches lists them (resource ids and TW_WAIT_RECV/SEND), 0 when
 * t is not waiting in a select or recorded none; twc__wait_kind_on is the wait t has on resource res
 * (its branch's for a select); twc__wait_targets every resource t waits on (waiting_on first). */
size_t twc__select_branches(const struct mtask *t, uint64_t res[TW_MAX_EDGES], uint8_t kind[TW_MAX_EDGES]);
unsigned twc__wait_kind_on(const struct mtask *t, uint64_t res);
size_t twc__wait_targets(const struct mtask *t, uint64_t out[TW_MAX_EDGES + 1]);

/* deadlock.c */
/* idx into tasks or res; res idx UINT32_MAX = none. via_poll: an entry the region does not hold,
 * read from the blocked poll of task index poll_task (poll_deadlocks.c): the object its worker
 * thread is blocked on, or that object's owner thread; idx is then UINT32_MAX. DL_POLL_TASK is
 * that task's own entry (idx = poll_task), which awaits at the blocked call, not its last await. */
enum { DL_POLL_NONE = 0, DL_POLL_TASK, DL_POLL_OBJECT, DL_POLL_OWNER };
struct dl_entry { int is_task; uint32_t idx; uint8_t via_poll; uint32_t poll_task; };
struct deadlock { int certain, global; struct dl_entry *chain; size_t n; char note[320]; };
/* holders.c — the tasks keeping a waiter of resource index ri (waiting as wait_kind) waiting:
 * senders for a receive, receivers for a send, holders of units (owners, readers, semaphore
 * takers) otherwise. fn gets each task index once; returns how many. */
size_t twc__res_holders(const struct derived *d, uint32_t ri, unsigned wait_kind, void (*fn)(void *, uint32_t), void *arg);
unsigned twc__chain_wait_kind(const struct model *m, const struct dl_entry *c, size_t k);
/* [{"task":ID,"name":…}, …] and "A (1), B (2)" (returns how many were printed) */
void twc__json_holders(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                  uint32_t ri, unsigned wait_kind);
int twc__text_holders(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                 uint32_t ri, unsigned wait_kind);
uint32_t twc__wait_res_idx(const struct model *m, const struct mtask *t);
/* Every task whose cls is not WK_NONE into out (room for two entries per task), each followed
 * by the resource it waits on and then by the first not yet listed of that resource's holders
 * (or the task it joins), so that a ring of takers reads as the ring it is; a task nobody
 * leads to starts a new run, in table order. Returns the number of entries. */
size_t twc__chain_by_holders(const struct model *m, const struct derived *d, const uint8_t *cls, struct dl_entry *out);
int twc__find_deadlocks(struct twc_session *s, const struct model *m, struct deadlock **out, size_t *n);
/* how many deadlocks one sample shows, unproven: live, the target is not let run for a second
 * sample (a question asked before the command, which proves them itself) */
int twc__deadlock_candidates(struct twc_session *s, const struct model *m, size_t *n);
void twc__deadlocks_free(struct deadlock *d, size_t n);
/* append *d to out (n used, cap allocated); -1 when out of memory (d is then not owned) */
int twc__deadlock_add(struct deadlock **out, size_t *n, size_t *cap, struct deadlock *d);
/* poll_deadlocks.c: possible deadlocks whose chain leaves the region at a poll blocked on a lock
 * a thread owns (no adapter to say which task took it), appended to out; and their entries */
int twc__poll_deadlocks(struct twc_session *s, const struct model *m, const struct wgraph *g, struct deadlock **out,
                        size_t *n, size_t *cap);
void twc__json_poll_entry(struct twc_session *s, const struct model *m, struct sbuf *b, const struct dl_entry *e);
/* "  A (2) is polling; its worker thread 7 is blocked in …\n    -> cfg (mutex) held by thread …\n" */
void twc__text_poll_link(struct twc_session *s, const struct model *m, struct sbuf *b, uint32_t task_idx);
/* proof.c: DESIGN.md "Certain means proven" for region models. Re-reads the members of every
 * candidate in d[0..*n) (after letting a live target run when one needs two samples), drops
 * those whose members moved, and leaves certain only what is proven, with the note saying
 * what is missing. */
void twc__prove_deadlocks(struct twc_session *s, const struct model *m, const struct wgraph *g,
                     struct deadlock *d, size_t *n);

/* lockorder.c: lock-order inversions, the cycles of the lock-order graph (see its header) */
#define LO_MAX_LOCKS 16   /* longest cycle looked for */
struct lo_edge {
    uint64_t held, acquired;          /* resource ids: `acquired` was taken while holding `held` */
    uint32_t held_site, acquired_site, task, flags;   /* sites, first task, TW_ORDER_* */
    uint8_t waiting;                  /* from the present: the task is blocked acquiring it now */
};
struct lo_cycle {
    size_t n;                         /* locks, 2..LO_MAX_LOCKS */
    struct lo_edge edge[LO_MAX_LOCKS];/* edge[i].held = lock i, edge[i].acquired = lock (i+1) % n */
    uint64_t instances;               /* instance cycles with this sequence of lock classes */
};
/* Every inversion of the region's lock-order graph (table and present), one per sequence of
 * lock classes, into a malloc'd *out (*n of them). in_deadlock (per model resource index, may
 * be NULL) marks locks of certain deadlocks: a cycle made only of those is the deadlock itself
 * and is left out. *truncated = 1 when a search bound was hit (counts are lower bounds).
 * Returns 0 or -ENOMEM (or a read error of the table). */
int twc__find_lock_cycles(struct twc_session *s, const struct model *m, const uint8_t *in_deadlock,
                     struct lo_cycle **out, size_t *n, int *truncated);

/* overflow.c: the instrumentation_overflow sentence ("N lock-order edges not recorded (...)";
 * ...) into buf; returns 1 when some table of the shim or an adapter filled, else 0. */
int twc__overflow_text(const struct twc_session *s, char *buf, size_t n);

/* alerts.c */
struct cmdopts;
struct alert {
    const char *kind; uint64_t task; int has_task; char message[1024];
    uint64_t res[LO_MAX_LOCKS]; size_t nres;   /* lock_order: the cycle's locks, in order */
};
int twc__compute_alerts(struct twc_session *s, const struct model *m, const struct cmdopts *o,
                   struct alert **out, size_t *n);

/* locals.c: objects on stacks named from the frames that hold them ("main:mu1"). twc__stack_name
 * returns NULL when no frame's variable covers addr; the string lives as long as sn. */
struct stack_names;
struct stack_names *twc__stack_names_new(const char *exe, uint64_t bias, const struct twc_fact_frame *f, size_t n);
const char *twc__stack_name(struct stack_names *sn, uint64_t addr);
void twc__stack_names_free(struct stack_names *sn);
/* the executable (and its load bias) the frames were lent with, NULL when none */
const char *twc__stack_names_exe(const struct stack_names *sn, uint64_t *bias);
/* user_site.c: the user's own line and a thread's start function, from the executable's DWARF
 * (inline frames included) through the frames lent to stack_names. 0 when found. innermost (may
 * be NULL) gets the place the thread's first frame in the executable is at, toolchain or not. */
struct twc__place { char file[256]; int line; char func[256]; };
/* The user's line (out), the innermost place (innermost) and, callee, the place just inside the
 * user's: it lies in the function the user's line called ("" when out is the innermost). */
int twc__user_site(struct stack_names *sn, uint64_t tid, struct twc__place *out, struct twc__place *innermost,
                   struct twc__place *callee);
/* rust_names.c: the call a blocked thread reads as when the user's line called Rust library code
 * (std's, or a crate's): that function, "std::sync::mutex::Mutex<T>::lock"; 0 when callee is
 * not Rust library code */
int twc__rust_api_call(const struct twc__place *callee, char *out, size_t n);
int twc__start_function(struct stack_names *sn, uint64_t tid, char *out, size_t n);
/* The same with its parameter list where the name has one ("stubborn(std::stop_token)"). */
int twc__start_function_sig(struct stack_names *sn, uint64_t tid, char *out, size_t n);
/* cxx_stop.c: the std::jthread whose destructor or join() thread tid's join of the std::thread at
 * thread_obj is (func: the function of its first frame in the executable, when DWARF says
 * nothing), its variable's name, and whether a stop was requested (read through rd); 0 when
 * it is one, -1 otherwise. */
struct twc__jthread {
    uint64_t jthread;
    int dtor;                 /* in its destructor (request_stop(), then join()), else join() */
    int stop_known, stop_requested;
    char var[128];            /* "owner:t", "" when no variable names it */
    char layout[96];          /* where the offsets came from */
};
int twc__jthread_join(struct stack_names *sn, twc_read_fn rd, void *rctx, uint64_t tid, uint64_t thread_obj,
                      const char *func, struct twc__jthread *out);
/* "pthread_join(7) of std::jthread owner:t running stubborn(std::stop_token), stop requested …" */
void twc__jthread_join_text(const struct twc__jthread *j, uint64_t worker, const char *worker_fn, char *out, size_t n);
/* Task t joining under a std::jthread: its site names the jthread, the worker's function and the
 * stop request, and a worker still waiting after one reads "stop requested, not observed". Returns
 * 1 when t joins a jthread, with layout (nl bytes, may be NULL) saying where the offsets came from. */
int twc__jthread_apply(struct twc_session *s, struct model *m, struct mtask *t, uint64_t thread_obj, const char *func,
                       char *layout, size_t nl);   /* 1 when it was one; layout: where the offsets came from */
/* kernel_waits.c: what the lent facts' second objects say of C++ objects: twc__jthread_apply for
 * every lent join whose std::thread is known, and the name of a std::condition_variable_any's own
 * mutex (its waiters' condvar mutex, "*jobs._M_mutex"), which the adapter names by its address */
void twc__kernel_waits_cxx(struct twc_session *s, struct model *m);
/* cxx_guards.c: call fn(arg, tid, lock, 0) for every std::shared_lock a lent frame owns, as far
 * as DWARF states its members' values (-O1 and up); with a memory reader (rd not NULL), also
 * fn(arg, tid, lock, 1) for a guard kept in the frame's memory (-O0), read now; -1 when the
 * executable has no usable DWARF. */
typedef void (*twc__guard_fn)(void *arg, uint64_t tid, uint64_t lock, int from_memory);
int twc__shared_guards(struct stack_names *sn, twc_read_fn rd, void *rctx, twc__guard_fn fn, void *arg);
/* The same file: call fn(arg, tid, object, from_memory) for the `this` of every member function
 * around thread tid's pcs, inlined or not, whose value DWARF states (a global's address) or,
 * with a memory reader, that its frame keeps (-O0), innermost first. */
int twc__inlined_this(struct stack_names *sn, uint64_t tid, twc_read_fn rd, void *rctx, twc__guard_fn fn, void *arg);
/* facts.c: readers whose guard the frames keep in memory, once the session has a reader. */
void twc__facts_guards_in_memory(struct twc_session *s);
/* cxx_proxies.c: is name libstdc++'s table of atomic-wait pools; the object whose waiters tids
 * (all of them) sleep on a pool slot, by name and kind (0, or -1 when they do not agree or DWARF
 * does not say); the name of a std::condition_variable_any's own mutex ("*cv._M_mutex") when
 * cv_class is that class (0, else -1). */
int twc__is_wait_pool(const char *name);
int twc__wait_pool_owner(struct stack_names *sn, twc_read_fn rd, void *rctx, const uint64_t *tids, size_t n, char *name,
                         size_t nn, int *kind);
int twc__cv_any_mutex_name(const char *cv_class, const char *cv_name, char *out, size_t n);
/* cxx_names.c: the toolchain's demangler (malloc'd result, NULL when name is not mangled),
 * the demangled name in buf or name itself, a function name without its parameter list, and
 * whether a source file is a system or toolchain header rather than the program's own. */
char *twc__demangle(const char *name);
const char *twc__demangled_or(const char *name, char *buf, size_t n);
void twc__strip_params(char *func);
int twc__is_toolchain_source(const char *file);
/* rust_names.c: a demangled Rust legacy symbol ("a::b::h0123456789abcdef") unescaped in place,
 * its hash dropped; 1 when it was one, 0 (s unchanged) otherwise */
int twc__rust_legacy_name(char *s);
/* symbols.c: the name of the function symbol (.symtab) starting exactly at addr in exe (an
 * address of the file, before load bias), malloc'd, or NULL. */
char *twc__function_symbol_at(const char *exe, uint64_t addr);
/* symbols.c: the name as the user writes it of what an adapter named by a (mangled) symbol,
 * "_ZL3bob" or "_ZL5vault+0x28": its DWARF path ("bob.m") through twc_symbolize_data, else
 * demangled ("bob+0x28"). malloc'd, NULL when nothing better is known. */
char *twc__symbolize_symbol(const char *exe, const char *name);
/* symbols.c: twc_symbolize_data, and in type (tn bytes) the outermost toolchain class the address
 * lies in ("latch"; "" when none or no DWARF). */
char *twc__symbolize_data_typed(const char *exe, uint64_t load_bias, uint64_t addr, char *type, size_t tn);
/* cxx_kinds.c: the resource kind a futex word means by the library class it lies in (a
 * std::latch is a barrier, a std::counting_semaphore a semaphore), 0 when the class says nothing */
int twc__cxx_kind_of_class(const char *cls);
/* futex_words.c: the name of futex word addr that threads `waiters` sleep on (malloc'd, NULL when no
 * symbol covers it), the outermost toolchain class it lies in (cls), and *kind the resource kind
 * that class or, for a slot of libstdc++'s waiter pools, the waiters' object gives (0: none).
 * One rule for attach-only and adapter sessions. */
char *twc__futex_word_name(const char *exe, uint64_t bias, struct stack_names *sn, twc_read_fn rd, void *rctx,
                           uint64_t addr, const uint64_t *waiters, size_t n, int *kind, char *cls, size_t ncls);
/* user_names.c: C++ names in a region session from the frames the frontend lent (resources
 * named by mangled symbols, unnamed threads, toolchain-header sites, mangled site functions) */
void twc__user_names_apply(struct twc_session *s, struct model *m);
/* user_names.c: does a thread carry only the program's name (Linux gives every thread its
 * process's comm until pthread_setname_np; a core gives every thread the process's name)? Then
 * the name says nothing of the thread. */
int twc__program_named(const char *exe, const char *name);
/* A name the pthread adapter gives a thread nobody named: the program's, "thread", "OBJ+0xOFF". */
int twc__unnamed_thread(const char *exe, const char *name);
/* kernel_waits.c: thread tasks the model shows polling whose thread the frontend saw blocked in
 * the kernel become waiting (on the outside world), at a site of their own */
struct kernel_waits;
void twc__kernel_waits_apply(struct twc_session *s, struct model *m);
/* kernel_objects.c: the resource kind of futex word `word` a lent thread blocks on in `block`
 * (TW_RES_FUTURE for std::future::wait; the word's C++ class's for an unidentified futex; 0 =
 * nothing names it), *name its name (malloc'd, or NULL); and the id of the model's resource at
 * word, appended (lent) when the region has none; 0 when out of memory. */
int twc__kernel_object_kind(struct twc_session *s, int block, uint64_t word, const uint64_t *waiters, size_t n,
                            char **name);
uint64_t twc__kernel_object_add(struct model *m, uint64_t word, int kind, uint32_t name);
/* A runtime task polling on a thread the frontend saw blocked in the kernel (issue "one graph
 * across tasks and threads"): what the thread is blocked in. Strings live as long as the lent
 * facts. twc__blocked_poll returns NULL for a task whose poll is not known to be blocked. */
struct blocked_poll {
    uint32_t tid;               /* the worker thread */
    int block, timed, line;     /* enum twc_block; the program's frame */
    const char *file, *func, *call;
    const char *api_call;       /* the Rust library call the user's line made (rust_names.c), NULL none: read instead of call */
    uint64_t object;            /* what it blocks on (0 none: a sleep, a read) */
    uint64_t object2;           /* the fact's object2: a condvar wait's mutex, a join's std::thread, 0 none */
    const char *object_name;    /* as the region or the symbols name it */
    uint64_t owner_tid;         /* the object's owner thread (a mutex's), 0 unknown */
    const char *owner_name;     /* that thread's name, NULL unknown */
    uint64_t owner_task;        /* the task that holds it (region) or runs on the owner thread, 0 none */
    int owner_task_holds;       /* 1: the region shows owner_task holding the object; 0: only running there */
};
const struct blocked_poll *twc__blocked_poll(const struct twc_session *s, const struct mtask *t);
/* loop_polls.c: an event loop thread (TW_TF_LOOP) waiting, at the present, in a call inside its
 * poll rather than in its loop wait */
int twc__loop_blocked(const struct twc_session *s, const struct mtask *t);
int twc__task_blocked_in_call(const struct twc_session *s, const struct mtask *t);
const struct mtask *twc__task_holding(const struct model *m, uint64_t res_id);
/* the state a reader shows: "polling" for a task blocked in a call inside its poll */
const char *twc__shown_state(const struct twc_session *s, const struct mtask *t);
void twc__region_wait_text(struct twc_session *s, const struct model *m, const struct mtask *t, struct sbuf *b);
/* Polls nest on one thread: a libuv loop iteration runs a callback, whose task polls inside it
 * (and inside the thread's own task under `tw run`). 1 when a task polls on t's thread inside
 * t's poll or wait (begun later): that innermost poll is the one a blocking call blocks, and
 * the one blocking_in_poll names; t still shows blocked_in, and is no long_poll. */
int twc__inner_poll_on_thread(const struct model *m, const struct mtask *t);
/* "pthread_mutex_lock(&cfg_lock) held by thread 4712 (cfg-reloader)" */
void twc__blocked_poll_text(const struct blocked_poll *bp, struct sbuf *b);
/* the call as the user wrote it: the Rust std call when known, else the libc one */
const char *twc__blocked_poll_call(const struct blocked_poll *bp);
void twc__json_blocked_poll(struct twc_session *s, struct sbuf *b, const struct mtask *t);
const char *twc__block_call(int block);   /* facts.c: the call a block kind reads as */
int twc__block_res_kind(int block);       /* facts.c: the resource kind a block kind waits on, 0 none */
/* blocked_polls.c: the name of the object at addr (a region resource's, a local's, a global's
 * from the symbols; malloc'd, NULL when none), and the task that holds it or runs on its owner */
char *twc__object_name(struct twc_session *s, const struct model *m, uint64_t addr);
void twc__blocked_poll_owner(const struct model *m, struct blocked_poll *bp);
void twc__kernel_waits_free(struct kernel_waits *k);
/* the present model is rebuilt at the next command (with or without the lent facts) */
void twc__drop_present_model(struct twc_session *s);
/* facts_needed.c: before a command at the present, have the frontend's collector lend the
 * threads' facts when twc_needs_thread_facts says they matter (1 when it did). */
/* for_verdicts: the command shows only verdicts and alerts (deadlocks, alerts), not how each
 * task waits (facts_needed.c) */
int twc__collect_if_needed(struct twc_session *s, uint32_t poll_ms, int for_verdicts);
#define TWC_BLOCKING_POLL_MS 100   /* blocking_in_poll's default threshold */
/* decode.c: keep str (malloc'd, owned from now on) as the string at offset off */
const char *twc__lazy_put(struct twc_session *s, uint32_t off, char *str);
uint32_t twc__lazy_copy(struct twc_session *s, uint32_t base, const char *str);

/* frames.c: one recorded return address through the frontend's symbolizer */
struct frame_sym { char func[256], file[512], object[512]; int line; };
void twc__frame_symbolize(struct twc_session *s, uint64_t ret_pc, struct frame_sym *f);  /* "" / 0 when unknown */
void twc__frame_symbolize_at(struct twc_session *s, uint64_t pc, struct frame_sym *f); /* pc as is */

/* render (render_json.c / render_text.c) */
void twc__json_await(struct twc_session *s, struct sbuf *b, uint32_t site);
void twc__json_task(struct twc_session *s, const struct model *m, const struct derived *d,
               struct sbuf *b, const struct mtask *t, int full);
void twc__json_res(struct twc_session *s, const struct model *m, const struct derived *d,
              struct sbuf *b, const struct mres *r, size_t ri);
/* Entry k of a chain; a resource entry names its holders (holders.c) for the wait of the
 * task before it. */
void twc__json_chain_entry(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                      const struct dl_entry *c, size_t k);
void twc__json_as_of(struct twc_session *s, struct sbuf *b);
void twc__text_as_of(struct twc_session *s, struct sbuf *b);
void twc__text_image_note(struct twc_session *s, struct sbuf *b);
void twc__text_site(struct twc_session *s, struct sbuf *b, uint32_t site);
void twc__json_stack(struct twc_session *s, struct sbuf *b, uint32_t idx);     /* [] when none */
void twc__text_task_stacks(struct twc_session *s, struct sbuf *b, const struct mtask *t);
const char *twc__task_name(struct twc_session *s, const struct mtask *t);
const char *twc__res_name(struct twc_session *s, const struct mres *r, char *tmp, size_t n);

/* exec.c: on a TWC_LIVE session at now, forget what was read so the next read is fresh */
int twc__refresh_if_live(struct twc_session *s, char *err, size_t errlen);
/* history.c: whether an event's res field names a resource (else it is an argument) */
int twc__event_has_resource(const struct tw_event *e); /* its res field names a resource */

/* snapshot_mem.c: a snapshot's arena. twc__snap_alloc returns zeroed memory (NULL when out of
 * memory), all of it released by twc__snap_mem_free; twc__snap_strdup(NULL) is NULL. */
struct twc_snapshot_mem *twc__snap_mem_new(void);
void twc__snap_mem_free(struct twc_snapshot_mem *m);
void *twc__snap_alloc(struct twc_snapshot_mem *m, size_t n);
const char *twc__snap_strdup(struct twc_snapshot_mem *m, const char *s);

/* commands (exec.c and friends) */
struct cmdopts { int json, all, limit, has_limit; uint32_t long_poll_ms, blocking_poll_ms; long await_id; };
int twc__cmd_validate(struct twc_session *s, const struct cmdopts *o, struct sbuf *b);
int twc__cmd_control(struct twc_session *s, int op, uint64_t id, const struct cmdopts *o,
                struct sbuf *b, char *err, size_t errlen);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MSG(err, errlen, ...) do { if ((err) && (errlen)) snprintf((err), (errlen), __VA_ARGS__); } while (0)

#endif
