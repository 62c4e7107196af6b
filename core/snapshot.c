/* snapshot.c — twc_snapshot_take (twcore.h): the model the commands render, handed out as
 * plain C structs for views that lay it out themselves (the console's top, export and ps), so
 * they need not parse core's JSON. Every value comes from the same helpers the JSON renderer
 * uses (twc__task_name, twc__res_name, twc__derive, twc__find_deadlocks, twc__compute_alerts), so a snapshot and the
 * commands' output cannot disagree. Everything is copied into the snapshot's arena
 * (snapshot_mem.c): it outlives the session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dispatch.h"

struct take {
    struct twc_session *s;
    struct twc_snapshot_mem *mem;
    int oom;                 /* one failed allocation fails the whole snapshot */
};

static const char *str(struct take *k, const char *s)
{
    const char *p = twc__snap_strdup(k->mem, s);
    if (s && !p) k->oom = 1;
    return p;
}

static void *array(struct take *k, size_t n, size_t size)
{
    if (!n) return NULL;
    void *p = twc__snap_alloc(k->mem, n * size);
    if (!p) k->oom = 1;
    return p;
}

/* ids[] of count n from a list built in a scratch buffer of the task's edge capacity */
static const uint64_t *ids(struct take *k, const uint64_t *scratch, size_t n, size_t *nout)
{
    uint64_t *v = array(k, n, sizeof *v);
    if (v) memcpy(v, scratch, n * sizeof *v);
    *nout = v ? n : 0;
    return v;
}

static struct twc_site site(struct take *k, uint32_t idx)
{
    struct twc_site out = { NULL, 0, "", "" };
    const struct tw_site_rec *r = twc__site_at(k->s, idx);
    if (!r) return out;
    out.file = str(k, twc__str_at(k->s, r->file));
    out.line = r->line;
    out.expr = str(k, twc__str_at(k->s, r->expr));
    out.func = str(k, twc__str_at(k->s, r->func));
    return out;
}

static const uint64_t *edges_of(struct take *k, const struct mtask *t, int role_a, int role_b, size_t *n)
{
    uint64_t v[TW_MAX_EDGES];
    size_t c = 0;
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res && (t->edges[e].role == role_a || t->edges[e].role == role_b)) v[c++] = t->edges[e].res;
    return ids(k, v, c, n);
}

static void one_task(struct take *k, const struct mtask *t, struct twc_task *o)
{
    struct twc_session *s = k->s;
    int waiting = t->state == TW_TASK_WAITING;
    o->id = t->id;
    o->name = str(k, twc__task_name(s, t));
    o->state = twc__state_name(t->state);
    o->paused = t->paused; o->torn = t->torn;
    o->polls = t->polls;
    o->busy_ns = twc__dur_ns(s, t->busy); o->scheduled_ns = twc__dur_ns(s, t->scheduled); o->idle_ns = twc__dur_ns(s, t->idle);
    o->wait_kind = waiting ? twc__wait_kind_name(t->wait_kind) : "none";
    o->timed = waiting && (t->flags & TW_TF_TIMED);
    o->await = (waiting || t->wait_kind != TW_WAIT_NONE) ? site(k, t->await_site) : (struct twc_site){ NULL, 0, "", "" };
    o->spawn = site(k, t->spawn_site);
    uint64_t on[TW_MAX_EDGES + 1];
    size_t non = 0;
    if (waiting && t->wait_kind == TW_WAIT_JOIN) { if (t->waiting_on) on[non++] = t->waiting_on; }
    else if (waiting) non = twc__wait_targets(t, on);   /* a select waits on each of its branches */
    o->waiting_on = ids(k, on, non, &o->nwaiting_on);
    o->holds = edges_of(k, t, TW_EDGE_HOLD, TW_EDGE_HOLD_SHARED, &o->nholds);
    o->senders_of = edges_of(k, t, TW_EDGE_SENDER, -1, &o->nsenders_of);
    o->receivers_of = edges_of(k, t, TW_EDGE_RECEIVER, -1, &o->nreceivers_of);
    size_t ni = 0;
    for (int e = 0; e < TW_MAX_EDGES; e++)
        ni += t->edges[e].res && (t->edges[e].role == TW_EDGE_INTENT_COND || t->edges[e].role == TW_EDGE_INTENT_UNCOND);
    struct twc_intent *in = array(k, ni, sizeof *in);
    for (int e = 0; in && e < TW_MAX_EDGES; e++)
        if (t->edges[e].res && (t->edges[e].role == TW_EDGE_INTENT_COND || t->edges[e].role == TW_EDGE_INTENT_UNCOND))
            in[o->nintents++] = (struct twc_intent){ t->edges[e].res, t->edges[e].role == TW_EDGE_INTENT_UNCOND,
                                                     twc__dir_name(t->edges[e].dir) };
    o->intents = in;
    o->parent = t->parent;
    o->os_tid = t->os_tid;
}

static void tasks(struct take *k, const struct model *m, int done_too, struct twc_snapshot *out)
{
    size_t n = 0;
    for (size_t i = 0; i < m->ntasks; i++)
        n += !m->tasks[i].hidden && m->tasks[i].id && (done_too || m->tasks[i].state != TW_TASK_DONE);
    struct twc_task *v = array(k, n, sizeof *v);
    for (size_t i = 0; v && i < m->ntasks; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || !t->id || (!done_too && t->state == TW_TASK_DONE)) continue;
        one_task(k, t, &v[out->ntasks++]);
    }
    out->tasks = v;
}

/* task ids of resource ri's derived edges with one of two roles (holders, senders, receivers) */
static const uint64_t *related(struct take *k, const struct model *m, const struct derived *d, size_t ri,
                               int role_a, int role_b, size_t *n)
{
    size_t c = 0;
    for (uint32_t j = d->hold_start[ri]; j < d->hold_start[ri + 1]; j++) c += d->hold[j].role == role_a || d->hold[j].role == role_b;
    uint64_t *v = array(k, c, sizeof *v);
    *n = 0;
    for (uint32_t j = d->hold_start[ri]; v && j < d->hold_start[ri + 1]; j++)
        if (d->hold[j].role == role_a || d->hold[j].role == role_b) v[(*n)++] = m->tasks[d->hold[j].task].id;
    return v;
}

static int resources(struct take *k, const struct model *m, struct twc_snapshot *out)
{
    struct derived d;
    if (twc__derive(m, &d)) return TWC_EINTERNAL;
    size_t n = 0;
    for (size_t i = 0; i < m->nres; i++) n += !m->res[i].hidden;
    struct twc_resource *v = array(k, n, sizeof *v);
    for (size_t i = 0; v && i < m->nres; i++) {
        const struct mres *r = &m->res[i];
        if (r->hidden) continue;
        struct twc_resource *o = &v[out->nresources++];
        char tmp[64];
        o->id = r->id;
        o->name = str(k, twc__res_name(k->s, r, tmp, sizeof tmp));
        o->kind = twc__res_kind_name(r->kind);
        o->class_name = twc__class_name(r->class_);
        o->capacity = r->capacity; o->available = r->available; o->queued = r->queued;
        o->closed = r->closed; o->torn = r->torn; o->address = r->address;
        o->holders = related(k, m, &d, i, TW_EDGE_HOLD, TW_EDGE_HOLD_SHARED, &o->nholders);
        o->senders = related(k, m, &d, i, TW_EDGE_SENDER, -1, &o->nsenders);
        o->receivers = related(k, m, &d, i, TW_EDGE_RECEIVER, -1, &o->nreceivers);
        size_t nw = d.wait_start[i + 1] - d.wait_start[i];
        uint64_t *w = array(k, nw, sizeof *w);
        for (size_t j = 0; w && j < nw; j++) w[j] = m->tasks[d.wait[d.wait_start[i] + j]].id;
        o->waiters = w; o->nwaiters = w ? nw : 0;
    }
    out->resources = v;
    twc__derived_free(&d);
    return 0;
}

static int deadlocks(struct take *k, const struct model *m, struct twc_snapshot *out)
{
    struct deadlock *d; size_t n;
    if (twc__find_deadlocks(k->s, m, &d, &n)) return TWC_EINTERNAL;
    struct twc_deadlock *v = array(k, n, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        struct twc_deadlock *o = &v[out->ndeadlocks++];
        struct twc_chain_entry *c = array(k, d[i].n, sizeof *c);
        o->certain = d[i].certain; o->global = d[i].global;
        o->message = str(k, d[i].note);
        for (size_t j = 0; c && j < d[i].n; j++) {
            const struct dl_entry *e = &d[i].chain[j];
            char tmp[64];
            if (e->is_task && e->idx < m->ntasks) {
                const struct mtask *t = &m->tasks[e->idx];
                c[o->nchain++] = (struct twc_chain_entry){ 1, t->id, str(k, twc__task_name(k->s, t)), twc__wait_kind_name(t->wait_kind) };
            } else if (!e->is_task && e->idx < m->nres) {
                const struct mres *r = &m->res[e->idx];
                c[o->nchain++] = (struct twc_chain_entry){ 0, r->id, str(k, twc__res_name(k->s, r, tmp, sizeof tmp)), twc__res_kind_name(r->kind) };
            }
        }
        o->chain = c;
    }
    out->deadlocks = v;
    twc__deadlocks_free(d, n);
    return 0;
}

static int alerts(struct take *k, const struct model *m, struct twc_snapshot *out)
{
    struct alert *al = NULL; size_t n = 0;
    struct cmdopts o = { .long_poll_ms = k->s->long_poll_ms ? k->s->long_poll_ms : 50, .blocking_poll_ms = TWC_BLOCKING_POLL_MS };
    if (twc__compute_alerts(k->s, m, &o, &al, &n)) { free(al); return TWC_EINTERNAL; }
    struct twc_alert *v = array(k, n, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        char doc[96];
        snprintf(doc, sizeof doc, "docs/alerts/%s.md", al[i].kind);
        v[out->nalerts++] = (struct twc_alert){ str(k, al[i].kind), al[i].has_task, al[i].task, str(k, al[i].message), str(k, doc) };
    }
    out->alerts = v;
    free(al);
    return 0;
}

/* the retained events up to the moment shown, oldest first, as `log` lists them */
static void events(struct take *k, struct twc_snapshot *out)
{
    struct twc_session *s = k->s;
    size_t end = s->at_now ? s->nevents : s->at_idx + 1;
    struct twc_event *v = array(k, end, sizeof *v);
    for (size_t i = 0; v && i < end; i++) {
        const struct tw_event *e = &s->events[i].ev;
        v[i] = (struct twc_event){ twc__event_seq(s, i), twc__raw_to_ns(s, e->ts), s->events[i].thread, twc__event_type_name(e->type), e->task,
                                   twc__event_has_resource(e) ? e->res : 0, e->res, (e->flags & TW_EVF_APP) != 0 };
    }
    out->events = v;
    out->nevents = v ? end : 0;
}

/* the program's name, as `summary` gives it */
static const char *program(struct take *k)
{
    struct twc_session *s = k->s;
    if (s->facts) return str(k, s->facts_exe);
    char exe[sizeof s->hdr.exe + 1];   /* the header's need not end in a NUL */
    memcpy(exe, s->hdr.exe, sizeof s->hdr.exe);
    exe[sizeof s->hdr.exe] = 0;
    return exe[0] ? str(k, exe) : NULL;
}

#define TRY(x) do { if (!st) st = (x); } while (0)

int twc_snapshot_take(twc_session *s, unsigned what, struct twc_snapshot *out, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    if (!out) { MSG(err, errlen, "no snapshot to fill"); return TWC_EUSAGE; }
    memset(out, 0, sizeof *out);
    if (!s) { MSG(err, errlen, "no session"); return TWC_EUSAGE; }
    struct take k = { s, twc__snap_mem_new(), 0 };
    if (!k.mem) { MSG(err, errlen, "out of memory"); return TWC_EINTERNAL; }
    out->mem = k.mem;
    const struct model *m = NULL;
    int st = twc__refresh_if_live(s, err, errlen);
    if (!st) twc__collect_if_needed(s, 0, 0);
    if (what & (TWC_SNAP_ALERTS | TWC_SNAP_EVENTS)) TRY(twc__need_events(s, err, errlen));   /* alerts read the log */
    TRY(twc__need_model(s, &m, err, errlen));
    if (!st) {
        out->at_now = s->at_now;
        if (!s->at_now && s->events_loaded) out->as_of = twc__event_seq(s, s->at_idx);
        out->program = program(&k);
        tasks(&k, m, (what & TWC_SNAP_DONE) != 0, out);
    }
    TRY(resources(&k, m, out));
    if (what & TWC_SNAP_DEADLOCKS) TRY(deadlocks(&k, m, out));
    if (what & TWC_SNAP_ALERTS) TRY(alerts(&k, m, out));
    if (!st && (what & TWC_SNAP_EVENTS) && !s->facts) events(&k, out);
    if (!st && k.oom) st = TWC_EINTERNAL;
    if (st) {
        if (err && errlen && !err[0]) MSG(err, errlen, st == TWC_EINTERNAL ? "out of memory taking a snapshot" : "cannot take a snapshot");
        twc_snapshot_free(out);
    }
    return st;
}

void twc_snapshot_free(struct twc_snapshot *snap)
{
    if (!snap) return;
    twc__snap_mem_free(snap->mem);
    memset(snap, 0, sizeof *snap);
}

const struct twc_task *twc_snapshot_task(const struct twc_snapshot *snap, uint64_t id)
{
    for (size_t i = 0; snap && i < snap->ntasks; i++)
        if (snap->tasks[i].id == id) return &snap->tasks[i];
    return NULL;
}

const struct twc_resource *twc_snapshot_resource(const struct twc_snapshot *snap, uint64_t id)
{
    for (size_t i = 0; snap && i < snap->nresources; i++)
        if (snap->resources[i].id == id) return &snap->resources[i];
    return NULL;
}
