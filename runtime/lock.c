/* lock.c — mutex, rwlock and counting semaphore: reusable resources, held and released.
 * All three hand units directly to the oldest waiter on release (FIFO), so no task starves and
 * a woken task never has to compete again. The task that asks records its own request and
 * acquisition (it owns its record while it runs); the releaser records the release before the
 * hand-off, so a reader never sees two holders of one mutex. Each acquisition says how it was
 * made (tw_acquire_at): lock and write lock as TW_ACQ_LOCK, the try calls as TW_ACQ_TRY, so the
 * shim's lock-order graph gets edges only from acquisitions that can wait forever. A mutex's
 * record changes only under its spin lock, so the shim writes it without locked instructions
 * (TW_ACQ_OWNED), and an uncontended lock is one event (TW_ACQ_AT_ONCE). */
#include <errno.h>
#include <stdlib.h>
#include "sched.h"

enum { W_READ = 1, W_WRITE = 2 };

struct twrt_mutex { twrt_spin lk; int locked; struct twrt__wq q; tw_res_t res; };
struct twrt_rwlock { twrt_spin lk; int readers, writer; struct twrt__wq q; tw_res_t res; };
struct twrt_sem { twrt_spin lk; int64_t units; struct twrt__wq q; tw_res_t res; };

/* ---- mutex ---- */

twrt_mutex *twrt_mutex_new(const char *name)
{
    twrt_mutex *m = calloc(1, sizeof *m);
    if (m) m->res = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, name ? name : "mutex", 0, (uintptr_t)m);
    return m;
}

void twrt_mutex_free(twrt_mutex *m)
{
    if (!m) return;
    tw_res_close(m->res);
    free(m);
}

int twrt__mutex_lock(twrt_mutex *m, uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    twrt__spin_lock(&m->lk);
    if (!m->locked) {
        m->locked = 1;
        tw_acquire_at(t->tw, m->res, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
        twrt__spin_unlock(&m->lk);
        return 0;
    }
    struct twrt__waiter w = { .task = t };
    twrt__wq_push(&m->q, &w);
    tw_acquire_request(t->tw, m->res, 1, site);
    twrt__block_on(&m->lk, &w.done);
    tw_acquire_at(t->tw, m->res, 1, site, TW_ACQ_LOCK | TW_ACQ_OWNED);
    twrt__spin_unlock(&m->lk);
    return 0;
}

int twrt_mutex_trylock(twrt_mutex *m)
{
    tw_task_t me = twrt__current_tw();
    twrt__spin_lock(&m->lk);
    int ok = !m->locked;
    if (ok) {
        m->locked = 1;
        tw_acquire_at(me, m->res, 1, 0, TW_ACQ_TRY | TW_ACQ_OWNED); /* held, but never closes an inversion */
    } else {
        tw_try_fail(me, m->res);
    }
    twrt__spin_unlock(&m->lk);
    return ok ? 0 : -EBUSY;
}

void twrt_mutex_unlock(twrt_mutex *m)
{
    tw_task_t me = twrt__current_tw();
    twrt__spin_lock(&m->lk);
    tw_release_how(me, m->res, 1, TW_ACQ_OWNED);
    struct twrt__waiter *w = m->q.head;
    if (w) {
        twrt__wq_remove(&m->q, w);   /* ownership passes straight to w: m stays locked */
        w->done = 1;
        twrt__wake(w->task);
    } else {
        m->locked = 0;
    }
    twrt__spin_unlock(&m->lk);
}

/* ---- rwlock ---- */

twrt_rwlock *twrt_rwlock_new(const char *name)
{
    twrt_rwlock *l = calloc(1, sizeof *l);
    if (l) l->res = tw_res_create(TW_RES_RWLOCK, TW_CLASS_REUSABLE, 65535, name ? name : "rwlock", 0, (uintptr_t)l);
    return l;
}

void twrt_rwlock_free(twrt_rwlock *l)
{
    if (!l) return;
    tw_res_close(l->res);
    free(l);
}

/* Grant the lock to waiters at the head of the queue: one writer, or a run of readers. */
static void rw_grant(twrt_rwlock *l)
{
    struct twrt__waiter *w;
    while ((w = l->q.head)) {
        if (w->kind == W_WRITE) {
            if (l->writer || l->readers) return;
            l->writer = 1;
        } else {
            if (l->writer) return;
            l->readers++;
        }
        twrt__wq_remove(&l->q, w);
        w->done = 1;
        twrt__wake(w->task);
        if (l->writer) return;
    }
}

static int rw_lock(twrt_rwlock *l, int kind, uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    twrt__spin_lock(&l->lk);
    int free_now = kind == W_WRITE ? !l->writer && !l->readers && !l->q.head : !l->writer && !l->q.head;
    if (free_now) {
        if (kind == W_WRITE) l->writer = 1; else l->readers++;
    } else {
        struct twrt__waiter w = { .task = t, .kind = kind };
        twrt__wq_push(&l->q, &w);
        tw_acquire_request(t->tw, l->res, 1, site);
        twrt__block_on(&l->lk, &w.done);
    }
    tw_acquire_at(t->tw, l->res, kind == W_WRITE ? 1 : -1, site, TW_ACQ_LOCK);
    twrt__spin_unlock(&l->lk);
    return 0;
}

int twrt__rwlock_rdlock(twrt_rwlock *l, uint32_t site) { return rw_lock(l, W_READ, site); }
int twrt__rwlock_wrlock(twrt_rwlock *l, uint32_t site) { return rw_lock(l, W_WRITE, site); }

void twrt_rwlock_rdunlock(twrt_rwlock *l)
{
    tw_task_t me = twrt__current_tw();
    twrt__spin_lock(&l->lk);
    tw_release(me, l->res, -1);
    l->readers--;
    rw_grant(l);
    twrt__spin_unlock(&l->lk);
}

void twrt_rwlock_wrunlock(twrt_rwlock *l)
{
    tw_task_t me = twrt__current_tw();
    twrt__spin_lock(&l->lk);
    tw_release(me, l->res, 1);
    l->writer = 0;
    rw_grant(l);
    twrt__spin_unlock(&l->lk);
}

/* ---- semaphore ---- */

twrt_sem *twrt_sem_new(const char *name, int64_t units)
{
    twrt_sem *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->units = units;
    s->res = tw_res_create(TW_RES_SEMAPHORE, TW_CLASS_REUSABLE, units, name ? name : "semaphore", 0, (uintptr_t)s);
    return s;
}

void twrt_sem_free(twrt_sem *s)
{
    if (!s) return;
    tw_res_close(s->res);
    free(s);
}

int twrt__sem_acquire(twrt_sem *s, uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    twrt__spin_lock(&s->lk);
    if (s->units > 0 && !s->q.head) {
        s->units--;
    } else {
        struct twrt__waiter w = { .task = t };
        twrt__wq_push(&s->q, &w);
        tw_acquire_request(t->tw, s->res, 1, site);
        twrt__block_on(&s->lk, &w.done);
    }
    tw_acquire(t->tw, s->res, 1);
    twrt__spin_unlock(&s->lk);
    return 0;
}

int twrt_sem_try_acquire(twrt_sem *s)
{
    tw_task_t me = twrt__current_tw();
    twrt__spin_lock(&s->lk);
    int ok = s->units > 0 && !s->q.head;
    if (ok) {
        s->units--;
        tw_acquire_at(me, s->res, 1, 0, TW_ACQ_TRY);
    } else {
        tw_try_fail(me, s->res);
    }
    twrt__spin_unlock(&s->lk);
    return ok ? 0 : -EAGAIN;
}

void twrt_sem_release(twrt_sem *s)
{
    tw_task_t me = twrt__current_tw();
    twrt__spin_lock(&s->lk);
    tw_release(me, s->res, 1);
    struct twrt__waiter *w = s->q.head;
    if (w) {
        twrt__wq_remove(&s->q, w);   /* the unit goes straight to the oldest waiter */
        w->done = 1;
        twrt__wake(w->task);
    } else {
        s->units++;
    }
    twrt__spin_unlock(&s->lk);
}
