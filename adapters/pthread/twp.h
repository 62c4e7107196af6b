/* twp.h — what the pthread adapter's files share (internal; not installed).
 *
 * The adapter is an LD_PRELOAD library: it interposes the pthread, semaphore and pipe calls of
 * an unmodified program, calls the real functions (resolved with dlsym(RTLD_NEXT) at load), and
 * tells the shim what happened. Rules it keeps so the program behaves exactly as without it:
 *  - same return values and errno: every wrapper returns what the real call returned;
 *  - no malloc and no locks of its own: tables are mmap'd at first use and updated with CAS;
 *  - re-entrancy: a thread that is already inside the adapter (or inside the shim) calls the
 *    real function directly (twp_me.busy);
 *  - a full table means "not recorded" (counted in twp_stats and in the region's overflow
 *    counters, so `tw alerts` says so), never a failure. */
#ifndef TWP_H
#define TWP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include "turbowish.h"

#define TWP_HIDDEN __attribute__((visibility("hidden")))
#define TWP_EXPORT __attribute__((visibility("default")))
#define TWP_LIKELY(x) __builtin_expect(!!(x), 1)
#define TWP_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- real functions (real.c) ---- */
struct twp_real {
    int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    int (*join)(pthread_t, void **);
    int (*timedjoin)(pthread_t, void **, const struct timespec *);
    int (*setname)(pthread_t, const char *);
    int (*mutex_lock)(pthread_mutex_t *);
    int (*mutex_trylock)(pthread_mutex_t *);
    int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
    int (*mutex_unlock)(pthread_mutex_t *);
    int (*mutex_destroy)(pthread_mutex_t *);
    int (*rw_rdlock)(pthread_rwlock_t *);
    int (*rw_tryrdlock)(pthread_rwlock_t *);
    int (*rw_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
    int (*rw_wrlock)(pthread_rwlock_t *);
    int (*rw_trywrlock)(pthread_rwlock_t *);
    int (*rw_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
    int (*rw_unlock)(pthread_rwlock_t *);
    int (*rw_destroy)(pthread_rwlock_t *);
    int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
    int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
    int (*cond_destroy)(pthread_cond_t *);
    int (*cond_signal)(pthread_cond_t *);
    int (*cond_broadcast)(pthread_cond_t *);
    int (*sem_wait)(sem_t *);
    int (*sem_trywait)(sem_t *);
    int (*sem_timedwait)(sem_t *, const struct timespec *);
    int (*sem_destroy)(sem_t *);
    int (*sem_post)(sem_t *);
    int (*barrier_wait)(pthread_barrier_t *);
    int (*barrier_destroy)(pthread_barrier_t *);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    int (*pipe)(int[2]);
    int (*pipe2)(int[2], int);
    int (*close)(int);
    int (*nanosleep)(const struct timespec *, struct timespec *);
    int (*clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *);
    int (*usleep)(useconds_t);
    unsigned (*sleep)(unsigned);
    int (*poll)(struct pollfd *, nfds_t, int);
    int (*epoll_wait)(int, struct epoll_event *, int, int);
    int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
    int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
    int (*accept)(int, struct sockaddr *, socklen_t *);
    int (*accept4)(int, struct sockaddr *, socklen_t *, int);
    int (*connect)(int, const struct sockaddr *, socklen_t);
    ssize_t (*recv)(int, void *, size_t, int);
    ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
    ssize_t (*recvmsg)(int, struct msghdr *, int);
    pid_t (*waitpid)(pid_t, int *, int);
    int (*prctl)(int, ...);
};
extern struct twp_real twp_real TWP_HIDDEN;
/* Resolve every real function (idempotent). Called from the constructor and, before it ran,
 * from the first wrapper that needs one. */
TWP_HIDDEN void twp_resolve(void);
#define TWP_REAL(f) (TWP_LIKELY(twp_real.f != NULL) ? twp_real.f : (twp_resolve(), twp_real.f))

/* ---- per-thread state (thread.c) ---- */
#define TWP_MAX_HELD 32
struct twp_held {
    const void *addr;   /* the lock object */
    tw_res_t res;
    uint32_t obj;       /* object table index + 1 (0: untracked) */
    uint32_t site;      /* where it was taken */
    uint16_t count;     /* recursion depth */
    uint8_t shared;     /* rwlock read hold */
    uint8_t pad;
};
/* The locks one task holds: a thread's own (twp_me.locks), or a runtime task's (task_locks.c). */
struct twp_locks {
    int nheld;
    struct twp_held held[TWP_MAX_HELD];
};
struct twp_thread {
    tw_task_t task;
    int busy;           /* inside the adapter: nested calls go straight to the real function */
    int state;          /* 0 = no task yet, 1 = task made (maybe 0 if the table was full), 2 = exited */
    struct twp_locks locks;
};
extern __thread struct twp_thread twp_me __attribute__((tls_model("initial-exec"))) TWP_HIDDEN;

/* The calling thread's task, made on first use (main thread, threads we did not start). */
TWP_HIDDEN tw_task_t twp_adopt(void);

/* Enter the adapter: 1 and the task in *t when this call is to be recorded: the runtime task
 * whose poll is in progress on this thread (tw_polling_task), else the thread's own task. */
static inline int twp_enter(tw_task_t *t)
{
    if (TWP_UNLIKELY(tw_state < 0) || twp_me.busy)
        return 0;
    twp_me.busy = 1;
    /* Inside a runtime task's poll the call is the task's (a lock it takes may be released in a
     * later poll on another worker, and a task it waits for holds it, not a thread) */
    tw_task_t k = tw_polling_task;
    if (TWP_LIKELY(k == 0))
        k = twp_me.task;
    if (TWP_UNLIKELY(k == 0)) {
        k = twp_me.state == 0 ? twp_adopt() : 0;
        if (k == 0) {
            twp_me.busy = 0;
            return 0;
        }
    }
    *t = k;
    return 1;
}
static inline void twp_leave(void) { twp_me.busy = 0; }

/* Enter the adapter for a record that needs no task of the caller's (a wake: any thread, even
 * one we never adopted, or a signal handler's sem_post, may give one). 1 when to record. */
static inline int twp_enter_taskless(void)
{
    if (TWP_UNLIKELY(tw_state < 0) || twp_me.busy)
        return 0;
    twp_me.busy = 1;
    return 1;
}

/* Block/unblock around a real blocking call: the thread's task stops polling (WAITING on what
 * the preceding event said) and starts again when the call returns. */
/* The task waits in a call: its poll ends for the record. A runtime task's poll does not really
 * end (its worker thread blocks in the call: TW_POLL_IN_CALL, so readers can say so); a thread's
 * own task (TW_TF_ROOT) is left alone by the shim. */
static inline void twp_park(tw_task_t t) { tw_poll_end_how(t, TW_POLL_PENDING, TW_POLL_IN_CALL); twp_leave(); }
static inline void twp_unpark(tw_task_t t) { twp_me.busy = 1; tw_poll_begin(t); }

/* The one shape of every recorded wait: task t (entered with twp_enter) waits at `site` on
 * `res` while the real `call` blocks, then polls again and leaves. errno is the call's own —
 * instrumentation never changes what the program sees. Evaluates to the call's result. */
#define TWP_WAIT_AROUND(t, site, kind, res, timed, call) ({                                   \
    int saved_ = errno;                                                                      \
    tw_await_begin((t), (site), (kind), (res), (timed));                                     \
    twp_park(t);                                                                             \
    errno = saved_;                                                                          \
    __typeof__(call) rc_ = (call);                                                           \
    saved_ = errno;                                                                          \
    twp_unpark(t);                                                                           \
    tw_await_end(t);                                                                         \
    twp_leave();                                                                             \
    errno = saved_;                                                                          \
    rc_; })

/* TWP_WAIT_AROUND for a wait whose waker no task edge names (semaphore, barrier, pipe): the
 * thread is counted as a waiter of resource handle r while it waits (tw_res_waiter), so that a
 * post, a write or a barrier's release can count a wake in flight; released_all: the call's
 * return means every waiter was released (a barrier), which is counted before this waiter
 * leaves. */
#define TWP_COUNTED_WAIT_AROUND(t, site, kind, r, timed, released_all, call) ({               \
    tw_res_waiter((r), +1);                                                                  \
    __typeof__(call) rcw_ = TWP_WAIT_AROUND((t), (site), (kind), tw_res_id(r), (timed), call); \
    if (released_all)                                                                        \
        tw_res_wake((r), 1);                                                                 \
    tw_res_waiter((r), -1);                                                                  \
    rcw_; })

/* Body of a wrapper whose whole job is to record `call` as a wait on no particular resource
 * (time, the outside world): threads the adapter does not follow just make the call. */
#define TWP_AROUND(kind, timed, call, what)                                                   \
    tw_task_t t;                                                                             \
    if (!twp_enter(&t))                                                                      \
        return call;                                                                         \
    return TWP_WAIT_AROUND(t, twp_site(__builtin_return_address(0), what), (kind), 0, (timed), call)

/* Held-lock lists (inline: on every lock's and unlock's path). A thread's task keeps its list in
 * its thread (twp_me.locks); a runtime task's poll may take a lock on one worker and release it
 * in a later poll on another, so its list lives in a table keyed by the task (task_locks.c),
 * reached only inside such polls. create: make the task's list if it has none (NULL when the
 * table is full). */
TWP_HIDDEN struct twp_locks *twp_task_locks(tw_task_t t, int create);
TWP_HIDDEN void twp_task_locks_free(struct twp_locks *l); /* empty again: give its slot back */
TWP_HIDDEN void twp_task_locks_reset(void);               /* fork child */
static inline struct twp_locks *twp_locks_of(tw_task_t t, int create)
{
    if (TWP_LIKELY(t == twp_me.task))
        return &twp_me.locks;
    return twp_task_locks(t, create);
}
static inline struct twp_held *twp_held_find(tw_task_t t, const void *addr)
{
    struct twp_locks *l = twp_locks_of(t, 0);
    for (int i = l ? l->nheld - 1 : -1; i >= 0; i--)
        if (l->held[i].addr == addr)
            return &l->held[i];
    return NULL;
}
TWP_HIDDEN struct twp_held *twp_held_add_full(void); /* counts a full list, NULL */
static inline struct twp_held *twp_held_add(tw_task_t t, const void *addr, tw_res_t res, uint32_t obj, uint32_t site,
                                           int shared)
{
    struct twp_locks *l = twp_locks_of(t, 1);
    if (TWP_UNLIKELY(!l) || TWP_UNLIKELY(l->nheld >= TWP_MAX_HELD))
        return twp_held_add_full();
    struct twp_held *h = &l->held[l->nheld++];
    h->addr = addr;
    h->res = res;
    h->obj = obj;
    h->site = site;
    h->count = 1;
    h->shared = (uint8_t)shared;
    return h;
}
/* h is an entry of task t's list (twp_held_find) */
static inline void twp_held_remove(tw_task_t t, struct twp_held *h)
{
    struct twp_locks *l = twp_locks_of(t, 0);
    int i = (int)(h - l->held);
    for (int k = i; k < l->nheld - 1; k++)
        l->held[k] = l->held[k + 1];
    l->nheld--;
    if (TWP_UNLIKELY(l != &twp_me.locks) && l->nheld == 0)
        twp_task_locks_free(l);
}

/* ---- semaphore takers (sem_takers.c) ---- */
/* Thread t completed a wait on s (resource r): it holds one more unit. */
TWP_HIDDEN void twp_sem_took(tw_task_t t, const sem_t *s, tw_res_t r);
/* Thread t is about to post s: one of its units goes back, if it holds any. */
TWP_HIDDEN void twp_sem_posting(tw_task_t t, const sem_t *s);
/* s is being destroyed by thread t: whatever t took of it is gone. */
TWP_HIDDEN void twp_sem_forget(tw_task_t t, const sem_t *s);
TWP_HIDDEN void twp_sem_takers_reset(void); /* fork child */

/* ---- objects: address -> resource (objects.c) ---- */
struct twp_obj;
/* The resource for the object at addr of `kind` (enum tw_res_kind), created on first use with
 * its name and the site of that use. *obj receives the table index + 1 (0 if untracked). */
TWP_HIDDEN tw_res_t twp_res(const void *addr, int kind, uint32_t site, uint32_t *obj);
/* Resource for a synthetic key (pipes: no address), named `name`. */
TWP_HIDDEN tw_res_t twp_res_key(uint64_t key, int kind, uint32_t site, const char *name, uint32_t *obj);
/* The resource of the object at addr if it has one of `kind` already (never creates one: a
 * wake for an object nobody ever waited on has no waiter to be in flight for). 0 otherwise. */
TWP_HIDDEN tw_res_t twp_res_find(const void *addr, int kind);
/* The object was destroyed: close its resource so a new object at the address is a new one. */
TWP_HIDDEN void twp_res_forget(const void *addr);
TWP_HIDDEN void twp_res_key_forget(uint64_t key); /* twp_res_forget of a twp_res_key object */
TWP_HIDDEN void twp_objects_reset(void); /* fork child */

/* ---- a mutex's resource, kept in the mutex itself (objects.c) ----
 * glibc uses a mutex's __list (16 bytes) only for a robust mutex's robust list; a plain one
 * (normal, recursive, error-checking or adaptive; not robust, priority-protocol or
 * process-shared: __kind & ~3 == 0) never reads or writes it. Its holder stores there the
 * resource handle and a check word (the mutex's address, the handle and this process's salt):
 * a hot or hashed lock then finds its resource in the line it has just locked, not in the
 * object table (a cache miss in 1.5 MB per lock in memcached). A copied mutex (another address),
 * a forked child (another salt), a torn read and pthread_mutex_init (which clears the mutex)
 * all fail the check and fall back to the table; destroy clears the pair. */
extern uint64_t twp_mutex_salt TWP_HIDDEN;
static inline int twp_mutex_plain(const pthread_mutex_t *m)
{
    return (__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED) & ~3) == 0;
}
static inline uint64_t twp_mutex_check(const pthread_mutex_t *m, tw_res_t r)
{
    return (uint64_t)(uintptr_t)m ^ r ^ twp_mutex_salt;
}
/* The handle m keeps, or 0 */
static inline tw_res_t twp_mutex_kept(const pthread_mutex_t *m)
{
    if (TWP_UNLIKELY(!twp_mutex_plain(m)))
        return 0;
    uint64_t r = __atomic_load_n((const uint64_t *)(const void *)&m->__data.__list.__prev, __ATOMIC_RELAXED);
    uint64_t c = __atomic_load_n((const uint64_t *)(const void *)&m->__data.__list.__next, __ATOMIC_RELAXED);
    return TWP_LIKELY(r != 0) && TWP_LIKELY(c == twp_mutex_check(m, r)) ? r : 0;
}
/* m, which the caller holds, keeps r (holders write one after another, under m) */
static inline void twp_mutex_keep(pthread_mutex_t *m, tw_res_t r)
{
    if (!r || !twp_mutex_plain(m))
        return;
    __atomic_store_n((uint64_t *)(void *)&m->__data.__list.__prev, r, __ATOMIC_RELAXED);
    __atomic_store_n((uint64_t *)(void *)&m->__data.__list.__next, twp_mutex_check(m, r), __ATOMIC_RELAXED);
}
/* m's resource: the one it keeps, else the object table's (*kept: whether m kept it) */
static inline tw_res_t twp_mutex_res(const pthread_mutex_t *m, uint32_t site, uint32_t *obj, int *kept)
{
    tw_res_t r = twp_mutex_kept(m);
    *kept = r != 0;
    *obj = 0;
    return TWP_LIKELY(r != 0) ? r : twp_res(m, TW_RES_MUTEX, site, obj);
}

/* Ask for resource r's record in the region now, writable: a hashed lock's record is seldom in
 * a near cache (memcached: half of the shim's lock time was that load), and the miss then
 * overlaps the real lock call's own miss on the mutex instead of following it. */
static inline void twp_res_prefetch(tw_res_t r)
{
    struct tw_header *h = tw_region;
    uint64_t slot = (r >> 32) - 1;
    if (TWP_LIKELY(h != NULL) && TWP_LIKELY(slot < h->resources.capacity))
        __builtin_prefetch((char *)h + h->resources.offset + slot * h->resources.stride, 1);
}

/* Lock order: no graph of our own. Blocking acquisitions go to the shim as TW_ACQ_LOCK, tries
 * as TW_ACQ_TRY and timed locks as TW_ACQ_TIMED (tw_acquire_at); the shim records the order
 * edges from the task's holds into the region's one order graph (shim/order.c). */

/* ---- sites: return address -> site index (sites.c) ---- */
/* The site of the program's call at ret_addr to `what` ("pthread_mutex_lock"). When ret_addr
 * is inside a library (libevent calling epoll_wait), the site is the program's frame further
 * out (twp_outer), the call named "epoll_wait via libevent-2.1.so.7". */
TWP_HIDDEN uint32_t twp_site_lookup(const void *ret_addr, const char *what);
/* The call sites this thread resolved in the program itself, direct-mapped by return address:
 * a loop locking at a few places (memcached's item, LRU and stats locks) finds them without
 * the shared table's probe. */
#define TWP_SITE_CACHE 8
struct twp_site_cache { uint64_t ra; uint32_t site; };
extern __thread struct twp_site_cache twp_site_cache[TWP_SITE_CACHE] __attribute__((tls_model("initial-exec"))) TWP_HIDDEN;
static inline struct twp_site_cache *twp_site_slot(uint64_t ra)
{
    return &twp_site_cache[(ra * 0x9E3779B97F4A7C15ull) >> 61];
}
static inline uint32_t twp_site(const void *ret_addr, const char *what)
{
    uint64_t ra = (uint64_t)(uintptr_t)ret_addr;
    const struct twp_site_cache *c = twp_site_slot(ra);
    if (TWP_LIKELY(ra == c->ra) && ra)
        return c->site;
    return twp_site_lookup(ret_addr, what);
}
TWP_HIDDEN void twp_sites_reset(void);

/* ---- the program's frame behind a library (outer.c) ---- */
enum { TWP_CODE_UNKNOWN = 0, TWP_CODE_EXE, TWP_CODE_LIBRARY, TWP_CODE_SKIPPED };
/* Whose code is at addr: the executable, a library, or one of the libraries a site never names
 * (libc, libpthread, libevent, libuv, TurboWish). *object (may be NULL) gets the file's base
 * name ("" for the executable). Lock-free (_dl_find_object). */
TWP_HIDDEN int twp_code_kind(const void *addr, const char **object);
/* The file (base name; the executable by its program name) and link-time offset of addr: 1, or
 * 0 when no loaded object holds it. */
TWP_HIDDEN int twp_code_offset(const void *addr, const char **object, uint64_t *off);
/* The return address of the innermost executable frame outside the call whose return address
 * is `inner` (in a library), else of the first frame outside the skipped libraries, else 0. */
TWP_HIDDEN uint64_t twp_outer(uint64_t inner);
/* The function of the first executable frame with a symbol outside the frame whose return
 * address is `from` (on the calling thread's stack now): 1 and its name in buf, else 0. For
 * sites in a function no symbol names ("in redis-server+0x64e51 from aeMain"); slow, once per
 * site. */
TWP_HIDDEN int twp_named_caller(uint64_t from, char *buf, size_t len);

/* ---- symbols (symbols.c): name of the symbol covering addr, "sym" or "sym+0x10".
 * Returns 1 and writes buf, or 0 when no symbol covers it. May take the loader lock (first use
 * of an object only). */
TWP_HIDDEN int twp_symbol(const void *addr, char *buf, size_t len);
/* file:line of the code at addr from the DWARF line table (lines.c); 0 when unknown. The file
 * string lives in the mapped object file (valid for the process's life). */
TWP_HIDDEN int twp_source(const void *addr, const char **file, unsigned *line);
/* element size of the global array `name` from the object's DWARF, 0 if not an array/unknown */
TWP_HIDDEN uint64_t twp_dwarf_elem_size(const char *map, size_t size, const char *name);
TWP_HIDDEN int twp_lines(const char *map, size_t size, uint64_t pc, const char **file, unsigned *line);

/* ---- threads (thread.c) ---- */
TWP_HIDDEN uint32_t twp_thread_task_id(pthread_t th); /* 0 when unknown */
TWP_HIDDEN void twp_threads_reset(void);
TWP_HIDDEN void twp_pipes_reset(void);
extern int twp_forked TWP_HIDDEN; /* this process has forked: pipe peers may be elsewhere */

/* ---- stats (counted, never failing): readable from a debugger as twp_stats ---- */
struct twp_stats {
    uint64_t objects_full;   /* objects not tracked: object table full */
    uint64_t held_full;      /* acquisitions not recorded: a thread held more than TWP_MAX_HELD */
    uint64_t threads_unwrapped; /* threads started without our trampoline (pool full) */
};
extern struct twp_stats twp_stats;
/* One record our fixed table `what` (enum tw_overflow) could not keep: counted here for
 * debuggers and in the region for readers (`instrumentation_overflow`). */
static inline void twp_full(uint64_t *stat, int what)
{
    __atomic_add_fetch(stat, 1, __ATOMIC_RELAXED);
    tw_overflow(what, 1);
}

/* small formatting helpers, no stdio (stdio takes locks) */
TWP_HIDDEN char *twp_hex(char *p, uint64_t v);   /* writes "0x..." and a NUL, returns the NUL */
TWP_HIDDEN char *twp_dec(char *p, uint64_t v);
TWP_HIDDEN char *twp_str(char *p, const char *s, const char *end);


#endif
