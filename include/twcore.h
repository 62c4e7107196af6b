/* twcore.h — libtwcore: everything that reads a TurboWish region (or attach-only facts),
 * analyses it and renders it. Every frontend (gdb plugin via ctypes, lldb plugin, the `tw`
 * console) prints exactly what this library renders, so all frontends agree byte for byte.
 *
 * Input is untrusted: a region is read through a caller-supplied reader callback, lazily
 * (only the tables and rings a command needs), with every offset bounds-checked and every
 * loop capped by the header's declared counts. Torn records are reported as torn.
 *
 * Error handling: functions return enum twc_status (0 = ok); a human sentence is written to
 * the caller's buffer. Statuses equal the console's exit codes (DESIGN.md "Interface").
 */
#ifndef TWCORE_H
#define TWCORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum twc_status {
    TWC_OK = 0,
    TWC_EUSAGE = 1,      /* bad command line / unknown command / malformed id */
    TWC_ENOTFOUND = 2,   /* not found: target (pid, file, core), task, resource, event, parked stack */
    TWC_ENOREGION = 3,   /* no TurboWish region, and attach-only impossible */
    TWC_EPERM = 4,       /* permission refused */
    TWC_ECORRUPT = 5,    /* region corrupt, truncated, or of an unsupported ABI */
    TWC_EINTERNAL = 6,
};

/* Read `len` bytes at address `addr` of the target into buf. Returns the number of bytes read
 * (may be short at the end of readable memory) or a negative errno. Must not crash on any addr. */
typedef int64_t (*twc_read_fn)(void *ctx, uint64_t addr, void *buf, uint64_t len);
/* Write bytes into the target (only the control area is ever written). Same return convention. */
typedef int64_t (*twc_write_fn)(void *ctx, uint64_t addr, const void *buf, uint64_t len);

typedef struct twc_session twc_session;

/* Open a session over a region whose header is at `region_addr` in the reader's address space.
 * flags: TWC_LIVE when the target is a live process (pause/resume allowed; two samples may be
 * taken for attach-only certainty). On failure returns NULL, *status and a sentence in err. */
#define TWC_LIVE 0x1
twc_session *twc_open_region(twc_read_fn rd, void *ctx, uint64_t region_addr, int flags,
                             int *status, char *err, size_t errlen);

/* Optional: a writer for the control area (tw pause/resume on a live target). Without one,
 * pause/resume answer with a sentence saying why not (e.g. "a core file cannot be resumed"). */
void twc_set_writer(twc_session *s, twc_write_fn wr, void *ctx);

/* Optional: the frontend stopped the live target itself (ptrace) from `from_ns` to `to_ns`
 * (CLOCK_MONOTONIC), before this session reads it: a poll in progress across that window did
 * not hold its thread meanwhile, so its figure leaves the window out (docs/alerts/long_poll.md). */
void twc_set_reader_stop(twc_session *s, uint64_t from_ns, uint64_t to_ns);

/* Optional, for a debugger that holds the live target stopped (gdb, lldb): count this stop in
 * the region's control.reader_stops (by 2, through the writer), so the shim leaves a poll that
 * spans it unmeasured instead of taking the debugger's session for the task's CPU time
 * (docs/alerts/long_poll.md). Call once per stop, after twc_set_writer; libtwcore counts the
 * stops that end its own run windows (twc_set_runner) itself. Without a writer it does nothing. */
void twc_count_reader_stop(twc_session *s);

/* Optional, for a core file: when it was written (CLOCK_REALTIME ns: the file's modification
 * time). A core holds no clock, so task figures (idle, busy, a poll in progress) run only to
 * the newest timestamp the image holds, a lower bound; `summary` and `tasks` then also say how
 * much later the file was written, the most a wait in progress may have lasted longer (an upper
 * bound only: writing takes time, and a copy is newer). Ignored on live sessions. */
void twc_set_image_time(twc_session *s, uint64_t realtime_ns);

/* Optional, live targets on this host: what the kernel knows of the target's threads — how long
 * each ran and waited in a run queue, whether it is stopped or asleep in a system call. It
 * proves "now" for a target a debugger holds stopped, a poll's preemption and a hog's CPU
 * (docs/alerts/long_poll.md, ready_starvation.md). libtwcore opens no file itself: these facts
 * come only from the source the frontend sets here. Without one (a remote target, a core, a
 * snapshot), figures run to the newest timestamp the region holds and preemption is unknown.
 * one(ctx, tid, want, out) fills *out for thread `tid` (the kernel's thread id as the region
 * records it) with at least the fields `want` names and -1 (state 0) in those it cannot tell,
 * and returns 0, nonzero when there is no such thread. all(ctx, tids, max) lists the target's
 * thread ids (at most max) and returns how many there are. ctx must stay valid until the
 * session is closed or the source replaced (one = NULL removes it). */
#define TWC_KT_TIMES 0x1      /* state, start_ns, cpu_ns, run_ns, queue_ns */
#define TWC_KT_SINCE_RAN 0x2  /* in_syscall, since_ran_ns (costlier: read one thread at a time) */
#define TWC_KT_STACK 0x4      /* stack_lo, stack_hi (costlier: the process's mappings are read) */
#define TWC_KT_SYSCALL 0x8    /* has_syscall, syscall */
struct twc_kthread {
    char state;            /* the /proc state letter: R, S, D, t, T, Z, X; 0 unknown */
    int in_syscall;        /* asleep inside a system call: 1, not: 0, unknown: -1 */
    double start_ns;       /* when the thread started, CLOCK_MONOTONIC ns */
    double cpu_ns;         /* user + system CPU time it has used */
    double run_ns;         /* time on a CPU (schedstat) */
    double queue_ns;       /* time waiting in a run queue, as counted so far (schedstat) */
    double since_ran_ns;   /* a runnable thread: how long since it last ran (a wait the kernel
                            * has not counted yet), with a scheduler tick of slack */
    /* The mapping [stack_lo, stack_hi) that holds the thread's stack pointer: every frame of
     * the thread lies in it, so a local of a frame can be nowhere else (twc_needs_thread_facts).
     * Both 0 when unknown: a thread on a CPU, or in a run queue, shows no stack pointer. */
    uint64_t stack_lo, stack_hi;
    /* The system call the thread sleeps in, read without stopping it: has_syscall 1 and its
     * x86-64 number in syscall (202 futex, 34 pause, 0 read...); has_syscall 0 when it is in
     * none or that is unknown. */
    int has_syscall;
    long syscall;
};
typedef int (*twc_kthread_fn)(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *out);
typedef size_t (*twc_kthreads_fn)(void *ctx, uint32_t *tids, size_t max);
void twc_set_thread_source(twc_session *s, twc_kthread_fn one, twc_kthreads_fn all, void *ctx);
/* The stock thread source of a process on this host: /proc/PID, where PID (an int that ctx
 * points to) is the process as the frontend sees it — in the frontend's own pid namespace,
 * which the pid the region records may not be. */
int twc_proc_kthread(void *pid, uint32_t tid, unsigned want, struct twc_kthread *out);
size_t twc_proc_kthreads(void *pid, uint32_t *tids, size_t max);

/* Optional: tell the session what the target is, for messages ("core file", "live process"). */
void twc_set_target_label(twc_session *s, const char *label);

/* Optional: turn code addresses into names, for the call stacks recorded with TW_BACKTRACE
 * (`task ID` shows "spawned at:" / "blocked at:" frames and JSON spawn_stack / block_stack).
 * libtwcore calls fn(ctx, pc, ...) for each frame with pc = the recorded return address minus
 * one, an address inside the call instruction, so that the line found is the call's: look it
 * up as is. fn writes a NUL-terminated function name, source file and object (the path of the
 * module holding pc; any may be left ""), *line (0 = unknown), and returns 0 when it knew the
 * address, nonzero when it did not. `bt` uses the same symbolizer (its frame 0 is looked up at
 * the saved pc itself, the outer frames at return address - 1).
 * Buffers are libtwcore's; ctx must stay valid until the session is closed or the symbolizer
 * replaced (fn = NULL removes it). Without one, frames render as bare addresses. */
typedef int (*twc_symbolize_fn)(void *ctx, uint64_t pc, char *func, size_t funclen, char *file, size_t filelen,
                                int *line, char *object, size_t objlen);
void twc_set_symbolizer(twc_session *s, twc_symbolize_fn fn, void *ctx);

/* Optional, for `bt ID`: a reader of the target's whole address space (not only the region),
 * over which libtwcore walks a parked task's frame-pointer chain from its saved registers.
 * Without one (a snapshot file), `bt` answers that the stacks are not there. On an attach-only
 * session (twc_open_facts) it is also where a blocked thread's std::shared_lock kept in its
 * frame (-O0) is read, so that its reader holds the std::shared_mutex; set it right after
 * opening. */
void twc_set_stack_reader(twc_session *s, twc_read_fn rd, void *ctx);
/* Optional, for `bt TID` in attach-only models, where a task is a thread: fill pcs[] with the
 * thread's frames as the debugger unwinds them, innermost first (frame 0 its pc, the others
 * return addresses), at most max; return how many, 0 when there is no such thread. */
typedef size_t (*twc_thread_stack_fn)(void *ctx, uint64_t tid, uint64_t *pcs, size_t max);
void twc_set_thread_stacks(twc_session *s, twc_thread_stack_fn fn, void *ctx);
/* Render frames a frontend collected itself (gdb's `tw bt ID --gdb`) exactly as `bt` renders
 * its own: text "#N  0xPC in FUNC (FILE:LINE)" lines, or the JSON object of docs/json.md
 * ({"task", "frames": [{"n", "pc", "func", "file", "line", "object"}], "stopped"}). stopped:
 * why the frames end early, or NULL. *out as for twc_exec. */
int twc_render_stack(twc_session *s, uint64_t task, const uint64_t *pcs, size_t n, const char *stopped, int json,
                     char **out, char *err, size_t errlen);

/* Optional, live targets: let the target run for at least `ms` milliseconds and have it stopped
 * again as it was before (a debugger continues and interrupts it; the console, whose target
 * runs all along, only waits — and refuses when the process is stopped). libtwcore calls it when
 * a deadlock is certain only if it lasts (DESIGN.md "Certain means proven": every task blocked,
 * condvar, notify or semaphore knots), then re-reads the members. Returns 0 when the target ran
 * for the whole time; otherwise nonzero and one sentence in why (said in the verdict, which
 * stays "possible"). Without a runner such deadlocks are reported as possible. ctx must stay
 * valid until the session is closed or the runner replaced (fn = NULL removes it). */
typedef int (*twc_run_fn)(void *ctx, unsigned ms, char *why, size_t whylen);
void twc_set_runner(twc_session *s, twc_run_fn fn, void *ctx);

/* Would the threads' own facts (twc_set_frames, twc_set_thread_facts, twc_set_thread_objects:
 * what a frontend collects by stopping every thread of a live target) change any answer about
 * the region's present? Decided from the region and, for a live target with a thread source,
 * what the kernel shows without a stop: 1 when a task has been polling for poll_ms or more on
 * a thread that is not running (what is it blocked in?), when a resource is named only by its
 * address and lies on a thread's stack, or anywhere while a stack is unknown (a stack frame may
 * name it), when a thread task has no name of its
 * own or waits at a line of a toolchain header, or when C++ names wait to be demangled and no
 * executable was lent; 0 otherwise (then no answer depends on the facts: a healthy, fast
 * program). poll_ms 0 means the smaller of the session's long_poll threshold and the
 * blocking_in_poll default (100 ms). why (may be NULL) gets the first reason, in one sentence.
 * 0 for attach-only sessions, history views and when the region cannot be read. */
int twc_needs_thread_facts(twc_session *s, uint32_t poll_ms, char *why, size_t whylen);

/* How libtwcore gets those facts when it needs them: before each command at the present
 * (twc_exec, twc_snapshot_take: every refresh of a live view) of a live session, libtwcore asks
 * twc_needs_thread_facts with the command's thresholds and, only when the answer is 1, calls
 * fn, which collects the facts (stopping the target) and lends them with the twc_set_* calls
 * above. `deadlocks` and `alerts` skip what changes only how a task is shown (a thread's own
 * task asleep in a call other than a futex wait, as the thread source tells), and facts lent
 * less than 100 ms before serve the next command as they are. A frontend that lends a collector therefore stops a healthy program never. ctx must
 * stay valid until the session is closed or the collector replaced (fn = NULL removes it). */
typedef void (*twc_collect_fn)(twc_session *s, void *ctx);
void twc_set_fact_collector(twc_session *s, twc_collect_fn fn, void *ctx);

/* Run one command line, e.g. "deadlocks --json", "tasks --limit 50", "why 7", "back 5",
 * "log 200 --json", "task 3", "pause 7". The words are exactly the `tw` commands of
 * DESIGN.md without the leading "tw":
 *   "" | summary, tasks [--limit N] [--all], task ID, resources [--limit N], resource ID,
 *   why ID, deadlocks, alerts [--long-poll-ms N], log [N], back [N], back --await ID,
 *   forward [N], at SEQ, now, pause ID, resume ID, validate, help [COMMAND]
 * and every command accepts --json. Options may come anywhere on the line. History state
 * (back/forward/at/now) persists in the session between calls; while not at now, every command
 * shows the model as of that event and says so ("as_of"). On a TWC_LIVE session at now, every
 * call reads the target afresh. *out receives a malloc'd, NUL-terminated text to print as is
 * (text tables, or one JSON object on one line followed by "\n"); free it with twc_free. On
 * error *out is NULL, the return value is the status and `err` holds one sentence — with one
 * exception: `validate` that finds violations returns TWC_ECORRUPT *and* sets *out to the
 * report (one line per violation, or the JSON object), which the frontend prints.
 * pause/resume need a writer (twc_set_writer); without one they return TWC_EUSAGE with a
 * sentence saying why not. After a successful pause/resume the frontend should FUTEX_WAKE the
 * control futex word (its address is in the JSON answer as "futex_addr") when it can. */
int twc_exec(twc_session *s, const char *cmdline, char **out, char *err, size_t errlen);

/* Drop everything read so far (model, strings, events, history position) and re-read the
 * header, so the next command sees the target as it is now. twc_exec does this by itself on
 * TWC_LIVE sessions at now; frontends of non-live targets never need it. */
int twc_refresh(twc_session *s, char *err, size_t errlen);

/* The command table every frontend's help comes from. Frontends, as a mask: */
#define TWC_FE_CONSOLE 0x1   /* the tw program's command line: tw CMD ARGS TARGET */
#define TWC_FE_REPL    0x2   /* tw console */
#define TWC_FE_GDB     0x4
#define TWC_FE_LLDB    0x8
/* Help text of every command that works in `frontend` (0: all), or of one command, as printed
 * by `tw help [CMD]`, the REPL's help, gdb's `help tw` and lldb's `help tw`. Lines are at most
 * 72 columns. A static buffer, valid until the next call. twc_help(c) = twc_help_in(c, 0). */
const char *twc_help_in(const char *command, unsigned frontend);
const char *twc_help(const char *command);
/* Entry i of the command table (0, 1, ...): name, arguments ("ID", "[N]", ""), one-line
 * summary, and the TWC_FE_* mask of where it works. Returns 0, or -1 past the end. */
int twc_command_info(size_t i, const char **name, const char **args, const char **summary, unsigned *frontends);
/* The command name closest to a mistyped word (at most two edits) among those that work in
 * `frontend` (0: all), or NULL: for "did you mean". */
const char *twc_suggest(const char *word, unsigned frontend);

void twc_free(void *p);
void twc_close(twc_session *s);

/* ---- the model as C structs, for frontends that draw it themselves (top, export, ps) ----
 *
 * twc_exec renders text and JSON; a view that lays the model out itself (a live table, a
 * Graphviz graph, a Perfetto trace) takes a snapshot instead of re-parsing that JSON. A snapshot
 * is the moment the session shows (the present, or the point of history back/at moved to), with
 * the same figures, names and verdicts the commands print: `tasks` (without --all), `resources`,
 * `deadlocks`, `alerts`, `log`. On a TWC_LIVE session at now it reads the target afresh, once
 * for everything it holds, so its parts agree with each other.
 *
 * Ownership (libuv style): the caller owns the struct twc_snapshot (on its stack, say);
 * twc_snapshot_take fills it, and everything it points to (arrays, strings) is libtwcore's
 * until twc_snapshot_free — valid after twc_close too. Never free or change those yourself.
 * Lists of ids (`holds`, `waiters`...) are arrays of `n...` ids; an empty list is NULL with n 0.
 * Ids are a region's task and resource ids, or in attach-only models TIDs and addresses. */

/* Where a task waits or was spawned. file is NULL when the site is unknown (the task does not
 * wait); the others are then "" / 0. func is "" when the site names none. */
struct twc_site {
    const char *file;
    unsigned line;
    const char *expr;         /* what the task awaits there: "lock(&m)" */
    const char *func;
};

/* A task that may use a resource (a select's branch, a declared intent). */
struct twc_intent {
    uint64_t resource;
    int unconditional;        /* 1: will use it; 0: may */
    const char *dir;          /* "send", "recv" or "acquire" */
};

struct twc_task {
    uint64_t id;
    const char *name;         /* "?" when it has none */
    const char *state;        /* "ready", "polling", "waiting", "done" (as `tasks` prints) */
    int paused, torn;
    uint64_t polls, busy_ns, scheduled_ns, idle_ns;   /* as of the moment shown (figures.c) */
    const char *wait_kind;    /* "acquire", "recv", "send", "join", "select"...; "none" unless waiting */
    int timed;                /* waiting with a timeout */
    struct twc_site await;    /* where it waits (file NULL when it waits nowhere) */
    struct twc_site spawn;    /* where it was spawned */
    const uint64_t *waiting_on; size_t nwaiting_on;   /* resources (each branch of a select), or
                                                         the task a join waits for */
    const uint64_t *holds; size_t nholds;             /* resources held, exclusively or shared */
    const uint64_t *senders_of; size_t nsenders_of;   /* channels it holds a sending end of */
    const uint64_t *receivers_of; size_t nreceivers_of;
    const struct twc_intent *intents; size_t nintents;
    uint64_t parent;          /* 0 = none */
    uint32_t os_tid;          /* the thread polling it, or 0 */
};

struct twc_resource {
    uint64_t id;
    const char *name;         /* never NULL: the name, else the address, else "kind#id" */
    const char *kind;         /* "mutex", "rwlock", "semaphore", "channel"... */
    const char *class_name;   /* "reusable", "consumable", "unknown" */
    int64_t capacity, available, queued;
    int closed, torn;
    uint64_t address;         /* 0 when unknown */
    const uint64_t *holders; size_t nholders;         /* task ids */
    const uint64_t *waiters; size_t nwaiters;
    const uint64_t *senders; size_t nsenders;         /* holders of a sending end */
    const uint64_t *receivers; size_t nreceivers;
};

/* One member of a deadlock's chain: task -> resource -> task ... (the last waits for the first). */
struct twc_chain_entry {
    int is_task;
    uint64_t id;              /* the task's or the resource's */
    const char *name;
    const char *kind;         /* a task's wait kind, a resource's kind */
};

struct twc_deadlock {
    int certain, global;      /* as `deadlocks` says (DESIGN.md "Certain means proven") */
    const char *message;      /* why certain, or what is missing */
    const struct twc_chain_entry *chain; size_t nchain;
};

struct twc_alert {
    const char *kind;         /* snake_case: "deadlock", "long_poll"... */
    int has_task; uint64_t task;
    const char *message;
    const char *doc;          /* "docs/alerts/KIND.md" */
};

/* One event of the merged log, oldest first (region sessions only). */
struct twc_event {
    uint64_t seq, ts_ns;      /* stable event number; CLOCK_MONOTONIC ns */
    uint32_t thread;          /* OS tid of the ring */
    const char *type;         /* "poll_begin", "wake"... as `log` prints */
    uint32_t task;            /* 0 = none */
    uint32_t resource;        /* the resource it changes, 0 = none */
    uint32_t arg;             /* the event's raw res field (WAKE: the waking task) */
    int app;                  /* recorded by application code rather than the runtime */
};

/* What a snapshot holds beyond tasks and resources (each costs what its command costs:
 * DEADLOCKS and ALERTS may let a live target run for a second sample, twc_set_runner). */
#define TWC_SNAP_DONE      0x1   /* finished tasks too (as `tasks --all`) */
#define TWC_SNAP_DEADLOCKS 0x2
#define TWC_SNAP_ALERTS    0x4
#define TWC_SNAP_EVENTS    0x8   /* the retained events up to the moment shown */

struct twc_snapshot_mem;
struct twc_snapshot {
    int at_now;               /* 0 when the session shows a point of history */
    uint64_t as_of;           /* that event's seq (when !at_now) */
    const char *program;      /* the program's name as `summary` gives it, or NULL */
    const struct twc_task *tasks; size_t ntasks;           /* in table order */
    const struct twc_resource *resources; size_t nresources;
    const struct twc_deadlock *deadlocks; size_t ndeadlocks;
    const struct twc_alert *alerts; size_t nalerts;
    const struct twc_event *events; size_t nevents;
    struct twc_snapshot_mem *mem;   /* libtwcore's storage, released by twc_snapshot_free */
};

/* Fill *out with the model the session shows; `what` is a mask of TWC_SNAP_*. *out need not be
 * initialised, and is overwritten: free a filled snapshot before taking another into it (or its
 * memory leaks). Returns TWC_OK;
 * TWC_EUSAGE (NULL session or out), TWC_ECORRUPT (the region cannot be read), TWC_EINTERNAL
 * (no memory) with a sentence in err — *out is then empty (zeros), and freeing it is harmless. */
int twc_snapshot_take(twc_session *s, unsigned what, struct twc_snapshot *out, char *err, size_t errlen);
/* Release what twc_snapshot_take gave *snap and zero it. NULL or an empty snapshot: nothing. */
void twc_snapshot_free(struct twc_snapshot *snap);
/* The task or resource of that id in the snapshot, or NULL (a linear search). */
const struct twc_task *twc_snapshot_task(const struct twc_snapshot *snap, uint64_t id);
const struct twc_resource *twc_snapshot_resource(const struct twc_snapshot *snap, uint64_t id);

/* ---- raw access for frontends that need it (bt, snapshot, export) ---- */

/* Saved context of a parked task by id: fills 10 uint64 (rip, rsp, rbp, rbx, r12..r15,
 * stack_lo, stack_hi). Returns TWC_OK, TWC_ENOTFOUND (no such task, or not parked), TWC_EUSAGE
 * (attach-only). */
int twc_task_context(twc_session *s, uint32_t task_id, uint64_t regs[10], char *err, size_t errlen);
/* Where the region is and how many bytes a reader needs. */
int twc_region_extent(twc_session *s, uint64_t *addr, uint64_t *used);
/* Live targets: make whole the copy in buf (already read once, from addr) of count records of
 * stride bytes that each start with their seqlock counter. Two more reads bracket each record's
 * copy with counters read before and after it; a record they do not prove whole is read alone
 * up to `tries` times, nap_ms apart. Those never proven whole keep the first copy with its
 * counter made odd (readers then call it torn) and get torn[i] = 1 (torn may be NULL).
 * Returns how many stayed torn. */
size_t twc_whole_records(twc_read_fn rd, void *ctx, uint64_t addr, uint32_t stride, size_t count, uint8_t *buf,
                         uint8_t *torn, int tries, int nap_ms);

/* ---- attach-only: a model from facts collected from threads (no region) ---- */

enum twc_block {
    TWC_BLOCK_NONE = 0,       /* running or runnable */
    TWC_BLOCK_MUTEX = 1,      /* pthread_mutex_lock / timedlock on object */
    TWC_BLOCK_RWLOCK_RD = 2,
    TWC_BLOCK_RWLOCK_WR = 3,
    TWC_BLOCK_SEM = 4,        /* sem_wait */
    TWC_BLOCK_COND = 5,       /* pthread_cond_wait: object = condvar, object2 = its mutex */
    TWC_BLOCK_JOIN = 6,       /* pthread_join: object = joined thread's TID */
    TWC_BLOCK_BARRIER = 7,
    TWC_BLOCK_SLEEP = 8,      /* nanosleep, poll, select, epoll_wait, read... the outside world */
    TWC_BLOCK_IO = 9,
    TWC_BLOCK_UNKNOWN = 10,   /* blocked in a futex nobody could identify */
    TWC_BLOCK_FUTURE = 11,    /* std::future::wait/get: object = the shared state's futex word
                                 (libstdc++'s __atomic_futex_unsigned); who sets it is unknown */
};

struct twc_fact_thread {
    uint64_t tid;
    const char *name;         /* /proc comm or pthread name */
    int block;                /* enum twc_block */
    int timed;                /* the wait has a timeout (never part of a certain deadlock) */
    uint64_t object;          /* address of the object blocked on (or TID for JOIN) */
    uint64_t object2;         /* condvar's mutex */
    const char *file;         /* blocking site: first frame in the program's own code */
    int line;
    const char *func;
    uint64_t switches;        /* context switches (voluntary + involuntary) the thread had made
                                 while the process ran between two samples, 0 = unknown: in the
                                 first sample's facts read once the resumed process's blocked
                                 threads were asleep again, in the second's just before the stop.
                                 A blocked thread whose count moved ran in between: it is not
                                 stuck, however alike the two stops look. */
};

struct twc_fact_object {
    uint64_t addr;
    int kind;                 /* enum tw_res_kind (tw_region.h) */
    uint64_t owner_tid;       /* mutex __owner / rwlock writer, 0 = free or unknown */
    int64_t value;            /* semaphore value, -1 unknown */
    const char *name;         /* symbol/DWARF name ("vault[1]"), NULL to let core resolve */
};

/* One stack frame of one thread, as the frontend unwound it: what libtwcore needs to find the
 * frame's local variables in the executable's DWARF, so that an object living on a stack is
 * named "main:mu1", "main:mutex_resource[2]" or "main:acct.lock" (DESIGN.md "Names"). The
 * frontend collects, libtwcore decides: it reads DW_AT_frame_base and the variables' locations
 * itself, and accepts only what it can evaluate exactly (DW_OP_call_frame_cfa, DW_OP_fbreg,
 * DW_OP_breg6/7, DW_OP_reg6/7); anything else leaves the object named by its address, never by
 * a guess. Values are untrusted numbers (they may come from a core file): libtwcore never
 * dereferences them. Pass every frame of every thread, innermost first within a thread; frames
 * outside the executable are ignored. */
struct twc_fact_frame {
    uint64_t tid;             /* thread whose stack holds the frame */
    uint64_t pc;              /* address to look up: the innermost frame's pc, a caller's return
                                 address minus one (inside its call instruction) */
    uint64_t cfa;             /* canonical frame address: rsp just before the call that made this
                                 frame (= the caller's rsp once unwound); 0 = unknown */
    uint64_t sp;              /* rsp in this frame, 0 = unknown */
    uint64_t fp;              /* rbp in this frame (as unwound), 0 = unknown */
};

struct twc_facts {
    const struct twc_fact_thread *threads;
    size_t nthreads;
    const struct twc_fact_object *objects;
    size_t nobjects;
    int samples_agree;        /* 1 when two samples >= 100 ms apart gave the same facts */
    int from_core;            /* 1 when the facts come from a core file (one sample) */
    const char *exe;          /* executable path for symbol names, may be NULL */
    uint64_t load_bias;       /* of exe */
    const char *source;       /* e.g. "glibc 2.36 layout table" — said in the output */
    const struct twc_fact_frame *frames;  /* every thread's frames (NULL: none); objects that no
                                             symbol covers are named from them */
    size_t nframes;
};

/* Does a live sample need a second one >= 100 ms later before its non-mutex waits can be
 * certain? 1 when some thread waits untimed on anything but a mutex (DESIGN.md "Certain means
 * proven"): the frontend then lets the target run, samples again, and sets samples_agree from
 * twc_facts_agree. Both are libtwcore's, so that every frontend proves the same way. */
int twc_facts_need_second_sample(const struct twc_facts *f);
/* 1 when two samples show the same threads with the same waits (block, timed, objects), the
 * same object states (kind, owner, semaphore value), in any order, and no thread blocked in both
 * ran in between (its `switches` moved); 0 otherwise. */
int twc_facts_agree(const struct twc_facts *a, const struct twc_facts *b);

/* Build a session from attach-only facts (copied). Every command works on it. */
twc_session *twc_open_facts(const struct twc_facts *f, int *status, char *err, size_t errlen);

/* Name of the object at addr from exe's ELF symbols/DWARF ("vault[1]", "table.lock", else
 * "vault+0x28"), or NULL when no data symbol covers it. load_bias is where exe is loaded (0 for
 * a non-PIE executable). Returned string is malloc'd (free with twc_free). Reads the file each
 * call: callers naming many objects should cache. */
char *twc_symbolize_data(const char *exe, uint64_t load_bias, uint64_t addr);

/* Region sessions: lend the frames of the target's threads (as for twc_facts.frames), so that
 * resources whose name is empty or only their address ("0x7ffd…": the pthread adapter names an
 * object it cannot find a symbol for that way) are named from the stack frame that holds them.
 * exe and load_bias as in twc_facts. Everything is copied; a new call replaces the frames (n = 0
 * removes them). Frames describe one moment: a frontend of a live target should lend them again
 * before each command it runs (naming is decided on first use and kept per address until then).
 * Returns TWC_OK, TWC_EUSAGE (no session, or frames without exe), TWC_EINTERNAL (no memory). */
int twc_set_frames(twc_session *s, const struct twc_fact_frame *frames, size_t n, const char *exe,
                   uint64_t load_bias);

/* Region sessions: lend what the target's threads are doing (the attach-only thread facts of
 * the same moment: tid, block, timed, file, line, func; objects are not needed). A thread's task
 * (an adapter's TW_TF_ROOT task) that the region shows polling while its thread is blocked in
 * the kernel (block != TWC_BLOCK_NONE: sigsuspend, pause, a read the adapter did not wrap) is
 * shown waiting on the outside world, at the thread's program frame with expr
 * "waiting in the kernel" (I/O, signals), "sleep (in the kernel)" (timed) or "futex wait (in the
 * kernel)", and is no long_poll. On a live target a fact is not applied to a thread running
 * by the time the region is read (state R, from the thread source), to a task polling since
 * the facts were taken (the start of the frontend's own stop, twc_set_reader_stop, when it set
 * one before this call; else the moment of this call), or to one that has recorded anything
 * since the fact was first applied.
 * Copied; a new call replaces them (n = 0 removes them); they describe one moment, so a frontend
 * of a live target lends them again before each command. Returns TWC_OK, TWC_EUSAGE,
 * TWC_EINTERNAL (no memory). */
int twc_set_thread_facts(twc_session *s, const struct twc_fact_thread *threads, size_t n);
/* After twc_set_thread_facts: the objects those threads block on, with their owners (a mutex's
 * owner thread), so that a runtime task polling on a blocked worker reads "blocked in
 * pthread_mutex_lock(&cfg_lock) held by thread 4712 (cfg-reloader)" and the blocking_in_poll
 * alert names the owner. Copied; TWC_OK or TWC_EUSAGE. */
int twc_set_thread_objects(twc_session *s, const struct twc_fact_object *objects, size_t n);


/* ---- attach-only: what a blocked thread waits on, decided from raw facts ----
 *
 * Frontends collect, libtwcore decides (DESIGN.md "attach-only"): a frontend hands over per
 * thread what its debugger or ptrace shows — the syscall registers and the frames' function
 * names — and a reader of the target's memory; libtwcore knows glibc's blocking calls, the
 * system calls that wait, glibc's object layouts and where owners are kept, and returns the
 * thread's wait (twc_fact_thread's block, timed, object, object2) and the objects' states
 * (twc_fact_object). Everything here is input, not memory: every read may fail, and no value
 * is dereferenced except through the reader. */

/* The layout of the target's glibc (which fields hold a mutex's owner, where a condvar waiter
 * sleeps...), chosen once per target. libc_path: the libc the target maps (its version banner is
 * read from the file: the target may run another libc than ours); NULL when none is mapped.
 * debug_path: libc's separate debug file when the frontend found one (its DWARF then beats the
 * table); NULL otherwise — libtwcore looks for none itself, so a frontend told not to use debug
 * info gets the table. Never fails except out of memory (NULL): an unknown libc gets the
 * >= 2.25 table, and the source says so. Close with twc_glibc_close. */
typedef struct twc_glibc twc_glibc;
twc_glibc *twc_glibc_open(const char *libc_path, const char *debug_path);
/* One line saying where the offsets came from ("glibc 2.36 debug info", "glibc 2.17 layout
 * table (x86-64)"): what twc_facts.source should say. Valid until twc_glibc_close. */
const char *twc_glibc_source(const twc_glibc *g);
void twc_glibc_close(twc_glibc *g);

#define TWC_RAW_MAX_NAMES 6
/* One frame of a thread as the frontend unwound it, innermost first. */
struct twc_raw_frame {
    uint64_t pc;              /* innermost: the pc; outer frames: the return address */
    uint64_t sp;              /* rsp in this frame, 0 = unknown */
    uint64_t saved[6];        /* rbx, rbp, r12, r13, r14, r15 as unwound in this frame, 0 = unknown */
    int own;                  /* the program's own code (the executable, or a library outside the
                                 system directories): frames from the first own one out are not
                                 searched for blocking calls */
    const char *names[TWC_RAW_MAX_NAMES]; /* the function's name and aliases as the symbol tables
                                 spell them ("___pthread_mutex_lock", "__GI___lll_lock_wait"), not
                                 owned; nnames may be 0 */
    int nnames;
    uint64_t func_start;      /* the address of the function's first instruction, 0 = unknown: lets
                                 libtwcore read the arguments of the call this frame made back
                                 from its code (a condvar wait's mutex) */
};

#define TWC_NR_NONE (-1)      /* not in a system call */
#define TWC_NR_UNKNOWN (-2)   /* stopped on a syscall instruction whose number the frontend cannot
                                 read (lldb has no orig_rax in a core): inferred from the names */
/* One thread's raw facts. */
struct twc_raw_thread {
    uint64_t tid;
    int64_t nr;               /* orig_rax: the system call the thread is in, or TWC_NR_* */
    int64_t rax;              /* -ERESTART*, -EINTR, -ENOSYS: still in the call; else it returned */
    uint64_t rdi, rsi, rdx, r10; /* the call's first four arguments */
    const struct twc_raw_frame *frames; /* innermost first, not owned */
    size_t nframes;
};

/* What one thread waits on. Strings are static (libtwcore's). */
struct twc_verdict {
    int block;                /* enum twc_block */
    int timed;
    uint64_t object, object2; /* as in twc_fact_thread */
    struct twc_fact_object objs[2]; /* the objects' states (name NULL); nobjs of them */
    int nobjs;
    const char *call;         /* the blocking call recognised ("pthread_mutex_lock"), or NULL */
    const char *how;          /* where the object address came from ("futex address"), or NULL */
    const char *how2;         /* where object2 came from ("caller's argument registers"), or NULL */
};

/* Classify one stopped thread. rd/ctx read the target's memory (twc_read_fn). Returns TWC_OK,
 * or TWC_EUSAGE (NULL arguments); a thread nothing is known about is TWC_BLOCK_NONE (running),
 * a futex nobody can identify TWC_BLOCK_UNKNOWN. Never keeps a pointer to its arguments. */
int twc_classify_thread(const twc_glibc *g, twc_read_fn rd, void *ctx, const struct twc_raw_thread *t,
                        struct twc_verdict *out);

#ifdef __cplusplus
}
#endif
#endif /* TWCORE_H */
