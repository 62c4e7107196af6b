/* model.c — the in-memory model: id maps, copies (for rewinding) and the derived
 * holder/waiter lists readers compute from task edges (one writer per fact). */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static uint64_t mix(uint64_t k) { k ^= k >> 33; k *= 0xff51afd7ed558ccdULL; k ^= k >> 33; return k; }

void twc__idmap_init(struct idmap *m, size_t expect)
{
    size_t cap = 16;
    while (cap < expect * 2 + 2) cap *= 2;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->cap = (m->keys && m->vals) ? cap : 0;
    m->n = 0;
}

void twc__idmap_put(struct idmap *m, uint64_t key, uint32_t val)
{
    if (!m->cap || key == 0) return;
    if ((m->n + 1) * 2 > m->cap) {
        struct idmap n2;
        twc__idmap_init(&n2, m->cap);
        for (size_t i = 0; i < m->cap; i++) if (m->keys[i]) twc__idmap_put(&n2, m->keys[i], m->vals[i]);
        twc__idmap_free(m);
        *m = n2;
        if (!m->cap) return;
    }
    size_t i = mix(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

long twc__idmap_get(const struct idmap *m, uint64_t key)
{
    if (!m->cap || key == 0) return -1;
    size_t i = mix(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (m->keys[i] == key) return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

void twc__idmap_free(struct idmap *m) { free(m->keys); free(m->vals); memset(m, 0, sizeof *m); }

void twc__model_index(struct model *m)
{
    twc__idmap_free(&m->tmap); twc__idmap_free(&m->rmap);
    twc__idmap_init(&m->tmap, m->ntasks);
    twc__idmap_init(&m->rmap, m->nres);
    /* first record wins: a duplicated id in a corrupt region must not shadow the original */
    for (size_t i = 0; i < m->ntasks; i++)
        if (twc__idmap_get(&m->tmap, m->tasks[i].id) < 0) twc__idmap_put(&m->tmap, m->tasks[i].id, (uint32_t)i);
    for (size_t i = 0; i < m->nres; i++)
        if (twc__idmap_get(&m->rmap, m->res[i].id) < 0) twc__idmap_put(&m->rmap, m->res[i].id, (uint32_t)i);
}

void twc__model_free(struct model *m)
{
    free(m->tasks); free(m->res);
    twc__idmap_free(&m->tmap); twc__idmap_free(&m->rmap);
    memset(m, 0, sizeof *m);
}

int twc__model_copy(struct model *dst, const struct model *src)
{
    memset(dst, 0, sizeof *dst);
    dst->tasks = malloc((src->ntasks ? src->ntasks : 1) * sizeof *dst->tasks);
    dst->res = malloc((src->nres ? src->nres : 1) * sizeof *dst->res);
    if (!dst->tasks || !dst->res) { twc__model_free(dst); return -1; }
    memcpy(dst->tasks, src->tasks, src->ntasks * sizeof *dst->tasks);
    memcpy(dst->res, src->res, src->nres * sizeof *dst->res);
    dst->ntasks = src->ntasks; dst->nres = src->nres;
    dst->torn_tasks = src->torn_tasks; dst->torn_res = src->torn_res; dst->bad_refs = src->bad_refs;
    dst->task_ids_issued = src->task_ids_issued; dst->res_ids_issued = src->res_ids_issued;
    twc__model_index(dst);
    return 0;
}

struct mtask *twc__model_task(const struct model *m, uint64_t id)
{
    long i = twc__idmap_get(&m->tmap, id);
    return i < 0 ? NULL : &m->tasks[i];
}

struct mres *twc__model_res(const struct model *m, uint64_t id)
{
    long i = twc__idmap_get(&m->rmap, id);
    return i < 0 ? NULL : &m->res[i];
}

/* The shim takes a slot before it numbers the record, and ids are never given out twice, so
 * every id below the header's next one had a record: if it is not in the table, a later record
 * took its slot. The id still names only the old record, so no event of it can touch the new
 * occupant. */
int twc__task_recycled(const struct model *m, uint64_t id)
{
    return id && id <= m->task_ids_issued && !twc__model_task(m, id);
}

int twc__res_recycled(const struct model *m, uint64_t id)
{
    return id && id <= m->res_ids_issued && !twc__model_res(m, id);
}

bool twc__task_live(const struct mtask *t) { return !t->hidden && t->id && t->state != TW_TASK_DONE && t->state != TW_TASK_FREE; }

/* Counting sort into CSR arrays: linear in tasks + edges. Hidden (not yet spawned, as of a
 * rewound view) tasks and resources contribute nothing. */
int twc__derive(const struct model *m, struct derived *d)
{
    memset(d, 0, sizeof *d);
    size_t nr = m->nres, nt = m->ntasks;
    d->hold_start = calloc(nr + 2, sizeof(uint32_t));
    d->wait_start = calloc(nr + 2, sizeof(uint32_t));
    d->join_start = calloc(nt + 2, sizeof(uint32_t));
    if (!d->hold_start || !d->wait_start || !d->join_start) goto oom;
    for (size_t i = 0; i < nt; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || !t->id) continue;
        for (int e = 0; e < TW_MAX_EDGES; e++) {
            long r = t->edges[e].res ? twc__idmap_get(&m->rmap, t->edges[e].res) : -1;
            if (r >= 0 && !m->res[r].hidden) d->hold_start[r + 1]++;
        }
        if (t->state == TW_TASK_WAITING) {
            if (t->wait_kind == TW_WAIT_JOIN) {
                long j = twc__idmap_get(&m->tmap, t->waiting_on);
                if (j >= 0) d->join_start[j + 1]++;
            } else {
                uint64_t on[TW_MAX_EDGES + 1];   /* a select waits on every branch */
                for (size_t k = 0, n = twc__wait_targets(t, on); k < n; k++) {
                    long r = twc__idmap_get(&m->rmap, on[k]);
                    if (r >= 0 && !m->res[r].hidden) d->wait_start[r + 1]++;
                }
            }
        }
    }
    for (size_t i = 0; i < nr; i++) { d->hold_start[i + 1] += d->hold_start[i]; d->wait_start[i + 1] += d->wait_start[i]; }
    for (size_t i = 0; i < nt; i++) d->join_start[i + 1] += d->join_start[i];
    d->hold = malloc((d->hold_start[nr] + 1) * sizeof *d->hold);
    d->wait = malloc((d->wait_start[nr] + 1) * sizeof *d->wait);
    d->join = malloc((d->join_start[nt] + 1) * sizeof *d->join);
    uint32_t *hp = calloc(nr + 1, sizeof(uint32_t)), *wp = calloc(nr + 1, sizeof(uint32_t)),
             *jp = calloc(nt + 1, sizeof(uint32_t));
    if (!d->hold || !d->wait || !d->join || !hp || !wp || !jp) { free(hp); free(wp); free(jp); goto oom; }
    for (size_t i = 0; i < nt; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || !t->id) continue;
        for (int e = 0; e < TW_MAX_EDGES; e++) {
            long r = t->edges[e].res ? twc__idmap_get(&m->rmap, t->edges[e].res) : -1;
            if (r < 0 || m->res[r].hidden) continue;
            struct rel *x = &d->hold[d->hold_start[r] + hp[r]++];
            x->task = (uint32_t)i; x->role = t->edges[e].role; x->dir = t->edges[e].dir; x->count = t->edges[e].count;
        }
        if (t->state == TW_TASK_WAITING) {
            if (t->wait_kind == TW_WAIT_JOIN) {
                long j = twc__idmap_get(&m->tmap, t->waiting_on);
                if (j >= 0) d->join[d->join_start[j] + jp[j]++] = (uint32_t)i;
            } else {
                uint64_t on[TW_MAX_EDGES + 1];
                for (size_t k = 0, n = twc__wait_targets(t, on); k < n; k++) {
                    long r = twc__idmap_get(&m->rmap, on[k]);
                    if (r >= 0 && !m->res[r].hidden) d->wait[d->wait_start[r] + wp[r]++] = (uint32_t)i;
                }
            }
        }
    }
    free(hp); free(wp); free(jp);
    return 0;
oom:
    twc__derived_free(d);
    return -1;
}

void twc__derived_free(struct derived *d)
{
    free(d->hold_start); free(d->hold); free(d->wait_start); free(d->wait);
    free(d->join_start); free(d->join);
    memset(d, 0, sizeof *d);
}
