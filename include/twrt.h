/* twrt.h — the TurboWish reference runtime: stackful tasks on N worker threads, timers, and
 * synchronisation primitives, every one of them instrumented through turbowish.h.
 *
 * Model. A task is a function running on its own stack (default 64 KiB, TWRT_STACK_KB or
 * twrt_init). Workers (default 2, TWRT_WORKERS) run tasks from per-worker FIFO run queues and
 * steal from each other when idle. A *poll* is one slice of a task from resume to suspend.
 * Tasks are cooperative: a task that never waits and never calls twrt_yield() keeps its worker.
 *
 * Await sites. Every call that may wait is a macro that records the CALLER's file, line and
 * expression (TW_AWAIT_SITE), so `tw tasks` names the line in your code where a task is stuck.
 *
 * Errors are negative errno values (0 = success). Objects are created by twrt_*_new / twrt_channel
 * and freed by the matching *_free / *_drop; freeing an object a task still waits in is a bug.
 * Waiting calls (lock, recv, send, join, sleep, ...) must be made from a task; join alone also
 * works from a plain thread. Non-waiting calls (unlock, try_*, notify, send on an unbounded
 * channel, wake) work from any thread.
 *
 * Environment: TWRT_WORKERS (worker threads), TWRT_STACK_KB (stack size of new tasks).
 * See docs/runtime.md for pause handling and limits.
 */
#ifndef TWRT_H
#define TWRT_H

#include <errno.h>   /* the -E* codes returned below */
#include <stddef.h>
#include <stdint.h>
#include "turbowish.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- runtime ---- */

struct twrt_config {
    int workers;         /* worker threads; 0 = TWRT_WORKERS or 2 */
    size_t stack_size;   /* bytes per task stack; 0 = TWRT_STACK_KB KiB or 64 KiB */
};
/* Start the workers. Optional: the first spawn starts them with defaults. Returns 0, -EALREADY
 * if the runtime is already running (the config is then ignored), or -errno if a worker could not
 * be started. */
int twrt_init(const struct twrt_config *cfg);

/* ---- tasks ---- */

typedef struct twrt_task twrt_task;
typedef void *(*twrt_fn)(void *arg);

/* Spawn a task named `name` (copied) running fn(arg). `moved` is a NULL-terminated array of
 * twrt_sender / twrt_receiver handles the caller hands over to the new task: from now on the new
 * task is their holder (the debugger shows the edge on it, not on the spawner). Returns a join
 * handle (to pass to twrt_join or twrt_detach exactly once), or NULL with errno = ENOMEM. */
twrt_task *twrt__spawn(const char *name, twrt_fn fn, void *arg, void *const *moved, uint32_t site);
#define twrt_spawn(name, fn, arg) twrt__spawn((name), (fn), (arg), NULL, TW_SITE("twrt_spawn(" #fn ")"))
#define twrt_spawn_moving(name, fn, arg, ...) \
    twrt__spawn((name), (fn), (arg), (void *const[]){__VA_ARGS__, NULL}, TW_SITE("twrt_spawn(" #fn ")"))
/* Give up the join handle: the task's memory is reclaimed when it finishes. */
void twrt_detach(twrt_task *t);
/* Wait for task t to finish and return fn's result; consumes the handle. From a task this is an
 * await (TW_WAIT_JOIN); from a plain thread it blocks the thread. */
void *twrt__join(twrt_task *t, uint32_t site);
#define twrt_join(t) twrt__join((t), TW_AWAIT_SITE(twrt_join(t)))
/* The running task (NULL outside tasks) and a task's id (the TurboWish id when recorded). */
twrt_task *twrt_self(void);
uint32_t twrt_task_id(const twrt_task *t);
/* Let other ready tasks run; the current task stays ready (a poll ends READY). */
void twrt_yield(void);
/* Sleep at least `ms` milliseconds (TW_WAIT_TIMER). Returns 0, or -EPERM outside a task. */
int twrt__sleep_ms(uint64_t ms, uint32_t site);
#define twrt_sleep_ms(ms) twrt__sleep_ms((ms), TW_AWAIT_SITE(twrt_sleep_ms(ms)))

/* ---- mutex (FIFO hand-off: fair) ---- */

typedef struct twrt_mutex twrt_mutex;
twrt_mutex *twrt_mutex_new(const char *name);
void twrt_mutex_free(twrt_mutex *m);
int twrt__mutex_lock(twrt_mutex *m, uint32_t site);
#define twrt_mutex_lock(m) twrt__mutex_lock((m), TW_AWAIT_SITE(twrt_mutex_lock(m)))
/* 0 if taken, -EBUSY if held. */
int twrt_mutex_trylock(twrt_mutex *m);
/* Unlock a mutex the current task holds (hands it to the oldest waiter). */
void twrt_mutex_unlock(twrt_mutex *m);

/* ---- rwlock (FIFO: a waiting writer blocks later readers) ---- */

typedef struct twrt_rwlock twrt_rwlock;
twrt_rwlock *twrt_rwlock_new(const char *name);
void twrt_rwlock_free(twrt_rwlock *l);
int twrt__rwlock_rdlock(twrt_rwlock *l, uint32_t site);
int twrt__rwlock_wrlock(twrt_rwlock *l, uint32_t site);
#define twrt_rwlock_rdlock(l) twrt__rwlock_rdlock((l), TW_AWAIT_SITE(twrt_rwlock_rdlock(l)))
#define twrt_rwlock_wrlock(l) twrt__rwlock_wrlock((l), TW_AWAIT_SITE(twrt_rwlock_wrlock(l)))
void twrt_rwlock_rdunlock(twrt_rwlock *l);
void twrt_rwlock_wrunlock(twrt_rwlock *l);

/* ---- counting semaphore (FIFO) ---- */

typedef struct twrt_sem twrt_sem;
twrt_sem *twrt_sem_new(const char *name, int64_t units);
void twrt_sem_free(twrt_sem *s);
int twrt__sem_acquire(twrt_sem *s, uint32_t site);
#define twrt_sem_acquire(s) twrt__sem_acquire((s), TW_AWAIT_SITE(twrt_sem_acquire(s)))
int twrt_sem_try_acquire(twrt_sem *s);   /* 0 or -EAGAIN */
/* Give back one unit the current task acquired. */
void twrt_sem_release(twrt_sem *s);

/* ---- channels: multi-producer, multi-consumer, messages are pointers ---- */

typedef struct twrt_sender twrt_sender;
typedef struct twrt_receiver twrt_receiver;
/* A channel of `capacity` slots (0 = unbounded) with one sender and one receiver handle, both held
 * by the calling task. Returns 0 or -ENOMEM. The channel is freed with its last handle. */
int twrt_channel(const char *name, size_t capacity, twrt_sender **tx, twrt_receiver **rx);
/* A oneshot: one message, one sender (not clonable), one receiver. */
int twrt_oneshot(const char *name, twrt_sender **tx, twrt_receiver **rx);
/* Clone a handle (held by the calling task). NULL for a oneshot sender (errno = EINVAL). */
twrt_sender *twrt_sender_clone(twrt_sender *tx);
twrt_receiver *twrt_receiver_clone(twrt_receiver *rx);
/* Drop a handle. Dropping the last sender ends the stream: receivers get -EPIPE once the queue is
 * empty. Dropping the last receiver makes sends fail with -EPIPE (queued messages are discarded;
 * they are pointers, so freeing what they point to is the caller's business). */
void twrt_sender_drop(twrt_sender *tx);
void twrt_receiver_drop(twrt_receiver *rx);
/* Send: waits while the channel is full (TW_WAIT_SEND). 0, or -EPIPE when no receiver is left
 * (the message was not sent). */
int twrt__send(twrt_sender *tx, void *msg, uint32_t site);
#define twrt_send(tx, msg) twrt__send((tx), (msg), TW_AWAIT_SITE(twrt_send(tx, msg)))
/* Receive into *msg: waits while empty (TW_WAIT_RECV). 0, or -EPIPE at end of stream. */
int twrt__recv(twrt_receiver *rx, void **msg, uint32_t site);
#define twrt_recv(rx, msg) twrt__recv((rx), (msg), TW_AWAIT_SITE(twrt_recv(rx, msg)))
int twrt_try_send(twrt_sender *tx, void *msg);   /* 0, -EAGAIN (full), -EPIPE */
int twrt_try_recv(twrt_receiver *rx, void **msg); /* 0, -EAGAIN (empty), -EPIPE */

/* ---- select over channel operations ---- */

enum twrt_select_kind { TWRT_SEL_RECV = 1, TWRT_SEL_SEND = 2 };
struct twrt_select_op {
    int kind;                 /* enum twrt_select_kind */
    twrt_sender *tx;          /* for SEND */
    twrt_receiver *rx;        /* for RECV */
    void *msg;                /* SEND: the message; RECV: filled with the message received */
    void (*drop)(void *msg);  /* SEND: called on msg if this branch loses (the message is dropped) */
    int status;               /* out: 0, or -EPIPE (closed) for the branch that completed */
};
/* Wait until one of the n operations completes and return its index; every other branch is
 * cancelled: a losing send's message is dropped (ops[i].drop(msg) when set) and recorded as a
 * lost message. Waits are TW_WAIT_SELECT. Returns -EINVAL for a bad op, -EPERM outside a task. */
int twrt__select(struct twrt_select_op *ops, int n, uint32_t site);
#define twrt_select(ops, n) twrt__select((ops), (n), TW_AWAIT_SITE(twrt_select(ops, n)))

/* ---- notify: wake one waiter (or store one permit), or wake all waiters ---- */

typedef struct twrt_notify twrt_notify;
twrt_notify *twrt_notify_new(const char *name);
void twrt_notify_free(twrt_notify *n);
int twrt__notify_wait(twrt_notify *n, uint32_t site);
#define twrt_notify_wait(n) twrt__notify_wait((n), TW_AWAIT_SITE(twrt_notify_wait(n)))
void twrt_notify_one(twrt_notify *n);
void twrt_notify_all(twrt_notify *n);

/* ---- hand-written waits: park and wakers ----
 * twrt_park suspends the current task until a waker of it is woken (or returns at once if one
 * was woken since the last park). A task that parks without having kept a waker somewhere can
 * never be woken: TurboWish shows it as a lost waker (wakers_alive 0). */

typedef struct twrt_waker twrt_waker;
int twrt__park(uint32_t site);
#define twrt_park() twrt__park(TW_AWAIT_SITE(twrt_park()))
/* A waker for the current task (NULL outside a task). */
twrt_waker *twrt_waker_get(void);
twrt_waker *twrt_waker_clone(twrt_waker *w);
void twrt_waker_drop(twrt_waker *w);
/* Wake the waker's task (the waker stays valid; drop it separately). */
void twrt_wake(twrt_waker *w);

#ifdef __cplusplus
}
#endif
#endif /* TWRT_H */
