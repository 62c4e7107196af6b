/* proof.c — "certain means proven" (DESIGN.md) for deadlocks found in a region.
 *
 * A live program is a movie and the model one frame of it: records read at different moments
 * can form a cut that never existed, and a waiter whose wake is on its way still looks blocked.
 * The wait-for graph already treats every recorded wake in flight as an exit (graph.c). Here a
 * candidate becomes certain only when, besides that:
 *  1. its members were one instant: re-read after the analysis, every member task and the
 *     resource it waits on have the versions (and no wake in flight) they had;
 *  3. when its proof is "nobody else can wake them" (every task blocked, a condvar, notify,
 *     semaphore or hand-written wait), a second sample at least 100 ms later shows the same.
 * Ownership cycles (mutexes, rwlocks, channels whose ends the members hold) need 1 only. A
 * candidate whose members moved was never a deadlock and is dropped. Cores and stopped
 * instants are one instant already; a rewound view, a snapshot of a running process or a target
 * that cannot run again gives "possible", with a note saying what is missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

#define SECOND_SAMPLE_MS 150u   /* >= 100 ms (DESIGN.md), with room for a timer's slack */
#define RECHECK_MS 20u          /* proof 1 only: time for a half-seen update to show */

/* Does the candidate rest on the absence of any other waker (proof 3)? */
static int needs_two_samples(const struct model *m, const struct wgraph *g, const struct deadlock *d)
{
    if (d->global) return 1;
    for (size_t k = 0; k < d->n; k++) {
        if (!d->chain[k].is_task) continue;
        uint32_t i = d->chain[k].idx;
        const struct mtask *t = &m->tasks[i];
        if (g->cls[i] == WK_UNKNOWN) return 1;
        if (t->wait_kind == TW_WAIT_PARK || t->wait_kind == TW_WAIT_NONE || t->wait_kind == TW_WAIT_SIGNAL) return 1;
        const struct mres *r = t->wait_kind == TW_WAIT_JOIN ? NULL : twc__model_res(m, t->waiting_on);
        /* anyone may post a semaphore: its takers are not its only wakers */
        if (r && r->kind == TW_RES_SEMAPHORE) return 1;
    }
    return 0;
}

static int header_same(struct twc_session *s)
{
    struct tw_header h;
    if (twc__src_read(s, 0, &h, sizeof h < s->hdr.header_size ? sizeof h : s->hdr.header_size)) return 0;
    return h.next_task_id == s->hdr.next_task_id || !s->hdr.next_task_id;
}

/* Proof 1 on records read again now: every member task and what it waits on is unchanged. */
static int members_unchanged(struct twc_session *s, const struct model *m, const struct deadlock *d)
{
    for (size_t k = 0; k < d->n; k++) {
        if (d->chain[k].is_task) {
            const struct mtask *t = &m->tasks[d->chain[k].idx];
            struct tw_task_rec r;
            if (twc__read_task_rec(s, t, &r)) return 0;
            /* a wait lent from the frontend's stop is a poll in the region (kernel_waits.c) */
            if ((r.seq & 1) || r.version != t->version || r.state != (t->kernel_wait ? TW_TASK_POLLING : TW_TASK_WAITING))
                return 0;
        } else if (d->chain[k].idx != UINT32_MAX) {
            const struct mres *x = &m->res[d->chain[k].idx];
            if (x->lent) continue;   /* a futex word the region never recorded */
            struct tw_res_rec r;
            if (twc__read_res_rec(s, x, &r)) return 0;
            if (r.version != x->version || TW_WAKE_PENDING(r.wake_state) || r.closed != x->closed) return 0;
        }
    }
    /* everyone blocked: a task that appeared since (spawned by a thread we do not follow) runs */
    return !d->global || header_same(s);
}

/* A member whose wait only the frontend's stop saw (kernel_waits.c): the region recorded no
 * wait, so neither a re-read nor a second sample can show it still waiting on the same object. */
static const struct mtask *lent_member(const struct model *m, const struct deadlock *d)
{
    for (size_t k = 0; k < d->n; k++)
        if (d->chain[k].is_task && m->tasks[d->chain[k].idx].kernel_wait) return &m->tasks[d->chain[k].idx];
    return NULL;
}

static void nap(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts)) {}
}

static void set_possible(struct deadlock *d, const char *why)
{
    d->certain = 0;
    snprintf(d->note, sizeof d->note, "possible: %.*s", (int)sizeof d->note - 11, why);
}

void twc__prove_deadlocks(struct twc_session *s, const struct model *m, const struct wgraph *g, struct deadlock *d, size_t *n)
{
    int live = (s->flags & TWC_LIVE) && s->at_now;
    int want_second = 0;
    for (size_t i = 0; i < *n; i++) if (d[i].certain && needs_two_samples(m, g, &d[i])) want_second = 1;
    char why[160] = "";
    int ran = 0;
    if (live && *n) {
        /* One wait serves every candidate: proof 1 needs only a moment, proof 3 its 150 ms. */
        if (want_second && s->run) {
            ran = s->run(s->runctx, SECOND_SAMPLE_MS, why, sizeof why) == 0;
            if (ran) twc_count_reader_stop(s);   /* stopped again by the frontend */
            if (!ran && !why[0]) snprintf(why, sizeof why, "the target could not be let run");
        } else if (want_second) snprintf(why, sizeof why, "this frontend cannot let the target run for a second sample");
        if (!ran) nap(RECHECK_MS);
    }
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        struct deadlock *x = &d[i];
        if (live && !members_unchanged(s, m, x)) { free(x->chain); continue; }   /* it moved: no deadlock */
        const struct mtask *lent = x->certain ? lent_member(m, x) : NULL;
        if (lent) {
            char note[sizeof x->note];
            snprintf(note, sizeof note, "%s waits in a call the adapter does not record (seen in one stop of its thread); "
                     "certain needs the wait recorded", twc__task_name(s, lent));
            set_possible(x, note);
        } else if (x->certain && needs_two_samples(m, g, x)) {
            char tmp[200];
            if (live && !ran)
                snprintf(tmp, sizeof tmp, "one sample only; a second one >= 100 ms later could not be taken: %s", why);
            else if (!s->at_now)
                snprintf(tmp, sizeof tmp, "this rewound view (one reconstructed instant); certain needs two live samples >= 100 ms apart");
            else if (!live && (s->hdr.snapshot_flags & TW_SNAP_LIVE))
                snprintf(tmp, sizeof tmp, "a snapshot of a running process (not one instant); certain needs two live samples >= 100 ms apart");
            else if (!live)
                snprintf(tmp, sizeof tmp, "a core file or saved snapshot (one instant); certain needs two live samples >= 100 ms apart");
            else tmp[0] = 0;
            if (tmp[0]) {
                const char *what = x->global ? "every task is blocked" : "no task outside the cycle can wake any member";
                char note[sizeof x->note];
                snprintf(note, sizeof note, "%s in %s", what, tmp);
                set_possible(x, note);
            } else {
                snprintf(x->note, sizeof x->note, "%s; two samples %u ms apart agree",
                         x->global ? "every task is blocked; none can wake another" : "no task outside the cycle can wake any member",
                         SECOND_SAMPLE_MS);
            }
        } else if (x->certain && !live && (s->hdr.snapshot_flags & TW_SNAP_LIVE)) {
            set_possible(x, "a cycle in a snapshot of a running process, whose records were copied at different moments");
        }
        d[kept++] = *x;
    }
    *n = kept;
}
