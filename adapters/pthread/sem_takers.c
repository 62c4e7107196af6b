/* sem_takers.c — who has taken units of a semaphore and not posted them back (issue 17).
 *
 * A semaphore has no owner, yet programs use one as a lock (a binary semaphore, forks): to
 * read such a hang one must see who took each unit. A thread that completes sem_wait,
 * sem_timedwait or sem_trywait holds one more unit (a HOLD edge, its count the units); a post
 * by a thread holding units gives one back; a post by any other thread is a plain post. A
 * consumer that never posts what it waits on therefore keeps a growing count: that is the
 * truth ("took N, posted none"), saturated at the edge's 16-bit count.
 *
 * Kept out of the held-lock list (thread.c) on purpose: that list feeds the lock-order graph,
 * and a semaphore is no lock for lock order (lockdep does not track them either). */
#include "twp.h"

#define TAKEN_MAX 16
#define UNITS_MAX 0xffff /* struct tw_edge.count */

struct taken {
    const sem_t *addr;
    tw_res_t res;
    uint32_t units;
};
static __thread struct taken taken[TAKEN_MAX] __attribute__((tls_model("initial-exec")));
static __thread int ntaken __attribute__((tls_model("initial-exec")));

static struct taken *find(const sem_t *s)
{
    for (int i = 0; i < ntaken; i++)
        if (taken[i].addr == s)
            return &taken[i];
    return NULL;
}

static void drop(struct taken *k) { *k = taken[--ntaken]; }

/* Units this thread took of a semaphore since destroyed (and maybe made again at the same
 * address, a new resource): give them back so the old resource shows no holder. */
static struct taken *current(tw_task_t t, const sem_t *s, tw_res_t r)
{
    struct taken *k = find(s);
    if (k && k->res != r) {
        tw_release(t, k->res, k->units);
        drop(k);
        k = NULL;
    }
    return k;
}

void twp_sem_took(tw_task_t t, const sem_t *s, tw_res_t r)
{
    if (!r)
        return;
    struct taken *k = current(t, s, r);
    if (!k) {
        if (ntaken == TAKEN_MAX) {
            __atomic_add_fetch(&twp_stats.held_full, 1, __ATOMIC_RELAXED);
            return;
        }
        k = &taken[ntaken++];
        *k = (struct taken){ s, r, 0 };
    }
    if (k->units == UNITS_MAX)
        return;
    k->units++;
    tw_acquire(t, r, 1);
}

void twp_sem_posting(tw_task_t t, const sem_t *s)
{
    struct taken *k = find(s);
    if (!k)
        return; /* a plain post: this thread took nothing of it */
    uint32_t obj;
    if (!current(t, s, twp_res(s, TW_RES_SEMAPHORE, 0, &obj)))
        return;
    tw_release(t, k->res, 1);
    if (--k->units == 0)
        drop(k);
}

void twp_sem_forget(tw_task_t t, const sem_t *s)
{
    struct taken *k = find(s);
    if (k) {
        tw_release(t, k->res, k->units);
        drop(k);
    }
}

void twp_sem_takers_reset(void) { ntaken = 0; }
