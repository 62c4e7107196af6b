/* graph.c — the wait-for graph: who can wake a waiting task (DESIGN.md "Analysis", waker
 * table), and which blocked tasks can never progress (the fixpoint behind certain deadlocks).
 *
 * A task is "blocked" when it waits untimed on something; it can progress when it is not
 * blocked or when one of its possible wakers can. Unknown-waker waits (signal, park, none, a
 * select with no branch recorded) are woken by any live task not itself blocked; a select's
 * recorded branches (select.c) are each a receive or a send. Timers, I/O and timed waits are
 * always exits. Computed by a reverse breadth-first search from the tasks that can run:
 * linear in tasks + edges. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

const char *twc__state_name(unsigned st)
{
    static const char *n[] = { "free", "ready", "polling", "waiting", "done" };
    return st < ARRAY_LEN(n) ? n[st] : "unknown";
}

const char *twc__wait_kind_name(unsigned k)
{
    static const char *n[] = { "none", "acquire", "recv", "send", "join", "signal", "park", "timer", "io", "select" };
    return k < ARRAY_LEN(n) ? n[k] : "unknown";
}

const char *twc__res_kind_name(unsigned k)
{
    static const char *n[] = { "unknown", "mutex", "rwlock", "semaphore", "channel", "oneshot", "notify",
                               "condvar", "barrier", "pipe", "timer", "other", "future" };
    return k < ARRAY_LEN(n) ? n[k] : "unknown";
}

const char *twc__class_name(unsigned c)
{
    return c == TW_CLASS_REUSABLE ? "reusable" : c == TW_CLASS_CONSUMABLE ? "consumable" : "unknown";
}

const char *twc__dir_name(unsigned d) { return d == TW_DIR_SEND ? "send" : d == TW_DIR_RECV ? "recv" : "acquire"; }

const char *twc__role_name(unsigned r)
{
    static const char *n[] = { "none", "hold", "sender", "receiver", "intent_cond", "intent_uncond", "hold_shared" };
    return r < ARRAY_LEN(n) ? n[r] : "unknown";
}

static int res_index(const struct model *m, uint64_t id)
{
    long r = twc__idmap_get(&m->rmap, id);
    return (r >= 0 && !m->res[r].hidden) ? (int)r : -1;
}

static int has_holder(const struct derived *d, int r)
{
    for (uint32_t k = d->hold_start[r]; k < d->hold_start[r + 1]; k++)
        if (d->hold[k].role == TW_EDGE_HOLD || d->hold[k].role == TW_EDGE_HOLD_SHARED) return 1;
    return 0;
}

/* A channel wait (a receive or send of kind on resource index r) that can complete now. */
static int channel_ready(const struct mres *x, unsigned kind)
{
    if (x->closed) return 1;
    if (kind == TW_WAIT_RECV) return x->queued > 0;
    if (kind == TW_WAIT_SEND) return x->capacity < 0 || x->queued < x->capacity;
    return 0;
}

/* A select: blocked only when no branch can complete now; its wakers are the branches'. */
static uint8_t classify_select(const struct model *m, const struct mtask *t, uint8_t *exit)
{
    uint64_t res[TW_MAX_EDGES]; uint8_t kind[TW_MAX_EDGES];
    size_t n = twc__select_branches(t, res, kind);
    if (!n) return WK_UNKNOWN;
    for (size_t b = 0; b < n; b++) {
        int r = res_index(m, res[b]);
        if (r < 0) return WK_UNKNOWN;
        if (m->res[r].wakes_pending > 0) { *exit = EXIT_WAKE_IN_FLIGHT; return WK_PROGRESS; }
        if (channel_ready(&m->res[r], kind[b])) { *exit = EXIT_READY_RESOURCE; return WK_PROGRESS; }
    }
    return WK_KNOWN;
}

/* WK_PROGRESS: not blocked (or its wait ends by itself; *exit says why); WK_KNOWN: waker set
 * from edges; WK_UNKNOWN: any unblocked live task may wake it.
 * "Not blocked" includes every wait whose wake is already on its way (DESIGN.md "Certain means
 * proven", proof 2): a signal or post counted on the resource and not yet taken by a waiter, a
 * lock nobody holds (its release was the wake), a joined task that is done, a channel that
 * has a message or room. */
static uint8_t classify(const struct model *m, const struct derived *d, const struct mtask *t, uint8_t *exit)
{
    if (!twc__task_live(t)) return WK_NONE;
    if (t->torn || t->state != TW_TASK_WAITING) return WK_PROGRESS;
    if (t->flags & TW_TF_TIMED) { *exit = EXIT_TIMED; return WK_PROGRESS; }
    switch (t->wait_kind) {
    case TW_WAIT_TIMER: case TW_WAIT_IO: *exit = EXIT_OUTSIDE; return WK_PROGRESS;
    case TW_WAIT_JOIN: {
        const struct mtask *j = twc__model_task(m, t->waiting_on);
        if (!j || j->hidden || j->state == TW_TASK_DONE) { *exit = EXIT_DONE_TARGET; return WK_PROGRESS; }
        return WK_KNOWN;
    }
    case TW_WAIT_SELECT: return classify_select(m, t, exit);
    default: break;
    }
    int r = res_index(m, t->waiting_on);
    if (r >= 0 && m->res[r].wakes_pending > 0) { *exit = EXIT_WAKE_IN_FLIGHT; return WK_PROGRESS; }
    switch (t->wait_kind) {
    case TW_WAIT_ACQUIRE: case TW_WAIT_RECV: case TW_WAIT_SEND: {
        if (r < 0) return WK_UNKNOWN;
        const struct mres *x = &m->res[r];
        *exit = EXIT_READY_RESOURCE;
        if (channel_ready(x, t->wait_kind)) return WK_PROGRESS;
        if (t->wait_kind == TW_WAIT_ACQUIRE && x->kind == TW_RES_SEMAPHORE && x->available > 0) return WK_PROGRESS;
        if (t->wait_kind == TW_WAIT_ACQUIRE && !m->from_facts && (x->kind == TW_RES_MUTEX || x->kind == TW_RES_RWLOCK) &&
            !has_holder(d, r)) {
            *exit = EXIT_WAKE_IN_FLIGHT;   /* released, and the waiter has not taken it yet */
            return WK_PROGRESS;
        }
        *exit = EXIT_NONE;
        return WK_KNOWN;
    }
    case TW_WAIT_PARK: case TW_WAIT_NONE:
        /* a hand-written wait is woken by whoever holds one of its wakers: with none alive nobody
         * can (an empty known set); with one alive, it may be held outside any task (a reactor,
         * a thread), so only an unknown-waker rule would be safe, and that is an exit */
        if (t->wakers_alive <= 0) return WK_KNOWN;
        *exit = EXIT_OUTSIDE;
        return WK_PROGRESS;
    default: return WK_UNKNOWN;
    }
}

static int edge_wakes(unsigned wait_kind, const struct rel *e)
{
    switch (wait_kind) {
    case TW_WAIT_ACQUIRE: return e->role == TW_EDGE_HOLD || e->role == TW_EDGE_HOLD_SHARED;
    case TW_WAIT_RECV: return e->role == TW_EDGE_SENDER || (e->role == TW_EDGE_INTENT_UNCOND && e->dir == TW_DIR_SEND);
    case TW_WAIT_SEND: return e->role == TW_EDGE_RECEIVER || (e->role == TW_EDGE_INTENT_UNCOND && e->dir == TW_DIR_RECV);
    default: return 0;
    }
}

size_t twc__wgraph_wakers(const struct wgraph *g, uint32_t i, void (*fn)(void *, uint32_t), void *arg)
{
    const struct model *m = g->m;
    const struct mtask *t = &m->tasks[i];
    size_t n = 0;
    if (g->cls[i] != WK_KNOWN) return 0;
    if (t->wait_kind == TW_WAIT_JOIN) {
        long j = twc__idmap_get(&m->tmap, t->waiting_on);
        if (j >= 0) { if (fn) fn(arg, (uint32_t)j); n++; }
        return n;
    }
    uint64_t res[TW_MAX_EDGES]; uint8_t kind[TW_MAX_EDGES];
    size_t nb = twc__select_branches(t, res, kind);   /* a select: every branch's wakers */
    if (!nb) { res[0] = t->waiting_on; kind[0] = t->wait_kind; nb = 1; }
    for (size_t b = 0; b < nb; b++) {
        int r = res_index(m, res[b]);
        if (r < 0) continue;
        for (uint32_t k = g->d.hold_start[r]; k < g->d.hold_start[r + 1]; k++) {
            const struct rel *e = &g->d.hold[k];
            if (!edge_wakes(kind[b], e)) continue;
            if (!twc__task_live(&m->tasks[e->task]) && e->task != i) continue; /* the done never wake anyone */
            if (e->task == i && kind[b] != TW_WAIT_ACQUIRE) continue; /* own sender cannot fill while blocked... */
            if (fn) fn(arg, e->task);
            n++;
        }
    }
    return n;
}

struct bfs { uint32_t *q; size_t qn; uint8_t *prog; const struct wgraph *g; };

static void push(struct bfs *b, uint32_t i)
{
    if (b->prog[i]) return;
    b->prog[i] = 1;
    b->q[b->qn++] = i;
}

int twc__wgraph_build(struct wgraph *g, const struct model *m)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    if (twc__derive(m, &g->d)) return -1;
    size_t nt = m->ntasks;
    g->cls = calloc(nt + 1, 1);
    g->stuck = calloc(nt + 1, 1);
    g->exit = calloc(nt + 1, 1);
    struct bfs b = { calloc(nt + 1, sizeof(uint32_t)), 0, calloc(nt + 1, 1), g };
    if (!g->cls || !g->stuck || !g->exit || !b.q || !b.prog) { free(b.q); free(b.prog); twc__wgraph_free(g); return -1; }
    for (size_t i = 0; i < nt; i++) {
        g->cls[i] = classify(m, &g->d, &m->tasks[i], &g->exit[i]);
        if (g->cls[i] == WK_PROGRESS) { g->nunblocked++; push(&b, (uint32_t)i); }
    }
    if (g->nunblocked)
        for (size_t i = 0; i < nt; i++) if (g->cls[i] == WK_UNKNOWN) push(&b, (uint32_t)i);
    /* reverse search: whoever w can wake can progress too */
    for (size_t h = 0; h < b.qn; h++) {
        uint32_t w = b.q[h];
        const struct mtask *t = &m->tasks[w];
        for (uint32_t k = g->d.join_start[w]; k < g->d.join_start[w + 1]; k++)
            if (g->cls[g->d.join[k]] == WK_KNOWN) push(&b, g->d.join[k]);
        for (int e = 0; e < TW_MAX_EDGES; e++) {
            if (!t->edges[e].res) continue;
            int r = res_index(m, t->edges[e].res);
            if (r < 0) continue;
            struct rel rl = { w, t->edges[e].role, t->edges[e].dir, t->edges[e].count };
            for (uint32_t k = g->d.wait_start[r]; k < g->d.wait_start[r + 1]; k++) {
                uint32_t x = g->d.wait[k];
                if (g->cls[x] == WK_KNOWN && edge_wakes(twc__wait_kind_on(&m->tasks[x], m->res[r].id), &rl) && x != w) push(&b, x);
            }
        }
    }
    for (size_t i = 0; i < nt; i++)
        g->stuck[i] = (g->cls[i] == WK_KNOWN || g->cls[i] == WK_UNKNOWN) && !b.prog[i];
    free(b.q); free(b.prog);
    return 0;
}

void twc__wgraph_free(struct wgraph *g)
{
    twc__derived_free(&g->d);
    free(g->cls); free(g->stuck); free(g->exit);
    memset(g, 0, sizeof *g);
}
