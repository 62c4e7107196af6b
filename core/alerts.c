/* alerts.c — the pitfalls, each a snake_case kind with its page at docs/alerts/KIND.md, each
 * decided by one detector (alerts_*.c) over a shared pass of the events up to the view.
 * Sources: the model shown (as of the view), the deadlock search, and those events. "Now" for
 * a reader is the newest timestamp it has seen (rings and records): a core file has no later
 * clock. Thresholds: long_poll from the header (or --long-poll-ms), ready_starvation 1 s,
 * long_pause 10 s, instrumentation_overhead 50,000 events per 100 ms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"

/* The order alerts are listed in: whole-model kinds first, then each task's alerts together
 * (in this order), then the instrumentation's own. */
static const alert_detector model_detectors[] = { twc__detect_deadlocks, twc__detect_lock_order };
static const task_alert_detector task_detectors[] = {
    twc__detect_long_poll, twc__detect_blocking_in_poll, twc__detect_blocking_in_loop, twc__detect_lost_waker, twc__detect_lost_wakeup, twc__detect_self_wake, twc__detect_ready_starvation, twc__detect_long_pause,
};
static const alert_detector health_detectors[] = {
    twc__detect_instrumentation_overhead, twc__detect_dropped_events, twc__detect_instrumentation_overflow,
    twc__detect_instrumentation_error, twc__detect_torn_records,
};
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

struct alert *twc__alert_add(struct alist *l, const char *kind, const struct mtask *t)
{
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 16;
        struct alert *p = realloc(l->a, c * sizeof *p);
        if (!p) return NULL;
        l->a = p; l->cap = c;
    }
    struct alert *x = &l->a[l->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    if (t) { x->task = t->id; x->has_task = 1; }
    return x;
}

/* deadlock / possible_deadlock: one alert per knot of the deadlock search (deadlock.c); the
 * resources of certain ones are marked for lock_order, which leaves their cycles out. */
void twc__detect_deadlocks(struct alert_scan *a, struct alist *L)
{
    const struct model *m = a->m;
    struct deadlock *dl = NULL; size_t ndl = 0;
    twc__find_deadlocks(a->s, m, &dl, &ndl);
    for (size_t i = 0; i < ndl; i++) {
        const struct mtask *first = dl[i].n ? &m->tasks[dl[i].chain[0].idx] : NULL;
        struct alert *x = twc__alert_add(L, dl[i].certain ? "deadlock" : "possible_deadlock", first);
        if (!x) break;
        size_t ntask = 0;
        for (size_t k = 0; k < dl[i].n; k++) {
            if (dl[i].chain[k].is_task) ntask++;
            else if (dl[i].certain && a->in_dl_res) a->in_dl_res[dl[i].chain[k].idx] = 1;
        }
        snprintf(x->message, sizeof x->message, "%s%s deadlock of %zu task%s: %s",
                 dl[i].certain ? "certain" : "possible", dl[i].global ? " global" : "", ntask, ntask == 1 ? "" : "s", dl[i].note);
    }
    twc__deadlocks_free(dl, ndl);
}

/* The one pass over the events up to the view that the detectors share: per task, the poll
 * in progress, the longest poll, since when it was ready or waiting, when it was paused; and
 * the busiest 100 ms window and the bad instrumentation calls. */
static void scan_events(struct alert_scan *a)
{
    struct twc_session *s = a->s;
    const struct model *m = a->m;
    size_t nt = m->ntasks;
    a->poll_begin = calloc(nt + 1, sizeof(uint64_t)); a->max_poll = calloc(nt + 1, sizeof(uint64_t));
    a->since = calloc(nt + 1, sizeof(uint64_t)); a->pause_ts = calloc(nt + 1, sizeof(uint64_t));
    if (!a->poll_begin || !a->max_poll || !a->since || !a->pause_ts) {
        free(a->poll_begin); free(a->max_poll); free(a->since); free(a->pause_ts);
        a->poll_begin = a->max_poll = a->since = a->pause_ts = NULL;
        return;
    }
    size_t ev_end = s->at_now ? s->nevents : (s->at_idx + 1 < s->nevents ? s->at_idx + 1 : s->nevents);
    uint64_t win_start = 0, win_n = 0, win_app = 0;
    for (size_t i = 0; i < ev_end; i++) {
        const struct tw_event *e = &s->events[i].ev;
        long ti = e->task ? twc__idmap_get(&m->tmap, e->task) : -1;
        if (i == 0 || twc__raw_to_ns(s, e->ts) >= twc__raw_to_ns(s, win_start) + WINDOW_NS) {
            win_start = e->ts; win_n = 0; win_app = 0;
        }
        win_n++; if (e->flags & TW_EVF_APP) win_app++;
        if (win_n > a->peak) { a->peak = win_n; a->peak_app = win_app; }
        switch (e->type) {
        case TW_EV_POLL_BEGIN:
            if (ti >= 0) { a->poll_begin[ti] = e->ts; a->since[ti] = e->ts; }
            break;
        case TW_EV_POLL_END:
            if (ti >= 0) {
                uint64_t b = a->poll_begin[ti];
                if (b && e->ts >= b && e->ts - b > a->max_poll[ti]) a->max_poll[ti] = e->ts - b;
                a->poll_begin[ti] = 0; a->since[ti] = e->ts;
            }
            break;
        case TW_EV_WAKE: case TW_EV_SPAWN: if (ti >= 0) a->since[ti] = e->ts; break;
        case TW_EV_PAUSE: if (ti >= 0) a->pause_ts[ti] = e->ts; break;
        case TW_EV_INSTR_ERROR: a->instr_ev++; if (!a->instr_task) a->instr_task = e->task; break;
        default: break;
        }
    }
}

int twc__compute_alerts(struct twc_session *s, const struct model *m, const struct cmdopts *o,
                   struct alert **out, size_t *nout)
{
    struct alist L = { 0 };
    struct alert_scan a = { .s = s, .m = m, .long_poll_ms = o->long_poll_ms, .blocking_poll_ms = o->blocking_poll_ms };
    a.now = a.now_live = twc__now_raw(s, m);
    /* On a live target, time goes on after the last event (liveclock.c). Used for starvation
     * only: the hogs that starve a task emit nothing. */
    if (s->at_now) {
        uint64_t l = twc__live_now_raw(s);
        if (l > a.now_live) a.now_live = l;
    }
    a.in_dl_res = calloc(m->nres + 1, 1);
    a.have_g = twc__wgraph_build(&a.g, m) == 0;
    scan_events(&a);

    for (size_t k = 0; k < COUNT(model_detectors); k++) model_detectors[k](&a, &L);
    char tn[200];
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || !t->id || t->torn) continue;
        snprintf(tn, sizeof tn, "%s (%llu)", twc__task_name(s, t), (unsigned long long)t->id);
        for (size_t k = 0; k < COUNT(task_detectors); k++) task_detectors[k](&a, i, t, tn, &L);
    }
    for (size_t k = 0; k < COUNT(health_detectors); k++) health_detectors[k](&a, &L);

    free(a.poll_begin); free(a.max_poll); free(a.since); free(a.pause_ts); free(a.in_dl_res);
    if (a.have_g) twc__wgraph_free(&a.g);
    *out = L.a; *nout = L.n;
    return 0;
}
