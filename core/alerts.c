/* alerts.c — the pitfalls, each a snake_case kind with its page at docs/alerts/KIND.md.
 * Sources: the model shown (as of the view), the deadlock search, and the events up to the
 * view. "Now" for a reader is the newest timestamp it has seen (rings and records): a core
 * file has no later clock. Thresholds: long_poll from the header (or --long-poll-ms),
 * ready_starvation 1 s, long_pause 10 s, instrumentation_overhead 50,000 events per 100 ms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

#define STARVE_NS 1000000000ull
#define LONG_PAUSE_NS 10000000000ull
#define OVERHEAD_PER_WINDOW 50000u
#define WINDOW_NS 100000000ull

struct alist { struct alert *a; size_t n, cap; };

static struct alert *add(struct alist *l, const char *kind, const struct mtask *t)
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

static void tname(struct twc_session *s, const struct mtask *t, char *buf, size_t n)
{
    snprintf(buf, n, "%s (%llu)", task_name(s, t), (unsigned long long)t->id);
}

/* "x.c:12" for a site, "?" when unknown */
static const char *site_short(struct twc_session *s, uint32_t site, char *buf, size_t n)
{
    const struct tw_site_rec *r = site ? site_at(s, site) : NULL;
    if (!r) return "?";
    const char *f = str_at(s, r->file), *slash = strrchr(f, '/');
    snprintf(buf, n, "%s:%u", slash ? slash + 1 : f, r->line);
    return buf;
}

static const char *lock_name(struct twc_session *s, const struct model *m, uint64_t id, char *buf, size_t n)
{
    const struct mres *r = model_res(m, id);
    if (r) return res_name(s, r, buf, n);
    snprintf(buf, n, "lock#%llu", (unsigned long long)id);
    return buf;
}

/* Does a cycle pass between two lock classes whose instance edges the writer folded? Then its
 * count of instance cycles is a lower bound. */
static int cycle_folded(const struct model *m, const struct lo_cycle *y, const uint64_t *folded, size_t nfolded)
{
    for (size_t k = 0; k < y->n; k++) {
        const struct mres *h = model_res(m, y->edge[k].held), *a = model_res(m, y->edge[k].acquired);
        if (!h || !a || !h->create_site || !a->create_site) continue;
        uint64_t key = TW_ORDER_CLASS_KEY(h->create_site, a->create_site);
        for (size_t i = 0; i < nfolded; i++) if (folded[i] == key) return 1;
    }
    return 0;
}

/* One alert per inversion: every lock of the representative cycle with the sites of each
 * edge, and how many instance cycles of the same lock classes it stands for. */
static void lock_order_alerts(struct twc_session *s, const struct model *m, const uint8_t *in_dl_res, struct alist *L)
{
    struct lo_cycle *c; size_t n; int truncated;
    if (find_lock_cycles(s, m, in_dl_res, &c, &n, &truncated)) return;
    uint64_t *folded = NULL; size_t nfolded = 0;
    if (n) read_folded_classes(s, &folded, &nfolded);
    for (size_t i = 0; i < n; i++) {
        const struct lo_cycle *y = &c[i];
        const struct mtask *t = model_task(m, y->edge[0].task);
        struct alert *a = add(L, "lock_order", t);
        if (!a) break;
        if (!t) { a->task = y->edge[0].task; a->has_task = y->edge[0].task != 0; }
        char *p = a->message, *end = a->message + sizeof a->message;
        p += snprintf(p, (size_t)(end - p), "lock order inversion: a cycle of %zu locks, each acquired (blocking) while holding the one before:", y->n);
        for (size_t k = 0; k < y->n && p < end; k++) {
            const struct lo_edge *e = &y->edge[k];
            const struct mtask *by = model_task(m, e->task);
            char n1[96], n2[96], s1[96], s2[96];
            p += snprintf(p, (size_t)(end - p), "%s %s (%s%s) then %s (%s) by %s %u%s", k ? ";" : "",
                          lock_name(s, m, e->held, n1, sizeof n1), site_short(s, e->held_site, s1, sizeof s1),
                          (e->flags & TW_ORDER_HELD_TRY) ? ", by trylock" : "", lock_name(s, m, e->acquired, n2, sizeof n2),
                          site_short(s, e->acquired_site, s2, sizeof s2), by ? task_name(s, by) : "task", e->task,
                          e->waiting ? ", waiting now" : "");
        }
        if (p < end)
            p += snprintf(p, (size_t)(end - p), ". %llu instance cycle%s of this order of lock classes%s", (unsigned long long)y->instances,
                          y->instances == 1 ? "" : "s", truncated ? " (search bounded: counts are lower bounds)" : "");
        if (p < end && cycle_folded(m, y, folded, nfolded))
            snprintf(p, (size_t)(end - p), " (at least: beyond %d lock pairs of two classes the program's further pairs are folded into the classes)",
                     TW_ORDER_PER_CLASS);
        for (size_t k = 0; k < y->n; k++) a->res[k] = y->edge[k].held;
        a->nres = y->n;
    }
    free(folded);
    free(c);
}

int compute_alerts(struct twc_session *s, const struct model *m, uint32_t long_poll_ms,
                   struct alert **out, size_t *nout)
{
    struct alist L = { 0 };
    char tn[200], rn[160];
    uint64_t now = now_raw(s, m);
    /* On a live target, time goes on after the last event (liveclock.c). Used for starvation
     * only: the hogs that starve a task emit nothing. */
    uint64_t now_live = now;
    if (s->at_now) {
        uint64_t l = live_now_raw(s);
        if (l > now_live) now_live = l;
    }
    size_t nt = m->ntasks;
    size_t ev_end = s->at_now ? s->nevents : (s->at_idx + 1 < s->nevents ? s->at_idx + 1 : s->nevents);

    /* deadlocks */
    struct deadlock *dl = NULL; size_t ndl = 0;
    find_deadlocks(s, m, &dl, &ndl);
    uint8_t *in_dl_res = calloc(m->nres + 1, 1);
    for (size_t i = 0; i < ndl; i++) {
        const struct mtask *first = dl[i].n ? &m->tasks[dl[i].chain[0].idx] : NULL;
        struct alert *a = add(&L, dl[i].certain ? "deadlock" : "possible_deadlock", first);
        if (!a) break;
        size_t ntask = 0;
        for (size_t k = 0; k < dl[i].n; k++) {
            if (dl[i].chain[k].is_task) ntask++;
            else if (dl[i].certain && in_dl_res) in_dl_res[dl[i].chain[k].idx] = 1;
        }
        snprintf(a->message, sizeof a->message, "%s%s deadlock of %zu tasks: %s",
                 dl[i].certain ? "certain" : "possible", dl[i].global ? " global" : "", ntask, dl[i].note);
    }
    deadlocks_free(dl, ndl);

    struct wgraph g;
    int have_g = wgraph_build(&g, m) == 0;

    /* per-task facts from the events up to the view */
    uint64_t *poll_begin = calloc(nt + 1, sizeof(uint64_t)), *max_poll = calloc(nt + 1, sizeof(uint64_t));
    uint64_t *since = calloc(nt + 1, sizeof(uint64_t)), *pause_ts = calloc(nt + 1, sizeof(uint64_t));
    uint64_t last_poll_any = 0, last_poll_any_task = 0;
    uint64_t peak = 0, peak_app = 0, win_start = 0, win_n = 0, win_app = 0, instr_ev = 0, instr_task = 0;
    if (poll_begin && max_poll && since && pause_ts) {
        for (size_t i = 0; i < ev_end; i++) {
            const struct tw_event *e = &s->events[i].ev;
            long ti = e->task ? idmap_get(&m->tmap, e->task) : -1;
            if (i == 0 || raw_to_ns(s, e->ts) >= raw_to_ns(s, win_start) + WINDOW_NS) {
                win_start = e->ts; win_n = 0; win_app = 0;
            }
            win_n++; if (e->flags & TW_EVF_APP) win_app++;
            if (win_n > peak) { peak = win_n; peak_app = win_app; }
            switch (e->type) {
            case TW_EV_POLL_BEGIN:
                /* the latest "ready since" of any task that got polled: whoever has been ready
                 * since well before it was overtaken */
                if (ti >= 0 && since[ti] > last_poll_any) { last_poll_any = since[ti]; last_poll_any_task = e->task; }
                if (ti >= 0) { poll_begin[ti] = e->ts; since[ti] = e->ts; }
                break;
            case TW_EV_POLL_END:
                if (ti >= 0) {
                    if (poll_begin[ti] && e->ts >= poll_begin[ti] && e->ts - poll_begin[ti] > max_poll[ti]) max_poll[ti] = e->ts - poll_begin[ti];
                    poll_begin[ti] = 0; since[ti] = e->ts;
                }
                break;
            case TW_EV_WAKE: case TW_EV_SPAWN: if (ti >= 0) since[ti] = e->ts; break;
            case TW_EV_PAUSE: if (ti >= 0) pause_ts[ti] = e->ts; break;
            case TW_EV_INSTR_ERROR: instr_ev++; if (!instr_task) instr_task = e->task; break;
            default: break;
            }
        }
    }
    /* lock_order: the cycles of the region's order graph, a fact of the present (it survives
     * wrapped rings, like max_poll_us), so it is not shown when viewing the past */
    if (s->at_now && !s->facts) lock_order_alerts(s, m, in_dl_res, &L);

    uint64_t lp_ns = (uint64_t)long_poll_ms * 1000000ull;
    for (size_t i = 0; i < nt; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || !t->id || t->torn) continue;
        tname(s, t, tn, sizeof tn);
        /* long_poll: a poll that held its thread longer than the threshold (longpoll.c) */
        struct poll_figure pf;
        if ((task_live(t) || t->polls) &&
            long_poll_of(s, t, poll_begin ? poll_begin[i] : 0, max_poll ? max_poll[i] : 0, lp_ns, &pf)) {
            struct alert *a = add(&L, "long_poll", t);
            if (a && pf.measured)
                snprintf(a->message, sizeof a->message, "%s %s %.1f ms without yielding, not counting time preempted (threshold %u ms)",
                         tn, pf.running ? "has been polling for at least" : "polled for", pf.ns / 1e6, long_poll_ms);
            else if (a)
                snprintf(a->message, sizeof a->message, "%s %s %.1f ms without yielding (threshold %u ms; may include preemption: %s)",
                         tn, pf.running ? "has been polling for" : "polled for", pf.ns / 1e6, long_poll_ms, preemption_unknown_why(s));
        }
        if (!task_live(t)) continue;
        /* lost_waker */
        if (t->state == TW_TASK_WAITING && (t->wait_kind == TW_WAIT_PARK || t->wait_kind == TW_WAIT_NONE) &&
            t->wakers_alive <= 0 && !(t->flags & TW_TF_TIMED) && !s->facts) {
            struct alert *a = add(&L, "lost_waker", t);
            if (a) snprintf(a->message, sizeof a->message, "%s is waiting (%s) but no waker for it is alive: nothing can wake it",
                            tn, wait_kind_name(t->wait_kind));
        }
        /* lost_wakeup: a condvar wait nobody left can signal */
        if (have_g && t->state == TW_TASK_WAITING && g.stuck[i] && g.cls[i] == WK_UNKNOWN) {
            const struct mres *r = model_res(m, t->waiting_on);
            if (r && r->kind == TW_RES_CONDVAR) {
                struct alert *a = add(&L, "lost_wakeup", t);
                if (a) snprintf(a->message, sizeof a->message, "%s waits on condvar %s but every task that could signal it is itself blocked",
                                tn, res_name(s, r, rn, sizeof rn));
            }
        }
        /* self_wake */
        if (t->wakes >= 10 && (uint64_t)t->self_wakes * 2 > t->wakes) {
            struct alert *a = add(&L, "self_wake", t);
            if (a) snprintf(a->message, sizeof a->message, "%s woke itself %u of %u times: it may be busy-looping through the scheduler",
                            tn, t->self_wakes, t->wakes);
        }
        /* ready_starvation: ready for over a second while the workers served others — either a
         * task that became ready a second later was polled first (overtaken), or another task
         * has been polling through a second of this wait (a hog holding the worker). An
         * overloaded but fair scheduler makes tasks wait long, but in order: not starvation. */
        if (t->state == TW_TASK_READY && !t->paused) {
            uint64_t r0 = (since && since[i]) ? since[i] : (s->at_now ? t->state_ts : 0);
            uint64_t sec = clamp_ns(STARVE_NS / (s->ns_per_raw > 0 ? s->ns_per_raw : 1.0));
            /* being overtaken by a task that became ready later is not proof enough: with
             * per-worker queues on an overloaded host it happens without any bug */
            int others = 0;
            (void)last_poll_any_task;
            for (size_t k = 0; k < nt && !others && r0; k++) {
                const struct mtask *x = &m->tasks[k];
                if (k == i || x->torn || x->state != TW_TASK_POLLING) continue;
                uint64_t b = (poll_begin && poll_begin[k]) ? poll_begin[k] : (s->at_now ? x->state_ts : 0);
                /* a hog: polling through more than a second of this task's wait without
                 * yielding — its thread provably burned that second of CPU since the overlap
                 * began (live), or the region's own clock shows a second (a core or snapshot) */
                if (!b) continue;
                uint64_t from = b > r0 ? b : r0;
                double cpu = thread_cpu_after(s, x->os_tid, from);
                double runnable = thread_runnable_after(s, x->os_tid, from);
                /* Proof of a hog, whatever the machine's load: since the overlap began, the
                 * hog's thread never stopped being runnable for a whole second (it did not
                 * yield) and burned a fifth of a second of CPU (no healthy poll comes close;
                 * an overloaded host alone cannot produce it). Where the kernel's accounting
                 * cannot be read (a core, a snapshot), the region's clock must show the second. */
                if (cpu >= 0 && runnable >= 0 ? cpu >= 0.2 * (double)STARVE_NS && runnable >= (double)STARVE_NS
                                              : now > from && now - from >= sec)
                    others = 1;
            }
            if (r0 && now_live > r0 && dur_ns(s, now_live - r0) > STARVE_NS && others) {
                struct alert *a = add(&L, "ready_starvation", t);
                if (a) snprintf(a->message, sizeof a->message, "%s has been ready for %.2f s while other tasks were polled",
                                tn, dur_ns(s, now_live - r0) / 1e9);
            }
        }
        /* long_pause */
        if (t->paused && pause_ts && pause_ts[i] && now > pause_ts[i] && dur_ns(s, now - pause_ts[i]) > LONG_PAUSE_NS) {
            struct alert *a = add(&L, "long_pause", t);
            if (a) snprintf(a->message, sizeof a->message, "%s has been paused for %.1f s", tn, dur_ns(s, now - pause_ts[i]) / 1e9);
        }
    }
    if (peak > OVERHEAD_PER_WINDOW) {
        struct alert *a = add(&L, "instrumentation_overhead", NULL);
        if (a) snprintf(a->message, sizeof a->message, "%llu events in one 100 ms window (%llu runtime, %llu application): instrumentation may slow the program",
                        (unsigned long long)peak, (unsigned long long)(peak - peak_app), (unsigned long long)peak_app);
    }
    if (!s->facts) {
        uint64_t lost = s->ring_dropped + s->hdr.tasks.full + s->hdr.resources.full + s->hdr.strings_full;
        if (s->hdr.header_size >= sizeof(struct tw_header)) lost += s->hdr.events_lost;
        if (lost) {
            struct alert *a = add(&L, "dropped_events", NULL);
            if (a) snprintf(a->message, sizeof a->message, "%llu events lost (%s), %u tasks and %u resources not recorded (tables full), %llu strings did not fit",
                            (unsigned long long)(s->ring_dropped + (s->hdr.header_size >= sizeof(struct tw_header) ? s->hdr.events_lost : 0)),
                            s->hdr.ring_events ? "no ring" : "history off: TW_LOG_EVENTS=0",
                            s->hdr.tasks.full, s->hdr.resources.full, (unsigned long long)s->hdr.strings_full);
        }
        char ovf_text[800];
        struct alert *ovf = overflow_text(s, ovf_text, sizeof ovf_text) ? add(&L, "instrumentation_overflow", NULL) : NULL;
        if (ovf) snprintf(ovf->message, sizeof ovf->message, "instrumentation tables full, facts missing: %s", ovf_text);
        if (s->hdr.instr_errors || instr_ev) {
            const struct mtask *t = instr_task ? model_task(m, instr_task) : NULL;
            struct alert *a = add(&L, "instrumentation_error", t);
            if (a) snprintf(a->message, sizeof a->message, "%llu bad instrumentation calls (%llu in the retained log), ignored: e.g. releasing what a task does not hold",
                            (unsigned long long)(s->hdr.instr_errors > instr_ev ? s->hdr.instr_errors : instr_ev), (unsigned long long)instr_ev);
        }
    }
    if (m->torn_tasks || m->torn_res) {
        struct alert *a = add(&L, "torn_records", NULL);
        if (a) snprintf(a->message, sizeof a->message, "%zu task and %zu resource records were caught mid-update and are shown as torn",
                        m->torn_tasks, m->torn_res);
    }
    free(poll_begin); free(max_poll); free(since); free(pause_ts); free(in_dl_res);
    if (have_g) wgraph_free(&g);

    *out = L.a; *nout = L.n;
    return 0;
}
