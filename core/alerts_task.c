/* alerts_task.c — the kinds about one task: long_poll, lost_waker, lost_wakeup, self_wake,
 * ready_starvation, long_pause (docs/alerts/KIND.md). Each is called for every task shown
 * (not hidden, not torn) and decides alone whether its kind applies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"

static int long_poll_at(struct alert_scan *a, size_t i, uint64_t lp_ns, struct poll_figure *pf)
{
    return twc__long_poll_of(a->s, &a->m->tasks[i], a->poll_begin ? a->poll_begin[i] : 0,
                             a->max_poll ? a->max_poll[i] : 0, lp_ns, pf);
}

/* An event loop thread's turn holds the polls of the tasks it runs (a libuv callback, a
 * LocalSet's task): when one of those polled too long itself, it is the one to read, and the
 * thread's own long turn is the same stall told twice (the tests/uv timer came out as the
 * loop's long_poll or the timer's, depending on which turn was the longest). */
static int inner_poll_too_long(struct alert_scan *a, const struct mtask *t, uint64_t lp_ns)
{
    struct poll_figure pf;
    if (!(t->flags & TW_TF_ROOT) || !(t->flags & TW_TF_LOOP) || !t->os_tid) return 0;
    for (size_t k = 0; k < a->m->ntasks; k++) {
        const struct mtask *x = &a->m->tasks[k];
        if (x != t && !x->torn && !x->hidden && !(x->flags & TW_TF_ROOT) && x->os_tid == t->os_tid &&
            long_poll_at(a, k, lp_ns, &pf))
            return 1;
    }
    return 0;
}

/* long_poll: a poll that held its thread longer than the threshold (longpoll.c) */
void twc__detect_long_poll(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    struct poll_figure pf;
    uint64_t lp_ns = (uint64_t)a->long_poll_ms * 1000000ull;
    if (!(twc__task_live(t) || t->polls) || !long_poll_at(a, i, lp_ns, &pf) || inner_poll_too_long(a, t, lp_ns))
        return;
    struct alert *x = twc__alert_add(L, "long_poll", t);
    if (x && pf.measured)
        snprintf(x->message, sizeof x->message, "%s %s %.1f ms without yielding, not counting time preempted (threshold %u ms)",
                 tn, pf.running ? "has been polling for at least" : "polled for", pf.ns / 1e6, a->long_poll_ms);
    else if (x)
        snprintf(x->message, sizeof x->message, "%s %s %.1f ms without yielding (threshold %u ms; may include preemption: %s)",
                 tn, pf.running ? "has been polling for" : "polled for", pf.ns / 1e6, a->long_poll_ms,
                 twc__preemption_unknown_why(a->s));
}

/* lost_waker: waiting, untimed, with no waker alive (region models only: attach-only threads
 * have no wakers) */
void twc__detect_lost_waker(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    (void)i;
    if (!twc__task_live(t) || t->state != TW_TASK_WAITING || (t->wait_kind != TW_WAIT_PARK && t->wait_kind != TW_WAIT_NONE) ||
        t->wakers_alive > 0 || (t->flags & TW_TF_TIMED) || a->s->facts)
        return;
    struct alert *x = twc__alert_add(L, "lost_waker", t);
    if (x) snprintf(x->message, sizeof x->message, "%s is waiting (%s) but no waker for it is alive: nothing can wake it",
                    tn, twc__wait_kind_name(t->wait_kind));
}

/* lost_wakeup: a condvar wait nobody left can signal */
void twc__detect_lost_wakeup(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    if (!twc__task_live(t) || !a->have_g || t->state != TW_TASK_WAITING || !a->g.stuck[i] || a->g.cls[i] != WK_UNKNOWN) return;
    const struct mres *r = twc__model_res(a->m, t->waiting_on);
    if (!r || r->kind != TW_RES_CONDVAR) return;
    char rn[160];
    struct alert *x = twc__alert_add(L, "lost_wakeup", t);
    if (x) snprintf(x->message, sizeof x->message, "%s waits on condvar %s but every task that could signal it is itself blocked",
                    tn, twc__res_name(a->s, r, rn, sizeof rn));
}

void twc__detect_self_wake(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    (void)a; (void)i;
    if (!twc__task_live(t) || t->wakes < 10 || (uint64_t)t->self_wakes * 2 <= t->wakes) return;
    struct alert *x = twc__alert_add(L, "self_wake", t);
    if (x) snprintf(x->message, sizeof x->message, "%s woke itself %u of %u times: it may be busy-looping through the scheduler",
                    tn, t->self_wakes, t->wakes);
}

/* Is another task a hog through this one's wait since r0: polling through more than a second of
 * it without yielding? */
static int hogged_since(struct alert_scan *a, size_t i, uint64_t r0)
{
    struct twc_session *s = a->s;
    const struct model *m = a->m;
    uint64_t sec = twc__clamp_ns(STARVE_NS / (s->ns_per_raw > 0 ? s->ns_per_raw : 1.0));
    for (size_t k = 0; k < m->ntasks; k++) {
        const struct mtask *x = &m->tasks[k];
        if (k == i || x->torn || x->state != TW_TASK_POLLING) continue;
        uint64_t b = (a->poll_begin && a->poll_begin[k]) ? a->poll_begin[k] : (s->at_now ? x->state_ts : 0);
        if (!b) continue;
        uint64_t from = b > r0 ? b : r0;
        double cpu = twc__thread_cpu_after(s, x->os_tid, from);
        double runnable = twc__thread_runnable_after(s, x->os_tid, from);
        /* Proof of a hog, whatever the machine's load: since the overlap began, the hog's
         * thread never stopped being runnable for a whole second (it did not yield) and burned
         * a fifth of a second of CPU (no healthy poll comes close; an overloaded host alone
         * cannot produce it). Where the kernel's accounting cannot be read (a core, a
         * snapshot, no thread source), the region's clock must show the second. */
        if (cpu >= 0 && runnable >= 0 ? cpu >= 0.2 * (double)STARVE_NS && runnable >= (double)STARVE_NS
                                      : a->now > from && a->now - from >= sec)
            return 1;
    }
    return 0;
}

/* ready_starvation: ready for over a second while another task has been polling through a
 * second of this wait (a hog holding the worker). Being overtaken by a task that became ready
 * later is not proof enough: with per-worker queues on an overloaded host it happens without
 * any bug, and an overloaded but fair scheduler makes tasks wait long, but in order. */
void twc__detect_ready_starvation(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    if (!twc__task_live(t) || t->state != TW_TASK_READY || t->paused) return;
    uint64_t r0 = (a->since && a->since[i]) ? a->since[i] : (a->s->at_now ? t->state_ts : 0);
    if (!r0 || a->now_live <= r0 || twc__dur_ns(a->s, a->now_live - r0) <= STARVE_NS || !hogged_since(a, i, r0)) return;
    struct alert *x = twc__alert_add(L, "ready_starvation", t);
    if (x) snprintf(x->message, sizeof x->message, "%s has been ready for %.2f s while other tasks were polled",
                    tn, twc__dur_ns(a->s, a->now_live - r0) / 1e9);
}

void twc__detect_long_pause(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    if (!twc__task_live(t) || !t->paused || !a->pause_ts || !a->pause_ts[i] || a->now <= a->pause_ts[i] ||
        twc__dur_ns(a->s, a->now - a->pause_ts[i]) <= LONG_PAUSE_NS)
        return;
    struct alert *x = twc__alert_add(L, "long_pause", t);
    if (x) snprintf(x->message, sizeof x->message, "%s has been paused for %.1f s", tn, twc__dur_ns(a->s, a->now - a->pause_ts[i]) / 1e9);
}
