/* poll_deadlocks.c — a cycle that leaves the region through a poll blocked on a thread's lock.
 *
 * Task A holds runtime mutex M and blocks its worker thread in pthread_mutex_lock(&cfg); task B
 * locked cfg in an earlier poll and now awaits M. With the pthread adapter loaded the region
 * itself holds the whole cycle (the adapter records cfg as held by B, the task whose poll took
 * it, and A as waiting for it), and graph.c finds it like any other. Without the adapter glibc
 * names only cfg's owner *thread*: the region shows A polling, and which task took cfg on that
 * thread is not recorded anywhere. Here such a chain is reported as it is known — A → cfg → the
 * owner thread (and the task it runs now) — and as possible only, never certain: the task that
 * would close the cycle is a guess. It is reported when the guess has a candidate: a blocked task
 * that last ran on the owner thread and waits, through holders the region knows, for A. A lock
 * owned by a plain thread nothing ran a task on (blocking-in-poll's reloader) is a blocking poll,
 * not a possible deadlock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct reach { const struct wgraph *g; uint32_t *q; size_t qn; uint8_t *seen; };

static void reach_push(void *arg, uint32_t w)
{
    struct reach *r = arg;
    if (r->seen[w]) return;
    r->seen[w] = 1;
    r->q[r->qn++] = w;
}

/* Does blocked task q wait, through the wakers the region knows, for task a? */
static int waits_for(const struct wgraph *g, uint32_t q, uint32_t a, struct reach *r)
{
    memset(r->seen, 0, g->m->ntasks + 1);
    r->qn = 0;
    reach_push(r, q);
    for (size_t h = 0; h < r->qn; h++) {
        uint32_t v = r->q[h];
        if (v == a) return 1;
        if (g->cls[v] == WK_KNOWN) twc__wgraph_wakers(g, v, reach_push, r);
    }
    return 0;
}

/* The blocked task that may have taken the lock of a's blocked poll: it last ran on the owner
 * thread and waits for a. UINT32_MAX when none. */
static uint32_t candidate(const struct wgraph *g, uint32_t a, const struct blocked_poll *bp, struct reach *r)
{
    const struct model *m = g->m;
    for (uint32_t q = 0; q < m->ntasks; q++) {
        const struct mtask *t = &m->tasks[q];
        if (q == a || t->hidden || (t->flags & TW_TF_ROOT) || g->cls[q] != WK_KNOWN) continue;
        if (t->os_tid != bp->owner_tid) continue;
        if (waits_for(g, q, a, r)) return q;
    }
    return UINT32_MAX;
}

static void label(struct twc_session *s, const struct mtask *t, struct sbuf *b)
{
    twc__sb_printf(b, "%s (%llu)", twc__task_name(s, t), (unsigned long long)t->id);
}

/* "pthread_mutex_lock(&cfg)" */
static void call_text(const struct blocked_poll *bp, struct sbuf *b)
{
    twc__sb_printf(b, "%s(", twc__blocked_poll_call(bp));
    if (bp->object_name) twc__sb_printf(b, "&%s", bp->object_name);
    else twc__sb_printf(b, "0x%llx", (unsigned long long)bp->object);
    twc__sb_puts(b, ")");
}

/* "held by thread 4712 (twrt-worker-1), running task 1" / "held by thread 4712, running no task" */
static void owner_text(const struct blocked_poll *bp, struct sbuf *b)
{
    twc__sb_printf(b, "held by thread %llu", (unsigned long long)bp->owner_tid);
    if (bp->owner_name) twc__sb_printf(b, " (%s)", bp->owner_name);
    if (bp->owner_task && !bp->owner_task_holds) twc__sb_printf(b, ", running task %llu", (unsigned long long)bp->owner_task);
    else twc__sb_puts(b, ", running no task");
}

int twc__poll_deadlocks(struct twc_session *s, const struct model *m, const struct wgraph *g, struct deadlock **out,
                        size_t *n, size_t *cap)
{
    struct reach r = { g, malloc((m->ntasks + 1) * sizeof(uint32_t)), 0, malloc(m->ntasks + 1) };
    int rc = 0;
    if (!r.q || !r.seen) { rc = -1; goto done; }
    for (uint32_t a = 0; a < m->ntasks; a++) {
        const struct mtask *t = &m->tasks[a];
        const struct blocked_poll *bp = t->state == TW_TASK_POLLING && !t->torn && !t->hidden ? twc__blocked_poll(s, t) : NULL;
        /* a lock whose owner is a thread, and no task the region shows holding it */
        if (!bp || !bp->object || !bp->owner_tid || bp->owner_task_holds || bp->timed) continue;
        uint32_t q = candidate(g, a, bp, &r);
        if (q == UINT32_MAX) continue;
        struct deadlock d = { 0 };
        d.chain = malloc(3 * sizeof *d.chain);
        if (!d.chain) { rc = -1; goto done; }
        d.chain[d.n++] = (struct dl_entry){ 1, a, DL_POLL_TASK, a };
        d.chain[d.n++] = (struct dl_entry){ 0, UINT32_MAX, DL_POLL_OBJECT, a };
        d.chain[d.n++] = (struct dl_entry){ 0, UINT32_MAX, DL_POLL_OWNER, a };
        char obj[32];
        const char *on = bp->object_name;
        if (!on) { snprintf(obj, sizeof obj, "0x%llx", (unsigned long long)bp->object); on = obj; }
        struct sbuf w; twc__sb_init(&w);
        twc__sb_printf(&w, "possible: %s is ", on);
        owner_text(bp, &w);
        twc__sb_printf(&w, "; which task took %s is unknown without the pthread adapter; ", on);
        label(s, &m->tasks[q], &w);
        twc__sb_puts(&w, " waits for ");
        label(s, t, &w);
        twc__sb_puts(&w, " and last ran on that thread");
        snprintf(d.note, sizeof d.note, "%s", w.p ? w.p : "possible");
        twc__sb_free(&w);
        if (twc__deadlock_add(out, n, cap, &d)) { free(d.chain); rc = -1; goto done; }
    }
done:
    free(r.q); free(r.seen);
    return rc;
}

void twc__json_poll_entry(struct twc_session *s, const struct model *m, struct sbuf *b, const struct dl_entry *e)
{
    const struct blocked_poll *bp = twc__blocked_poll(s, &m->tasks[e->poll_task]);
    if (!bp) { twc__sb_puts(b, "null"); return; }
    if (e->via_poll == DL_POLL_TASK) {
        /* as the region would show it had an adapter recorded the call: awaiting at it */
        const struct mtask *t = &m->tasks[e->poll_task];
        twc__sb_printf(b, "{\"task\":%llu,\"name\":", (unsigned long long)t->id);
        twc__sb_json_str(b, twc__task_name(s, t));
        twc__sb_puts(b, ",\"await\":{\"file\":");
        if (bp->file) twc__sb_json_str(b, bp->file); else twc__sb_puts(b, "null");
        struct sbuf x; twc__sb_init(&x);
        call_text(bp, &x);
        twc__sb_printf(b, ",\"line\":%d,\"expr\":", bp->line > 0 ? bp->line : 0);
        twc__sb_json_str(b, x.p ? x.p : "");
        twc__sb_free(&x);
        if (bp->func) { twc__sb_puts(b, ",\"func\":"); twc__sb_json_str(b, bp->func); }
        twc__sb_printf(b, "},\"wait_kind\":\"%s\"}", twc__block_res_kind(bp->block) == TW_RES_MUTEX ||
                       twc__block_res_kind(bp->block) == TW_RES_RWLOCK ? "acquire" : "signal");
        return;
    }
    if (e->via_poll == DL_POLL_OBJECT) {
        twc__sb_printf(b, "{\"resource\":%llu,\"name\":", (unsigned long long)bp->object);
        if (bp->object_name) twc__sb_json_str(b, bp->object_name); else twc__sb_puts(b, "null");
        twc__sb_printf(b, ",\"kind\":\"%s\",\"holders\":[]}", twc__res_kind_name((unsigned)twc__block_res_kind(bp->block)));
        return;
    }
    twc__sb_printf(b, "{\"thread\":%llu,\"name\":", (unsigned long long)bp->owner_tid);
    if (bp->owner_name) twc__sb_json_str(b, bp->owner_name); else twc__sb_puts(b, "null");
    twc__sb_puts(b, ",\"running_task\":");
    if (bp->owner_task && !bp->owner_task_holds) twc__sb_printf(b, "%llu}", (unsigned long long)bp->owner_task);
    else twc__sb_puts(b, "null}");
}

void twc__text_poll_link(struct twc_session *s, const struct model *m, struct sbuf *b, uint32_t a)
{
    const struct mtask *t = &m->tasks[a];
    const struct blocked_poll *bp = twc__blocked_poll(s, t);
    twc__sb_printf(b, "  %s (%llu) is polling; its worker thread %u is ", twc__task_name(s, t), (unsigned long long)t->id, bp ? bp->tid : 0);
    if (!bp) { twc__sb_puts(b, "blocked\n"); return; }
    twc__sb_puts(b, "blocked in ");
    call_text(bp, b);
    if (bp->file && bp->line > 0) {
        const char *base = strrchr(bp->file, '/');
        twc__sb_printf(b, " at %s:%d", base ? base + 1 : bp->file, bp->line);
    }
    twc__sb_puts(b, "\n    -> ");
    if (bp->object_name) twc__sb_puts(b, bp->object_name);
    else twc__sb_printf(b, "0x%llx", (unsigned long long)bp->object);
    twc__sb_printf(b, " (%s) ", twc__res_kind_name((unsigned)twc__block_res_kind(bp->block)));
    owner_text(bp, b);
    twc__sb_puts(b, "\n");
}
