/* loop_polls.c — a thread running an event loop, blocked inside its poll.
 *
 * Under the pthread adapter a thread is a task, and one that waits in epoll_wait, poll or select
 * runs an event loop (TW_TF_LOOP, set by the adapter's loop waits: adapters/pthread/evloop.c).
 * Its poll is the stretch between a return from a loop wait and the next loop wait. Waiting in
 * the loop wait itself (TW_TF_LOOP_WAIT) is an idle loop: healthy. Any other wait the adapter
 * recorded in that stretch — nanosleep, a mutex, a condvar, a blocking read — holds up every
 * client of the loop while it lasts: redis's `DEBUG SLEEP` kept a PING waiting 2.5 s and the
 * thread only read "waiting … nanosleep [timed]". Such a wait longer than the threshold is the
 * blocking_in_poll alert, named from the region alone (call, object, holder, site), so it reads
 * the same live, from a core and in every frontend. Its figure is the wait in progress, judged at
 * the present only: a wait that ended is no longer a stall (the rewound history keeps no
 * TW_TF_LOOP_WAIT). A loop thread blocked in a call the adapter does not wrap stays polling and
 * is joined with the thread's kernel facts (kernel_waits.c, blocked_polls.c). */
#include <stdio.h>
#include <string.h>
#include "alerts.h"

int twc__loop_blocked(const struct twc_session *s, const struct mtask *t)
{
    return s->at_now && t->state == TW_TASK_WAITING && (t->flags & TW_TF_LOOP) && !(t->flags & TW_TF_LOOP_WAIT);
}

/* A runtime task blocked in a call inside its poll that the pthread adapter recorded (tw run):
 * the record has it waiting, but its poll never ended and its worker thread is in the call
 * (TW_TF_IN_CALL, ABI 1.7). Told as polling, and judged like a loop thread's blocked poll. A
 * fact of the present, like the loop's. */
int twc__task_blocked_in_call(const struct twc_session *s, const struct mtask *t)
{
    return s->at_now && t->state == TW_TASK_WAITING && (t->flags & TW_TF_IN_CALL) && !(t->flags & TW_TF_ROOT) && !t->torn;
}

const char *twc__shown_state(const struct twc_session *s, const struct mtask *t)
{
    return twc__task_blocked_in_call(s, t) ? "polling" : twc__state_name(t->state);
}

/* Polls nest on one thread: libuv's loop iteration runs its callbacks inside it, tokio's
 * LocalSet polls its tasks inside the poll of the task driving it (block_on), and under tw run
 * the thread's own task is polling too. The thread is in the innermost poll, the one begun
 * last; an outer one only waits for it to return, and blaming it would raise a second alert
 * for one blocked call. 1 when a poll on t's thread began inside t's. */
int twc__inner_poll_on_thread(const struct model *m, const struct mtask *t)
{
    for (size_t k = 0; t->os_tid && k < m->ntasks; k++) {
        const struct mtask *x = &m->tasks[k];
        if (x == t || x->torn || x->state != TW_TASK_POLLING || x->os_tid != t->os_tid || (x->flags & TW_TF_ROOT)) continue;
        if (t->state != TW_TASK_POLLING || x->state_ts > t->state_ts || (x->state_ts == t->state_ts && x->id > t->id)) return 1;
    }
    return 0;
}

/* The task whose record holds resource res_id (a lock the adapter saw taken), NULL when none. */
const struct mtask *twc__task_holding(const struct model *m, uint64_t res_id)
{
    for (size_t k = 0; res_id && k < m->ntasks; k++)
        for (int e = 0; e < TW_MAX_EDGES; e++)
            if (m->tasks[k].edges[e].res == res_id &&
                (m->tasks[k].edges[e].role == TW_EDGE_HOLD || m->tasks[k].edges[e].role == TW_EDGE_HOLD_SHARED))
                return &m->tasks[k];
    return NULL;
}

/* "nanosleep in debugCommand", "pthread_mutex_lock on cfg_lock held by cfg-reloader (3) at
 * evloop-stall.c:40" */
void twc__region_wait_text(struct twc_session *s, const struct model *m, const struct mtask *t, struct sbuf *b)
{
    const struct tw_site_rec *site = twc__site_at(s, t->await_site);
    twc__sb_puts(b, site ? twc__str_at(s, site->expr) : "a call");
    const struct mres *r = t->wait_kind != TW_WAIT_JOIN ? twc__model_res(m, t->waiting_on) : NULL;
    if (r) {
        char rn[160];
        twc__sb_printf(b, " on %s", twc__res_name(s, r, rn, sizeof rn));
        const struct mtask *h = twc__task_holding(m, r->id);
        if (h) twc__sb_printf(b, " held by %s (%llu)", twc__task_name(s, h), (unsigned long long)h->id);
    }
    if (site && site->line > 0) {
        const char *f = twc__str_at(s, site->file), *slash = strrchr(f, '/');
        twc__sb_printf(b, " at %s:%u", slash ? slash + 1 : f, site->line);
    }
}

/* blocking_in_poll of an event loop thread (docs/alerts/blocking_in_poll.md) */
void twc__detect_blocking_in_loop(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    (void)i;
    int loop = twc__loop_blocked(a->s, t);
    if (!(loop || twc__task_blocked_in_call(a->s, t)) || twc__inner_poll_on_thread(a->m, t)) return;
    double ms;
    struct alert *x = twc__blocking_alert(a, t, L, &ms);
    if (!x) return;
    struct sbuf w; twc__sb_init(&w);
    twc__region_wait_text(a->s, a->m, t, &w);
    if (loop)
        snprintf(x->message, sizeof x->message, "%s has blocked its event loop (thread %u) for %.1f ms inside a poll: blocked in %s (threshold %u ms)",
                 tn, t->os_tid, ms, w.p ? w.p : "", a->blocking_poll_ms);
    else
        snprintf(x->message, sizeof x->message, "%s has blocked its worker thread %u for %.1f ms inside a poll: blocked in %s (threshold %u ms)",
                 tn, t->os_tid, ms, w.p ? w.p : "", a->blocking_poll_ms);
    twc__sb_free(&w);
}
