/* registry.c — find a task by id, for pause/resume requests that name tasks by id. */
#include "sched.h"

#define BUCKETS 4096
static twrt_spin lk;
static struct twrt_task *bucket[BUCKETS];

void twrt__registry_add(struct twrt_task *t)
{
    twrt__spin_lock(&lk);
    t->hnext = bucket[t->id % BUCKETS];
    bucket[t->id % BUCKETS] = t;
    twrt__spin_unlock(&lk);
}

void twrt__registry_remove(struct twrt_task *t)
{
    twrt__spin_lock(&lk);
    for (struct twrt_task **p = &bucket[t->id % BUCKETS]; *p; p = &(*p)->hnext)
        if (*p == t) { *p = t->hnext; break; }
    twrt__spin_unlock(&lk);
}

struct twrt_task *twrt__registry_get(uint32_t id)
{
    struct twrt_task *found = NULL;
    twrt__spin_lock(&lk);
    for (struct twrt_task *t = bucket[id % BUCKETS]; t; t = t->hnext)
        if (t->id == id) {
            /* A task whose last reference is going away is no longer findable. */
            int r = atomic_load(&t->refs);
            while (r > 0 && !atomic_compare_exchange_weak(&t->refs, &r, r + 1)) {}
            if (r > 0) found = t;
            break;
        }
    twrt__spin_unlock(&lk);
    return found;
}
