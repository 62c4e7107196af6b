/* validate.c — `validate` (issue 3 item 5): the header and bounds (checked at open), every
 * reference in task records, derived lists against task records, event versions against
 * records, and the round trip: undo every retained event, replay it forward, compare with the
 * model. Strict on a quiescent snapshot; on a live target, events still in flight on one
 * entity (its record's version ahead of its newest event) are allowed and counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct vio { struct sbuf *b; size_t n; int json; };

static void vio(struct vio *v, const char *fmt, const char *what, unsigned long long a, unsigned long long b)
{
    if (v->n++ >= 200) return;
    char line[300];
    snprintf(line, sizeof line, fmt, what, a, b);
    if (v->json) { if (v->n > 1) twc__sb_puts(v->b, ","); twc__sb_json_str(v->b, line); }
    else twc__sb_printf(v->b, "%s\n", line);
}

/* What a record's version says against its newest event's (newest, at index newest_at). */
struct newest { struct vio *v; int live; size_t horizon; uint64_t lost, *gaps; size_t *in_flight; };
static void record_vs_newest(struct newest *n, const char *what, uint64_t id, uint32_t version, uint32_t newest,
                             size_t newest_at, char *ahead)
{
    if (!newest || newest == version)
        return;
    if (n->live) /* the record may be read before or after its newest events */
        *n->in_flight += version > newest ? version - newest : newest - version;
    else if (version > newest && (newest_at < n->horizon || *n->gaps + (version - newest) <= n->lost)) {
        *n->gaps += newest_at < n->horizon ? 0 : version - newest;
        *ahead = 1;
    } else
        vio(n->v, "%s %llu: record version %llu but its newest event says otherwise", what, id, version);
}

static int same_edges(const struct mtask *a, const struct mtask *b)
{
    for (int i = 0; i < TW_MAX_EDGES; i++) {
        if (!a->edges[i].res) continue;
        int found = 0;
        for (int j = 0; j < TW_MAX_EDGES && !found; j++)
            found = b->edges[j].res == a->edges[i].res && b->edges[j].role == a->edges[i].role && b->edges[j].count == a->edges[i].count;
        if (!found) return 0;
    }
    int na = 0, nb = 0;
    for (int i = 0; i < TW_MAX_EDGES; i++) { na += !!a->edges[i].res; nb += !!b->edges[i].res; }
    return na == nb;
}

static int validate(struct twc_session *s, const struct cmdopts *o, struct sbuf *b)
{
    char err[256] = "";
    struct vio v = { b, 0, o->json };
    size_t in_flight = 0;
    int live = 0; /* read only once loaded; `done` reads it on every path */
    if (o->json) twc__sb_puts(b, "{\"as_of\":null,\"violations\":[");
    int st = s->facts ? 0 : twc__load_model(s, err, sizeof err);
    if (!st && !s->facts) st = twc__load_events(s, err, sizeof err);
    if (st) { vio(&v, "%s", err, 0, 0); goto done; }
    const struct model *m = &s->now;
    /* a snapshot written by `tw snapshot` from a running process is judged like the process */
    live = (s->flags & TWC_LIVE) || (s->hdr.snapshot_flags & TW_SNAP_LIVE);
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->torn) { if (!live) vio(&v, "%s %llu: record torn (seq %llu is odd or moved)", "task", t->id, t->seq); else in_flight++; continue; }
        if (twc__idmap_get(&m->tmap, t->id) != (long)i) vio(&v, "%s %llu: duplicate id (also at slot %llu)", "task", t->id, t->slot);
        if (t->state == TW_TASK_FREE || t->state > TW_TASK_DONE) vio(&v, "%s %llu: bad state %llu", "task", t->id, t->state);
        if (t->wait_kind > TW_WAIT_SELECT) vio(&v, "%s %llu: bad wait kind %llu", "task", t->id, t->wait_kind);
        if (t->state == TW_TASK_WAITING && t->waiting_on && t->wait_kind != TW_WAIT_NONE) {
            int ok = t->wait_kind == TW_WAIT_JOIN ? twc__model_task(m, t->waiting_on) != NULL : twc__model_res(m, t->waiting_on) != NULL;
            if (!ok && t->wait_kind != TW_WAIT_TIMER && t->wait_kind != TW_WAIT_IO)
                vio(&v, "%s %llu waits on unknown id %llu", "task", t->id, t->waiting_on);
        }
        if (t->await_site && !twc__site_at(s, t->await_site)) vio(&v, "%s %llu: await site %llu out of range", "task", t->id, t->await_site);
        if (t->name && !s->facts && t->name >= s->arena_len) vio(&v, "%s %llu: name offset %llu outside the arena", "task", t->id, t->name);
        for (int e = 0; e < TW_MAX_EDGES; e++) {
            if (!t->edges[e].res) continue;
            if (!twc__model_res(m, t->edges[e].res)) vio(&v, "%s %llu: edge to unknown resource %llu", "task", t->id, t->edges[e].res);
            if (t->edges[e].role == TW_EDGE_NONE || t->edges[e].role > TW_EDGE_HOLD_SHARED) vio(&v, "%s %llu: bad edge role %llu", "task", t->id, t->edges[e].role);
        }
    }
    /* derived lists: held units of a lock-like resource match its available count */
    struct derived d;
    if (!twc__derive(m, &d)) {
        for (size_t r = 0; r < m->nres; r++) {
            const struct mres *x = &m->res[r];
            if (x->torn) { if (!live) vio(&v, "%s %llu: record torn (seq %llu)", "resource", x->id, x->seq); else in_flight++; continue; }
            if (x->kind < TW_RES_MUTEX || x->kind > TW_RES_FUTURE) vio(&v, "%s %llu: bad kind %llu", "resource", x->id, x->kind);
            if (x->class_ == TW_CLASS_REUSABLE && x->capacity > 0 && !s->facts) {
                long long held = 0;
                for (uint32_t k = d.hold_start[r]; k < d.hold_start[r + 1]; k++)
                    if (d.hold[k].role == TW_EDGE_HOLD || d.hold[k].role == TW_EDGE_HOLD_SHARED) held += d.hold[k].count;
                if (held + x->available != x->capacity && !live)
                    vio(&v, "%s %llu: held units + available != capacity (%llu held)", "resource", x->id, (unsigned long long)held);
            }
            if (x->class_ == TW_CLASS_CONSUMABLE && (x->queued < 0 || (x->capacity >= 0 && x->queued > x->capacity)) && !live)
                vio(&v, "%s %llu: queue length %llu out of range", "resource", x->id, (unsigned long long)x->queued);
        }
        twc__derived_free(&d);
    }
    if (s->facts) goto done;
    /* versions: the newest retained event of each entity carries its record's version */
    for (size_t i = s->nevents; i-- > 0;) {
        const struct tw_event *e = &s->events[i].ev;
        if (e->flags & TW_EVF_RES_VERSION) {
            if (!twc__model_res(m, e->res) && !twc__res_recycled(m, e->res))
                vio(&v, "%s #%llu names unknown resource %llu", "event", (unsigned long long)twc__event_seq(s, i), e->res);
        } else if (e->task && !twc__model_task(m, e->task) && !twc__task_recycled(m, e->task) && e->type != TW_EV_INSTR_ERROR) {
            vio(&v, "%s #%llu names unknown task %llu", "event", (unsigned long long)twc__event_seq(s, i), e->task);
        }
    }
    /* records ahead of their newest event because their latest events were lost or overwritten
     * in another ring: undo then replay cannot reproduce them, so the round trip skips them */
    char *ahead_t = calloc(m->ntasks + 1, 1), *ahead_r = calloc(m->nres + 1, 1);
    if (!ahead_t || !ahead_r) { free(ahead_t); free(ahead_r); vio(&v, "%s", "out of memory", 0, 0); goto done; }
    {
        /* Events counted as lost (a thread without a ring) leave version gaps and records ahead
         * of their newest event; strictly, the gaps may add up to that count and no more. */
        uint64_t lost = s->ring_dropped + (s->hdr.header_size >= sizeof(struct tw_header) ? s->hdr.events_lost : 0), gaps = 0;
        uint32_t *tv = calloc(m->ntasks + 1, sizeof(uint32_t)), *rv = calloc(m->nres + 1, sizeof(uint32_t));
        size_t *tvi = calloc(m->ntasks + 1, sizeof(size_t)), *rvi = calloc(m->nres + 1, sizeof(size_t));
        if (tv && rv && tvi && rvi) {
            for (size_t i = 0; i < s->nevents; i++) {
                const struct tw_event *e = &s->events[i].ev;
                if (e->version == 0) continue;   /* no-change events carry no version */
                long k = (e->flags & TW_EVF_RES_VERSION) ? twc__idmap_get(&m->rmap, e->res) : twc__idmap_get(&m->tmap, e->task);
                if (k < 0) continue;
                uint32_t *slot = (e->flags & TW_EVF_RES_VERSION) ? &rv[k] : &tv[k];
                size_t *prev = (e->flags & TW_EVF_RES_VERSION) ? &rvi[k] : &tvi[k];
                /* Up to the horizon, a ring that wrapped further back lost its share of an
                 * entity's events to overwriting: gaps there are history, not corruption. */
                if (i < s->horizon || (*slot && *prev < s->horizon)) {
                    *slot = e->version;
                    *prev = i;
                    continue;
                }
                /* Live, rings are copied one after another while threads write: an entity's
                 * event can be in a ring copied late while its predecessor landed in a ring
                 * already copied. That gap is in flight, not corruption. */
                if (*slot && e->version > *slot + 1 && live)
                    in_flight += e->version - *slot - 1;
                else if (*slot && e->version > *slot + 1 && gaps + (e->version - *slot - 1) <= lost)
                    gaps += e->version - *slot - 1;
                else if (*slot && e->version != *slot + 1)
                    vio(&v, "%s #%llu: version %llu does not follow the entity's previous event", "event", (unsigned long long)twc__event_seq(s, i), e->version);
                *slot = e->version;
                *prev = i;
            }
            /* A record ahead of its newest event: in flight (live), lost events, or that newest
             * event lies before the horizon (its successors were overwritten in another ring). */
            struct newest nw = {&v, live, s->horizon, lost, &gaps, &in_flight};
            for (size_t i = 0; i < m->ntasks; i++)
                if (!m->tasks[i].torn)
                    record_vs_newest(&nw, "task", m->tasks[i].id, m->tasks[i].version, tv[i], tvi[i], &ahead_t[i]);
            for (size_t i = 0; i < m->nres; i++)
                if (!m->res[i].torn)
                    record_vs_newest(&nw, "resource", m->res[i].id, m->res[i].version, rv[i], rvi[i], &ahead_r[i]);
        }
        free(tv); free(rv); free(tvi); free(rvi);
    }
    /* round trip: undo every retained event newest first, then redo oldest first */
    struct model w;
    if (twc__model_copy(&w, m)) { free(ahead_t); free(ahead_r); vio(&v, "%s", "out of memory for the round trip", 0, 0); goto done; }
    size_t bad_undo = 0, bad_redo = 0;
    for (size_t i = s->nevents; i > s->horizon; i--) if (twc__undo_event(&w, &s->events[i - 1])) bad_undo++;
    for (size_t i = s->horizon; i < s->nevents; i++) if (twc__redo_event(&w, &s->events[i])) bad_redo++;
    if (bad_undo && !live) vio(&v, "%s: %llu events could not be undone consistently (%llu on replay)", "history", bad_undo, bad_redo);
    else if (bad_redo && !live) vio(&v, "%s: %llu events could not be replayed consistently (%llu)", "history", bad_redo, bad_redo);
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct mtask *a = &m->tasks[i], *c = &w.tasks[i];
        if (a->torn || ahead_t[i]) continue;
        int diff = a->state != c->state || a->paused != c->paused || a->wait_kind != c->wait_kind ||
                   (a->wait_kind && a->waiting_on != c->waiting_on) || a->polls != c->polls || a->name != c->name ||
                   a->wakers_alive != c->wakers_alive || a->version != c->version || !same_edges(a, c) || c->hidden;
        if (diff) {
            if (live) in_flight++;
            else vio(&v, "%s %llu: undo then replay does not reproduce the record (state %llu)", "task", a->id, c->state);
        }
    }
    for (size_t i = 0; i < m->nres; i++) {
        const struct mres *a = &m->res[i], *c = &w.res[i];
        if (a->torn || ahead_r[i]) continue;
        if (a->available != c->available || a->queued != c->queued || a->closed != c->closed || c->hidden) {
            if (live) in_flight++;
            else vio(&v, "%s %llu: undo then replay does not reproduce the record (queued %llu)", "resource", a->id, (unsigned long long)c->queued);
        }
    }
    twc__model_free(&w);
    free(ahead_t); free(ahead_r);
    if (s->hist_errors && !live) vio(&v, "%s: %llu unreadable events or rings skipped", "history", s->hist_errors, 0);
done:
    if (o->json) {
        twc__sb_printf(b, "],\"valid\":%s,\"violations_total\":%zu,\"in_flight\":%zu,\"events_checked\":%zu}\n", v.n ? "false" : "true", v.n,
                  in_flight, s->nevents);
    } else if (!v.n) {
        twc__sb_printf(b, "valid (%zu tasks, %zu resources, %zu events replayed", s->now.ntasks, s->now.nres, s->nevents);
        if (live) twc__sb_printf(b, "; live target: %zu in-flight updates allowed", in_flight);
        twc__sb_puts(b, ")\n");
    }
    return v.n ? TWC_ECORRUPT : 0;
}

/* Validation judges the region alone: the thread facts a frontend lent (kernel_waits.c) rewrite
 * tasks of the present model (a thread asleep in a call no adapter wraps is waiting), which no
 * replay of the region's history reproduces. */
int twc__cmd_validate(struct twc_session *s, const struct cmdopts *o, struct sbuf *b)
{
    struct kernel_waits *lent = s->kernel_waits;
    if (lent) {
        twc__drop_present_model(s);
        s->kernel_waits = NULL;
    }
    int st = validate(s, o, b);
    if (lent) {
        twc__drop_present_model(s);
        s->kernel_waits = lent;
    }
    return st;
}
