/* deadlock.c — certain and possible deadlocks.
 *
 * Strongly connected parts (iterative Tarjan) of the wait-for graph restricted to tasks blocked
 * untimed on waits with known wakers. A part whose tasks can never progress (graph.c's
 * fixpoint: no waker outside) is a certain deadlock; one with an exit is a possible one. Only
 * the strongly connected members are listed (a task joining a knot member is not one). When
 * every live task is blocked untimed and some wait has unknown wakers, that is a certain global
 * deadlock — a candidate: proof.c decides what a region's candidates prove (DESIGN.md "Certain
 * means proven"); attach-only models call non-mutex deadlocks certain only when two live
 * samples agreed (issue 13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct tarjan {
    const struct wgraph *g;
    uint32_t *index, *low, *stack, *cs_node, *cs_next; uint8_t *on;
    uint32_t *wak; size_t nwak, capwak;
    size_t sp, next, csp;
    uint32_t *comp; size_t ncomp;      /* component id per task (UINT32_MAX none) */
};

static void collect(void *arg, uint32_t w)
{
    struct tarjan *T = arg;
    if (T->nwak == T->capwak) {
        size_t cap = T->capwak ? T->capwak * 2 : 16;
        uint32_t *p = realloc(T->wak, cap * sizeof *p);
        if (!p) return;
        T->wak = p; T->capwak = cap;
    }
    T->wak[T->nwak++] = w;
}

/* waker list of i among graph nodes, stored in a per-node CSR built once */
struct adj { uint32_t *start, *to; };

static int build_adj(struct tarjan *T, struct adj *a, size_t nt)
{
    a->start = calloc(nt + 1, sizeof(uint32_t));
    if (!a->start) return -1;
    size_t cap = 1024, n = 0;
    a->to = malloc(cap * sizeof(uint32_t));
    if (!a->to) return -1;
    for (size_t i = 0; i < nt; i++) {
        a->start[i] = (uint32_t)n;
        if (T->g->cls[i] != WK_KNOWN) continue;
        T->nwak = 0;
        twc__wgraph_wakers(T->g, (uint32_t)i, collect, T);
        for (size_t k = 0; k < T->nwak; k++) {
            if (T->g->cls[T->wak[k]] != WK_KNOWN) continue;
            if (n == cap) { cap *= 2; uint32_t *p = realloc(a->to, cap * sizeof *p); if (!p) return -1; a->to = p; }
            a->to[n++] = T->wak[k];
        }
    }
    a->start[nt] = (uint32_t)n;
    return 0;
}

static void strongconnect(struct tarjan *T, const struct adj *a, uint32_t root)
{
    /* explicit call stack: node and position in its adjacency */
    T->cs_node[0] = root; T->cs_next[0] = a->start[root]; T->csp = 1;
    T->index[root] = T->low[root] = (uint32_t)T->next++;
    T->stack[T->sp++] = root; T->on[root] = 1;
    while (T->csp) {
        uint32_t v = T->cs_node[T->csp - 1];
        if (T->cs_next[T->csp - 1] < a->start[v + 1]) {
            uint32_t w = a->to[T->cs_next[T->csp - 1]++];
            if (T->index[w] == UINT32_MAX) {
                T->index[w] = T->low[w] = (uint32_t)T->next++;
                T->stack[T->sp++] = w; T->on[w] = 1;
                T->cs_node[T->csp] = w; T->cs_next[T->csp] = a->start[w]; T->csp++;
            } else if (T->on[w] && T->index[w] < T->low[v]) T->low[v] = T->index[w];
            continue;
        }
        if (T->low[v] == T->index[v]) {
            uint32_t w;
            do { w = T->stack[--T->sp]; T->on[w] = 0; T->comp[w] = (uint32_t)T->ncomp; } while (w != v);
            T->ncomp++;
        }
        T->csp--;
        if (T->csp) { uint32_t u = T->cs_node[T->csp - 1]; if (T->low[v] < T->low[u]) T->low[u] = T->low[v]; }
    }
}

int twc__deadlock_add(struct deadlock **out, size_t *n, size_t *cap, struct deadlock *d)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        struct deadlock *p = realloc(*out, c * sizeof *p);
        if (!p) return -1;
        *out = p; *cap = c;
    }
    (*out)[(*n)++] = *d;
    return 0;
}

/* Preorder walk inside one component, starting at its smallest task id: each task is
 * followed by the resource it waits on; in a simple cycle this is the cycle itself. */
static int chain_of(const struct model *m, const struct adj *a, const uint32_t *comp, uint32_t c,
                    uint32_t start, size_t size, struct deadlock *d)
{
    d->chain = malloc(2 * size * sizeof *d->chain);
    uint32_t *st = malloc((size + 1) * sizeof(uint32_t)), *pos = malloc((size + 1) * sizeof(uint32_t));
    uint8_t *seen = calloc(m->ntasks + 1, 1);
    if (!d->chain || !st || !pos || !seen) { free(st); free(pos); free(seen); return -1; }
    size_t sp = 0;
    d->n = 0;
    st[sp] = start; pos[sp] = a->start[start]; sp++;
    seen[start] = 1;
    d->chain[d->n++] = (struct dl_entry){ .is_task = 1, .idx = start };
    uint32_t ri = twc__wait_res_idx(m, &m->tasks[start]);
    if (ri != UINT32_MAX) d->chain[d->n++] = (struct dl_entry){ .is_task = 0, .idx = ri };
    while (sp) {
        uint32_t v = st[sp - 1];
        if (pos[sp - 1] >= a->start[v + 1]) { sp--; continue; }
        uint32_t w = a->to[pos[sp - 1]++];
        if (comp[w] != c || seen[w]) continue;
        seen[w] = 1;
        d->chain[d->n++] = (struct dl_entry){ .is_task = 1, .idx = w };
        ri = twc__wait_res_idx(m, &m->tasks[w]);
        if (ri != UINT32_MAX) d->chain[d->n++] = (struct dl_entry){ .is_task = 0, .idx = ri };
        if (sp <= size) { st[sp] = w; pos[sp] = a->start[w]; sp++; }
    }
    free(st); free(pos); free(seen);
    return 0;
}

static int cmp_first_task(const void *x, const void *y, void *mm)
{
    const struct deadlock *a = x, *b = y;
    const struct model *m = mm;
    if (a->certain != b->certain) return b->certain - a->certain;
    if (a->global != b->global) return b->global - a->global;
    uint64_t ia = a->n ? m->tasks[a->chain[0].idx].id : 0, ib = b->n ? m->tasks[b->chain[0].idx].id : 0;
    return ia < ib ? -1 : ia > ib;
}

/* insertion sort with context (qsort_r is not portable enough to rely on) */
static void sort_dls(struct deadlock *d, size_t n, const struct model *m)
{
    for (size_t i = 1; i < n; i++) {
        struct deadlock x = d[i];
        size_t j = i;
        while (j && cmp_first_task(&d[j - 1], &x, (void *)m) > 0) { d[j] = d[j - 1]; j--; }
        d[j] = x;
    }
}

/* prove: live, let the target run for a second sample where a certain verdict needs one
 * (proof.c); without it, the candidates as one sample shows them */
static int find_deadlocks(struct twc_session *s, const struct model *m, struct deadlock **out, size_t *nout, int prove)
{
    *out = NULL; *nout = 0;
    size_t cap = 0, nt = m->ntasks;
    struct wgraph g;
    if (twc__wgraph_build(&g, m)) return -1;
    struct tarjan T = { .g = &g };
    struct adj a = { 0 };
    T.index = malloc((nt + 1) * sizeof(uint32_t)); T.low = malloc((nt + 1) * sizeof(uint32_t));
    T.stack = malloc((nt + 1) * sizeof(uint32_t)); T.cs_node = malloc((nt + 1) * sizeof(uint32_t));
    T.cs_next = malloc((nt + 1) * sizeof(uint32_t)); T.on = calloc(nt + 1, 1);
    T.comp = malloc((nt + 1) * sizeof(uint32_t));
    int rc = -1;
    uint32_t *csize = NULL, *cmin = NULL; uint8_t *cself = NULL;
    if (!T.index || !T.low || !T.stack || !T.cs_node || !T.cs_next || !T.on || !T.comp) goto done;
    if (build_adj(&T, &a, nt)) goto done;
    for (size_t i = 0; i < nt; i++) { T.index[i] = UINT32_MAX; T.comp[i] = UINT32_MAX; }
    for (size_t i = 0; i < nt; i++)
        if (g.cls[i] == WK_KNOWN && T.index[i] == UINT32_MAX) strongconnect(&T, &a, (uint32_t)i);
    csize = calloc(T.ncomp + 1, sizeof(uint32_t));
    cmin = malloc((T.ncomp + 1) * sizeof(uint32_t));
    cself = calloc(T.ncomp + 1, 1);
    if (!csize || !cmin || !cself) goto done;
    for (size_t c = 0; c < T.ncomp; c++) cmin[c] = UINT32_MAX;
    for (size_t i = 0; i < nt; i++) {
        uint32_t c = T.comp[i];
        if (c == UINT32_MAX) continue;
        csize[c]++;
        if (cmin[c] == UINT32_MAX || m->tasks[i].id < m->tasks[cmin[c]].id) cmin[c] = (uint32_t)i;
        for (uint32_t k = a.start[i]; k < a.start[i + 1]; k++) if (a.to[k] == i) cself[c] = 1;
    }
    for (size_t c = 0; c < T.ncomp; c++) {
        if (csize[c] < 2 && !cself[c]) continue;
        struct deadlock d = { 0 };
        uint32_t first = cmin[c];
        d.certain = g.stuck[first];
        if (chain_of(m, &a, T.comp, (uint32_t)c, first, csize[c], &d)) goto done;
        if (d.certain && s->facts) {
            int all_locks = 1;
            for (size_t k = 0; k < d.n; k++)
                if (d.chain[k].is_task && m->tasks[d.chain[k].idx].wait_kind != TW_WAIT_ACQUIRE) all_locks = 0;
            if (!all_locks && !(s->facts_agree && !s->facts_from_core)) {
                d.certain = 0;
                snprintf(d.note, sizeof d.note, "%s", s->facts_from_core
                         ? "possible: from a core file (one sample), only mutex cycles proven by owner fields are certain"
                         : "possible: seen in one sample only; certain needs two samples that agree");
            }
        }
        if (!d.note[0]) snprintf(d.note, sizeof d.note, "%s", d.certain ? "no task outside the cycle can wake any member"
                                                                     : "a task outside the cycle can still wake a member");
        if (twc__deadlock_add(out, nout, &cap, &d)) { free(d.chain); goto done; }
    }
    /* global deadlock: nobody can run, and someone waits for an unknown waker */
    size_t live = 0, unknown_stuck = 0;
    for (size_t i = 0; i < nt; i++) {
        if (g.cls[i] != WK_NONE) live++;
        if (g.cls[i] == WK_UNKNOWN && g.stuck[i]) unknown_stuck++;
    }
    if (live && g.nunblocked == 0 && unknown_stuck) {
        struct deadlock d = { 0 };
        d.global = 1; d.certain = 1;
        d.chain = malloc(2 * live * sizeof *d.chain);
        if (!d.chain) goto done;
        d.n = twc__chain_by_holders(m, &g.d, g.cls, d.chain);
        if (s->facts && !(s->facts_agree && !s->facts_from_core)) {
            d.certain = 0;
            snprintf(d.note, sizeof d.note, "%s", s->facts_from_core
                     ? "possible: every thread is blocked in this core file (one sample); none can wake another if that held"
                     : "possible: every thread is blocked in one sample; certain needs two samples that agree");
        } else snprintf(d.note, sizeof d.note, "every task is blocked; none can wake another");
        if (twc__deadlock_add(out, nout, &cap, &d)) { free(d.chain); goto done; }
    }
    if (!s->facts) {
        if (prove) twc__prove_deadlocks(s, m, &g, *out, nout);
        /* possible only, so nothing to prove; after the proof, which re-reads task members as
         * waiting, and a blocked poll's task is polling */
        if (twc__poll_deadlocks(s, m, &g, out, nout, &cap)) goto done;
    }
    sort_dls(*out, *nout, m);
    rc = 0;
done:
    free(T.index); free(T.low); free(T.stack); free(T.cs_node); free(T.cs_next); free(T.on); free(T.comp);
    free(T.wak); free(a.start); free(a.to); free(csize); free(cmin); free(cself);
    twc__wgraph_free(&g);
    if (rc) { twc__deadlocks_free(*out, *nout); *out = NULL; *nout = 0; }
    return rc;
}

int twc__find_deadlocks(struct twc_session *s, const struct model *m, struct deadlock **out, size_t *nout)
{
    return find_deadlocks(s, m, out, nout, 1);
}

int twc__deadlock_candidates(struct twc_session *s, const struct model *m, size_t *n)
{
    struct deadlock *d = NULL;
    int rc = find_deadlocks(s, m, &d, n, 0);
    twc__deadlocks_free(d, *n);
    return rc;
}

void twc__deadlocks_free(struct deadlock *d, size_t n)
{
    for (size_t i = 0; i < n; i++) free(d[i].chain);
    free(d);
}
