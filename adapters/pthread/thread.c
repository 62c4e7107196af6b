/* thread.c — every thread is a task.
 *
 * pthread_create hands the real function a trampoline that makes the new thread's task (named
 * by pthread_setname_np if the creator already named it, else by its start routine's symbol),
 * runs the start routine, and marks the task done when it returns, exits or is cancelled.
 * The trampoline's arguments live in a fixed pool claimed by CAS (no malloc); when the pool is
 * empty the thread starts unwrapped and gets a task at its first recorded call instead.
 * Threads we did not start (main, threads started before we loaded) are adopted the same way,
 * named by their kernel name. A pthread_t -> task map serves pthread_join and setname. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include "twp.h"

__thread struct twp_thread twp_me __attribute__((tls_model("initial-exec")));

/* ---- pthread_t -> task ---- */
#define MAP_SLOTS 32768 /* power of two */
struct thr_slot {
    uint64_t key;        /* pthread_t; 0 = empty. Kept when the thread ends (pthread_t values recur) */
    uint64_t task;       /* tw_task_t of the thread running as `key` now, 0 if none yet */
    uint32_t id;         /* its task id, kept after it ends so a late join still names it */
    uint32_t named;      /* 1 when name[] was set by pthread_setname_np before the thread started */
    char name[16];
    /* Threads started through our trampoline under this pthread_t: `created` counted by the
     * creator once pthread_create returned, `started` by the thread once it published its id.
     * A join that finds started < created is early: the thread exists but has not said who it
     * is yet (it will, before running any user code), and the id here is a predecessor's. */
    uint32_t created, started;
};
static struct thr_slot thr_map[MAP_SLOTS] __attribute__((aligned(4096)));

static struct thr_slot *thr_slot(pthread_t th, int create)
{
    uint64_t key = (uint64_t)th;
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 49;
    for (unsigned probe = 0; probe < 128; probe++) {
        struct thr_slot *s = &thr_map[(h + probe) & (MAP_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);
        if (k == key)
            return s;
        if (k == 0) {
            if (!create)
                return NULL;
            if (__atomic_compare_exchange_n(&s->key, &k, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) || k == key)
                return s;
        }
    }
    return NULL;
}

uint32_t twp_thread_task_id(pthread_t th)
{
    struct thr_slot *s = thr_slot(th, 0);
    if (!s)
        return 0;
    for (unsigned spin = 0; __atomic_load_n(&s->started, __ATOMIC_ACQUIRE) < __atomic_load_n(&s->created, __ATOMIC_ACQUIRE); spin++) {
        if (spin > 200000)
            return 0; /* not scheduled for a long time: join it unnamed rather than wait */
        if (spin > 1000)
            sched_yield();
        else
            __builtin_ia32_pause();
    }
    return __atomic_load_n(&s->id, __ATOMIC_ACQUIRE);
}

static void publish(tw_task_t t)
{
    struct thr_slot *s = thr_slot(pthread_self(), 1);
    twp_me.task = t;
    twp_me.state = 1;
    if (s) {
        __atomic_store_n(&s->id, tw_task_id(t), __ATOMIC_RELEASE);
        /* pthread_setname_np may run in the creator while this thread starts: it stores the name
         * then looks for the task, we store the task then look for a name (both seq_cst), so at
         * least one of us sees the other and the name is never lost to the start routine's. */
        __atomic_store_n(&s->task, t, __ATOMIC_SEQ_CST);
        if (__atomic_exchange_n(&s->named, 0, __ATOMIC_SEQ_CST))
            tw_task_name(t, s->name);
    }
}

tw_task_t twp_adopt(void)
{
    char name[17] = "";
    twp_me.state = 1;
    prctl(PR_GET_NAME, name, 0, 0, 0);
    tw_task_t t = tw_thread_task(name[0] ? name : "thread", 0);
    publish(t);
    return t;
}

/* The calling thread's task, for the libuv adapter (libtw-uv looks it up as a weak symbol): an
 * event loop run by a thread is that thread's task, not a second one (loop.c there). 0 when the
 * thread is not recorded. */
TWP_EXPORT tw_task_t tw_pthread_thread_task(void)
{
    /* the thread's own even inside a runtime task's poll (not twp_enter's attribution) */
    if (TWP_UNLIKELY(tw_state < 0) || twp_me.busy || twp_me.task || twp_me.state != 0)
        return twp_me.task;
    twp_me.busy = 1;
    tw_task_t t = twp_adopt();
    twp_me.busy = 0;
    return t;
}

/* ---- the trampoline ---- */
#define POOL 4096
struct tramp {
    uint32_t used;
    uint32_t site;
    void *(*start)(void *);
    void *arg;
};
static struct tramp pool[POOL];
static uint32_t pool_cursor;

static struct tramp *tramp_claim(void)
{
    uint32_t c = __atomic_fetch_add(&pool_cursor, 1, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < POOL; i++) {
        struct tramp *tr = &pool[(c + i) % POOL];
        uint32_t z = 0;
        if (__atomic_compare_exchange_n(&tr->used, &z, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return tr;
    }
    return NULL;
}

static void thread_done(void *unused)
{
    (void)unused;
    twp_me.busy = 1;
    if (twp_me.task) {
        tw_task_done(twp_me.task, 0);
        struct thr_slot *s = thr_slot(pthread_self(), 0);
        if (s)
            __atomic_store_n(&s->task, 0, __ATOMIC_RELEASE);
    }
    twp_me.task = 0;
    twp_me.state = 2; /* TLS destructors after this are not recorded */
    twp_me.busy = 0;
}

/* A start routine no symbol names (static, in a stripped object: libuv's pool, memcached's
 * workers) by its place, "libuv.so.1+0x1f0a0", which tells pools apart and can be looked up. */
static int start_offset(void *(*start)(void *), char *buf, size_t len)
{
    const char *obj;
    uint64_t off;
    if (!twp_code_offset((const void *)start, &obj, &off) || strlen(obj) + 20 > len)
        return 0;
    char *p = twp_str(buf, obj, buf + len);
    *p++ = '+';
    twp_hex(p, off);
    return 1;
}

static void *twp_start(void *p)
{
    struct tramp *tr = p;
    void *(*start)(void *) = tr->start;
    void *arg = tr->arg;
    uint32_t site = tr->site;
    __atomic_store_n(&tr->used, 0, __ATOMIC_RELEASE);

    if (tw_state >= 0) {
        twp_me.busy = 1;
        char name[160];
        struct thr_slot *s = thr_slot(pthread_self(), 1);
        if (s && __atomic_load_n(&s->named, __ATOMIC_ACQUIRE)) {
            memcpy(name, s->name, sizeof s->name);
            name[15] = 0;
        } else if (twp_symbol((const void *)start, name, sizeof name)) {
            char *plus = strchr(name, '+');
            if (plus) *plus = 0;
        } else if (!start_offset(start, name, sizeof name)) {
            strcpy(name, "thread");
        }
        twp_me.state = 1;
        publish(tw_thread_task(name, site));
        twp_me.busy = 0;
    }
    struct thr_slot *me = thr_slot(pthread_self(), 1);
    if (me)
        __atomic_add_fetch(&me->started, 1, __ATOMIC_RELEASE);
    void *ret;
    pthread_cleanup_push(thread_done, NULL);
    ret = start(arg);
    pthread_cleanup_pop(1);
    return ret;
}

TWP_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return TWP_REAL(create)(th, attr, start, arg);
    uint32_t site = twp_site(__builtin_return_address(0), "pthread_create");
    twp_leave();
    struct tramp *tr = tramp_claim();
    if (!tr) {
        twp_full(&twp_stats.threads_unwrapped, TW_OVF_THREADS);
        return TWP_REAL(create)(th, attr, start, arg);
    }
    tr->start = start;
    tr->arg = arg;
    tr->site = site;
    int rc = TWP_REAL(create)(th, attr, twp_start, tr);
    if (rc != 0) {
        __atomic_store_n(&tr->used, 0, __ATOMIC_RELEASE);
    } else {
        struct thr_slot *s = thr_slot(*th, 1);
        if (s)
            __atomic_add_fetch(&s->created, 1, __ATOMIC_RELEASE);
    }
    return rc;
}

TWP_EXPORT int pthread_setname_np(pthread_t th, const char *name)
{
    int rc = TWP_REAL(setname)(th, name);
    tw_task_t t;
    if (rc != 0 || !twp_enter(&t))
        return rc;
    struct thr_slot *s = thr_slot(th, 1);
    tw_task_t target = pthread_equal(th, pthread_self()) ? t : s ? __atomic_load_n(&s->task, __ATOMIC_ACQUIRE) : 0;
    if (target) {
        tw_task_name(target, name);
    } else if (s) {
        /* not started yet: its trampoline picks the name up */
        size_t n = strnlen(name, sizeof s->name - 1);
        memcpy(s->name, name, n);
        s->name[n] = 0;
        __atomic_store_n(&s->named, 1, __ATOMIC_SEQ_CST);
        /* it may have started meanwhile (see publish) */
        target = __atomic_load_n(&s->task, __ATOMIC_SEQ_CST);
        if (target)
            tw_task_name(target, name);
    }
    twp_leave();
    return rc;
}

static int join(pthread_t th, void **ret, const struct timespec *abst, int timed, void *ra)
{
    tw_task_t t;
    if (!twp_enter(&t))
        return timed ? TWP_REAL(timedjoin)(th, ret, abst) : TWP_REAL(join)(th, ret);
    uint32_t id = twp_thread_task_id(th);
    tw_await_begin(t, twp_site(ra, timed ? "pthread_timedjoin_np" : "pthread_join"), id ? TW_WAIT_JOIN : TW_WAIT_SIGNAL, id, timed);
    twp_park(t);
    int rc = timed ? TWP_REAL(timedjoin)(th, ret, abst) : TWP_REAL(join)(th, ret);
    twp_unpark(t);
    tw_await_end(t);
    twp_leave();
    return rc;
}

TWP_EXPORT int pthread_join(pthread_t th, void **ret)
{
    return join(th, ret, NULL, 0, __builtin_return_address(0));
}

TWP_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abst)
{
    return join(th, ret, abst, 1, __builtin_return_address(0));
}

/* ---- held locks of this thread ---- */
struct twp_held *twp_held_add_full(void)
{
    twp_full(&twp_stats.held_full, TW_OVF_HELD);
    return NULL;
}

void twp_threads_reset(void)
{
    madvise(thr_map, sizeof thr_map, MADV_DONTNEED);
    twp_me.task = 0;
    twp_me.state = 0;
    twp_me.locks.nheld = 0;
    twp_me.busy = 0;
}
