/* lockorder.c — lock-order inversions: the cycles of the program's lock-order graph.
 *
 * The graph is what the region's order table recorded (an edge A -> B: some task, holding A,
 * acquired B by a call that could wait forever; tries and timed locks make no edges), plus
 * what the present shows (a task blocked, untimed, on B while holding A). An inversion is any
 * elementary cycle of lock instances, 2 to LO_MAX_LOCKS long: every edge of it was taken, so
 * had the tasks run at the right moments, each would have held its lock and waited for the
 * next — a deadlock that did not happen (yet). Like lockdep, cycles are folded by lock CLASS:
 * the elements of one array (`ring[3]`, `shards[1].lock`: the name with its indexes dropped),
 * or address-named locks created at one site, are one class; cycles with the same sequence of
 * classes (up to rotation) are one finding that names one representative cycle and counts the
 * instance cycles it stands for. A hashed lock array taken in both orders with one global
 * lock is one finding with a count, not one per element.
 *
 * Bounds (house rule 8): at most 2^20 edges are read, the search visits at most
 * LO_SEARCH_STEPS edges in all, and cycles longer than LO_MAX_LOCKS are not looked for; when
 * the step budget runs out the counts are lower bounds and the finding says so. Nodes are
 * searched highest degree first, and a cycle is found only from its first node in that order,
 * so a hub (one global lock before and after a thousand elements) costs one pass, not one per
 * element. */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define LO_SEARCH_STEPS 2000000u
#define LO_MAX_FOUND 65536u   /* instance cycles kept for folding; more are only counted */

struct graph {
    size_t nn, ne;
    uint64_t *res;          /* node -> resource id */
    uint32_t *cls;          /* node -> class number */
    uint32_t *start;        /* CSR: edges of node u are adj[start[u] .. start[u+1]) */
    uint32_t *adj;          /* edge indexes, sorted by source */
    uint32_t *src, *dst;    /* edge -> nodes */
    const struct lo_edge *edges;
};

struct found { uint8_t n; uint32_t cls[LO_MAX_LOCKS]; uint32_t edge[LO_MAX_LOCKS]; };

struct search {
    const struct graph *g;
    uint8_t *on_path;
    uint32_t path[LO_MAX_LOCKS];
    uint64_t steps;
    int truncated;
    struct found *found; size_t nfound, capfound;
    uint64_t uncounted;     /* instance cycles beyond LO_MAX_FOUND */
    const uint8_t *skip;    /* per node: in a certain deadlock */
};

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = ((const struct lo_edge *)a)->held << 32 | ((const struct lo_edge *)a)->acquired;
    uint64_t y = ((const struct lo_edge *)b)->held << 32 | ((const struct lo_edge *)b)->acquired;
    return x < y ? -1 : x > y;
}

/* Table edges, then the present's blocked acquisitions; one edge per ordered pair (the table's
 * first, which knows both sites). */
static int gather_edges(struct twc_session *s, const struct model *m, struct lo_edge **out, size_t *n)
{
    struct tw_order_rec *recs; size_t nrec;
    int rc = twc__read_order_edges(s, &recs, &nrec);
    if (rc) return rc;
    size_t cap = nrec + 16, k = 0;
    struct lo_edge *e = malloc(cap * sizeof *e);
    if (!e) { free(recs); return -ENOMEM; }
    for (size_t i = 0; i < nrec; i++)
        e[k++] = (struct lo_edge){ TW_ORDER_HELD(recs[i].key), TW_ORDER_ACQUIRED(recs[i].key), recs[i].held_site,
                                   recs[i].acquired_site, recs[i].task, recs[i].flags, 0 };
    free(recs);
    for (size_t i = 0; i < m->ntasks && s->at_now; i++) {
        const struct mtask *t = &m->tasks[i];
        if (!twc__task_live(t) || t->torn || t->state != TW_TASK_WAITING || t->wait_kind != TW_WAIT_ACQUIRE || (t->flags & TW_TF_TIMED))
            continue;
        const struct mres *want = twc__model_res(m, t->waiting_on);
        if (!want || (want->kind != TW_RES_MUTEX && want->kind != TW_RES_RWLOCK)) continue;
        for (int j = 0; j < TW_MAX_EDGES; j++) {
            const struct medge *h = &t->edges[j];
            const struct mres *held = h->res ? twc__model_res(m, h->res) : NULL;
            if (!held || h->res == t->waiting_on || (held->kind != TW_RES_MUTEX && held->kind != TW_RES_RWLOCK) ||
                (h->role != TW_EDGE_HOLD && h->role != TW_EDGE_HOLD_SHARED))
                continue;
            if (k == cap) {
                struct lo_edge *p = realloc(e, (cap *= 2) * sizeof *e);
                if (!p) { free(e); return -ENOMEM; }
                e = p;
            }
            e[k++] = (struct lo_edge){ h->res, t->waiting_on, 0, t->await_site, (uint32_t)t->id,
                                       h->role == TW_EDGE_HOLD_SHARED ? TW_ORDER_HELD_SHARED : 0, 1 };
        }
    }
    /* one edge per pair: where the table and the present both have it, the table's (both sites) stays */
    qsort(e, k, sizeof *e, cmp_key);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u && e[u - 1].held == e[i].held && e[u - 1].acquired == e[i].acquired) {
            if (e[u - 1].waiting && !e[i].waiting) e[u - 1] = e[i];
            continue;
        }
        e[u++] = e[i];
    }
    *out = e; *n = u;
    return 0;
}

/* The class key of a lock: its name with every [index] emptied when it has one (an array
 * element), its creation site when it is named only by address, else the lock itself. */
static void class_key(struct twc_session *s, const struct model *m, uint64_t id, char *key, size_t n)
{
    const struct mres *r = twc__model_res(m, id);
    char tmp[64];
    const char *name = r ? twc__res_name(s, r, tmp, sizeof tmp) : "";
    if (strchr(name, '[')) {
        size_t k = 0;
        if (n) key[k++] = 'a';
        for (const char *p = name; *p && k + 3 < n; p++) {
            key[k++] = *p;
            if (*p == '[') { while (*p && *p != ']') p++; if (!*p) break; key[k++] = ']'; }
        }
        key[k] = 0;
    } else if (r && r->create_site && !strncmp(name, "0x", 2)) {
        snprintf(key, n, "s%u", r->create_site);
    } else {
        snprintf(key, n, "r%llu", (unsigned long long)id);
    }
}

struct keyed { char key[128]; uint32_t node; };
static int cmp_keyed(const void *a, const void *b) { return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key); }

/* highest degree first, then the lower resource id: deterministic, and hubs lead */
static int cmp_rank(const void *a, const void *b, void *ctx)
{
    const struct graph *g = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t dx = g->start[x], dy = g->start[y]; /* degree, before start[] is made prefix sums */
    if (dx != dy) return dx > dy ? -1 : 1;
    return g->res[x] < g->res[y] ? -1 : g->res[x] > g->res[y];
}

static void graph_free(struct graph *g)
{
    free(g->res); free(g->cls); free(g->start); free(g->adj); free(g->src); free(g->dst);
    memset(g, 0, sizeof *g);
}

static int graph_build(struct twc_session *s, const struct model *m, const struct lo_edge *e, size_t ne, struct graph *g)
{
    memset(g, 0, sizeof *g);
    g->edges = e; g->ne = ne;
    struct idmap ids; twc__idmap_init(&ids, ne * 2);
    uint64_t *res = malloc((ne * 2 + 1) * sizeof *res);
    uint32_t *deg = calloc(ne * 2 + 1, sizeof *deg);
    g->src = malloc((ne + 1) * sizeof *g->src); g->dst = malloc((ne + 1) * sizeof *g->dst);
    if (!res || !deg || !g->src || !g->dst || (ne && !ids.cap)) { free(res); free(deg); twc__idmap_free(&ids); graph_free(g); return -ENOMEM; }
    size_t nn = 0;
    for (size_t i = 0; i < ne; i++) {
        uint64_t end[2] = { e[i].held, e[i].acquired };
        for (int k = 0; k < 2; k++) {
            long x = twc__idmap_get(&ids, end[k]);
            if (x < 0) { x = (long)nn; res[nn++] = end[k]; twc__idmap_put(&ids, end[k], (uint32_t)x); }
            deg[x]++;
            (k ? g->dst : g->src)[i] = (uint32_t)x;
        }
    }
    /* renumber nodes by rank */
    uint32_t *by_rank = malloc((nn + 1) * sizeof *by_rank), *rank = malloc((nn + 1) * sizeof *rank);
    g->res = malloc((nn + 1) * sizeof *g->res); g->cls = malloc((nn + 1) * sizeof *g->cls);
    g->start = calloc(nn + 2, sizeof *g->start); g->adj = malloc((ne + 1) * sizeof *g->adj);
    struct keyed *keys = malloc((nn + 1) * sizeof *keys);
    if (!by_rank || !rank || !g->res || !g->cls || !g->start || !g->adj || !keys) {
        free(by_rank); free(rank); free(keys); free(res); free(deg); twc__idmap_free(&ids); graph_free(g); return -ENOMEM;
    }
    struct graph tmp = { .res = res, .start = deg };
    for (uint32_t i = 0; i < nn; i++) by_rank[i] = i;
    qsort_r(by_rank, nn, sizeof *by_rank, cmp_rank, &tmp);
    for (uint32_t r = 0; r < nn; r++) { rank[by_rank[r]] = r; g->res[r] = res[by_rank[r]]; }
    for (size_t i = 0; i < ne; i++) { g->src[i] = rank[g->src[i]]; g->dst[i] = rank[g->dst[i]]; }
    /* CSR by source */
    for (size_t i = 0; i < ne; i++) g->start[g->src[i] + 1]++;
    for (size_t u = 0; u < nn; u++) g->start[u + 1] += g->start[u];
    uint32_t *fill = calloc(nn + 1, sizeof *fill);
    if (!fill) { free(by_rank); free(rank); free(keys); free(res); free(deg); twc__idmap_free(&ids); graph_free(g); return -ENOMEM; }
    for (size_t i = 0; i < ne; i++) g->adj[g->start[g->src[i]] + fill[g->src[i]]++] = (uint32_t)i;
    /* classes: equal keys, equal numbers */
    for (uint32_t u = 0; u < nn; u++) { class_key(s, m, g->res[u], keys[u].key, sizeof keys[u].key); keys[u].node = u; }
    qsort(keys, nn, sizeof *keys, cmp_keyed);
    for (uint32_t i = 0, c = 0; i < nn; i++) {
        if (i && strcmp(keys[i].key, keys[i - 1].key)) c++;
        g->cls[keys[i].node] = c;
    }
    g->nn = nn;
    free(fill); free(by_rank); free(rank); free(keys); free(res); free(deg); twc__idmap_free(&ids);
    return 0;
}

static void keep_cycle(struct search *S, size_t len)
{
    const struct graph *g = S->g;
    int all_skipped = S->skip != NULL;
    for (size_t i = 0; i < len && all_skipped; i++) all_skipped = S->skip[g->src[S->path[i]]];
    if (all_skipped) return; /* the cycle is a certain deadlock now: reported as one */
    if (S->nfound == S->capfound) {
        if (S->capfound >= LO_MAX_FOUND) { S->uncounted++; return; }
        size_t c = S->capfound ? S->capfound * 2 : 64;
        struct found *p = realloc(S->found, c * sizeof *p);
        if (!p) { S->uncounted++; return; }
        S->found = p; S->capfound = c;
    }
    struct found *f = &S->found[S->nfound++];
    f->n = (uint8_t)len;
    /* the smallest rotation of the class sequence: the same cycle of classes, wherever found */
    size_t best = 0;
    for (size_t r = 1; r < len; r++) {
        for (size_t i = 0; i < len; i++) {
            uint32_t a = g->cls[g->src[S->path[(r + i) % len]]], b = g->cls[g->src[S->path[(best + i) % len]]];
            if (a != b) { if (a < b) best = r; break; }
        }
    }
    for (size_t i = 0; i < len; i++) {
        f->edge[i] = S->path[(best + i) % len];
        f->cls[i] = g->cls[g->src[f->edge[i]]];
    }
}

/* Elementary cycles through `root` whose other nodes rank after it. */
static void walk(struct search *S, uint32_t root, uint32_t u, size_t depth)
{
    const struct graph *g = S->g;
    for (uint32_t k = g->start[u]; k < g->start[u + 1]; k++) {
        if (++S->steps > LO_SEARCH_STEPS) { S->truncated = 1; return; }
        uint32_t e = g->adj[k], v = g->dst[e];
        S->path[depth] = e;
        if (v == root) { keep_cycle(S, depth + 1); continue; }
        if (v < root || S->on_path[v] || depth + 1 >= LO_MAX_LOCKS) continue;
        S->on_path[v] = 1;
        walk(S, root, v, depth + 1);
        S->on_path[v] = 0;
        if (S->truncated) return;
    }
}

static int cmp_found(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? -1 : 1;
    for (size_t i = 0; i < x->n; i++) if (x->cls[i] != y->cls[i]) return x->cls[i] < y->cls[i] ? -1 : 1;
    return 0;
}

/* Lowest resource ids first: the cycle a reader meets first (ring[0] ... ring[4]). */
static int before(const struct graph *g, const struct found *a, const struct found *b)
{
    uint64_t ma = UINT64_MAX, mb = UINT64_MAX;
    for (size_t i = 0; i < a->n; i++) if (g->res[g->src[a->edge[i]]] < ma) ma = g->res[g->src[a->edge[i]]];
    for (size_t i = 0; i < b->n; i++) if (g->res[g->src[b->edge[i]]] < mb) mb = g->res[g->src[b->edge[i]]];
    return ma < mb;
}

static void to_cycle(const struct graph *g, const struct found *f, struct lo_cycle *c)
{
    size_t first = 0;
    for (size_t i = 1; i < f->n; i++) if (g->res[g->src[f->edge[i]]] < g->res[g->src[f->edge[first]]]) first = i;
    c->n = f->n;
    for (size_t i = 0; i < f->n; i++) c->edge[i] = g->edges[f->edge[(first + i) % f->n]];
}

int twc__find_lock_cycles(struct twc_session *s, const struct model *m, const uint8_t *in_deadlock,
                     struct lo_cycle **out, size_t *n, int *truncated)
{
    *out = NULL; *n = 0; *truncated = 0;
    struct lo_edge *edges; size_t ne;
    int rc = gather_edges(s, m, &edges, &ne);
    if (rc) return rc;
    struct graph g;
    if ((rc = graph_build(s, m, edges, ne, &g))) { free(edges); return rc; }
    struct search S = { .g = &g, .on_path = calloc(g.nn + 1, 1) };
    uint8_t *skip = in_deadlock ? calloc(g.nn + 1, 1) : NULL;
    if (!S.on_path || (in_deadlock && !skip)) { free(S.on_path); free(skip); graph_free(&g); free(edges); return -ENOMEM; }
    for (uint32_t u = 0; skip && u < g.nn; u++) {
        const struct mres *r = twc__model_res(m, g.res[u]);
        skip[u] = r && in_deadlock[r - m->res];
    }
    S.skip = skip;
    for (uint32_t u = 0; u < g.nn && !S.truncated; u++) {
        S.on_path[u] = 1;
        walk(&S, u, u, 0);
        S.on_path[u] = 0;
    }
    if (S.nfound) qsort(S.found, S.nfound, sizeof *S.found, cmp_found); /* found is NULL when none */
    struct lo_cycle *c = calloc(S.nfound + 1, sizeof *c);
    size_t nc = 0;
    for (size_t i = 0; c && i < S.nfound;) {
        size_t j = i, rep = i;
        while (j < S.nfound && !cmp_found(&S.found[i], &S.found[j])) { if (before(&g, &S.found[j], &S.found[rep])) rep = j; j++; }
        to_cycle(&g, &S.found[rep], &c[nc]);
        c[nc++].instances = j - i;
        i = j;
    }
    *truncated = S.truncated || S.uncounted;
    free(S.found); free(S.on_path); free(skip); graph_free(&g); free(edges);
    if (!c) return -ENOMEM;
    *out = c; *n = nc;
    return 0;
}
