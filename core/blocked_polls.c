/* blocked_polls.c — a task blocking its worker thread inside a poll: one picture from both worlds.
 *
 * The region knows that a task's poll is in progress on thread T and for how long; the
 * attach-only facts the frontend lends (kernel_waits.c) know what T is asleep in, on which
 * object, and which thread owns that object. Joined, `tw tasks` reads "polling, blocked in
 * pthread_mutex_lock(&cfg_lock) held by thread 4712 (cfg-reloader)", and a poll blocked longer
 * than a threshold is the blocking_in_poll alert — not long_poll, which is CPU spent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"

char *twc__object_name(struct twc_session *s, const struct model *m, uint64_t addr)
{
    char tmp[64];
    for (size_t i = 0; i < m->nres; i++) /* an adapter recorded it: its name */
        if (m->res[i].address == addr && !m->res[i].hidden) return strdup(twc__res_name(s, &m->res[i], tmp, sizeof tmp));
    const char *local = s->stack_names ? twc__stack_name(s->stack_names, addr) : NULL;
    if (local) return strdup(local);
    uint64_t bias = 0;
    const char *exe = twc__stack_names_exe(s->stack_names, &bias);
    return exe ? twc_symbolize_data(exe, bias, addr) : NULL;
}

void twc__blocked_poll_owner(const struct model *m, struct blocked_poll *bp)
{
    bp->owner_task = 0;
    bp->owner_task_holds = 0;
    /* the region says who holds it (the pthread adapter recorded the lock) */
    for (size_t i = 0; bp->object && i < m->nres; i++) {
        const struct mtask *h = m->res[i].address == bp->object ? twc__task_holding(m, m->res[i].id) : NULL;
        if (h) {
            bp->owner_task = h->id;
            bp->owner_task_holds = 1;
            return;
        }
    }
    /* else only which task the owner thread is running, if any */
    for (size_t k = 0; bp->owner_tid && k < m->ntasks; k++)
        if (m->tasks[k].state == TW_TASK_POLLING && m->tasks[k].os_tid == bp->owner_tid &&
            !(m->tasks[k].flags & TW_TF_ROOT)) {
            bp->owner_task = m->tasks[k].id;
            return;
        }
}

const char *twc__blocked_poll_call(const struct blocked_poll *bp)
{
    return bp->api_call ? bp->api_call : bp->call;
}

void twc__blocked_poll_text(const struct blocked_poll *bp, struct sbuf *b)
{
    int on_object = bp->block != TWC_BLOCK_SLEEP && bp->block != TWC_BLOCK_IO && bp->block != TWC_BLOCK_JOIN;
    if (bp->api_call && !on_object) twc__sb_printf(b, "blocked in %s", bp->api_call);
    else switch (bp->block) {
    case TWC_BLOCK_SLEEP: twc__sb_puts(b, "blocked in a sleep"); break;
    case TWC_BLOCK_IO: twc__sb_puts(b, "blocked in the kernel (I/O or a signal wait)"); break;
    case TWC_BLOCK_JOIN: twc__sb_puts(b, "blocked in pthread_join"); break;
    default:
        twc__sb_printf(b, "blocked in %s(", twc__blocked_poll_call(bp));
        if (bp->object_name) twc__sb_printf(b, "&%s", bp->object_name);
        else twc__sb_printf(b, "0x%llx", (unsigned long long)bp->object);
        twc__sb_puts(b, ")");
    }
    if (bp->owner_tid) {
        twc__sb_printf(b, " held by thread %llu", (unsigned long long)bp->owner_tid);
        if (bp->owner_name) twc__sb_printf(b, " (%s)", bp->owner_name);
    }
    if (bp->owner_task)
        twc__sb_printf(b, bp->owner_task_holds ? ", held by task %llu" : ", running task %llu",
                       (unsigned long long)bp->owner_task);
    if (bp->file && bp->line > 0) twc__sb_printf(b, " at %s:%d", bp->file, bp->line);
}

/* "blocked_in" of a task blocked in a call the pthread adapter recorded inside its poll: the same
 * object, from the region alone (the call is the site's, the owner the task the region says holds
 * the resource; no owner thread) */
static void json_blocked_in_call(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    const struct tw_site_rec *site = twc__site_at(s, t->await_site);
    const struct mres *r = t->wait_kind != TW_WAIT_JOIN ? twc__model_res(&s->now, t->waiting_on) : NULL;
    char rn[160];
    twc__sb_printf(b, "{\"thread\":%u,\"call\":", t->os_tid);
    if (site) twc__sb_json_str(b, twc__str_at(s, site->expr)); else twc__sb_puts(b, "null");
    twc__sb_printf(b, ",\"timed\":%s,\"object\":%llu,\"name\":", (t->flags & TW_TF_TIMED) ? "true" : "false",
                   (unsigned long long)(r ? r->address : 0));
    if (r) twc__sb_json_str(b, twc__res_name(s, r, rn, sizeof rn)); else twc__sb_puts(b, "null");
    twc__sb_puts(b, ",\"owner\":null,\"held_by_task\":");
    const struct mtask *holder = r ? twc__task_holding(&s->now, r->id) : NULL;
    if (holder) twc__sb_printf(b, "%llu", (unsigned long long)holder->id); else twc__sb_puts(b, "null");
    twc__sb_puts(b, ",\"file\":");
    if (site && site->line > 0) twc__sb_json_str(b, twc__str_at(s, site->file)); else twc__sb_puts(b, "null");
    twc__sb_printf(b, ",\"line\":%d,\"func\":", site ? (int)site->line : 0);
    if (site && site->func) twc__sb_json_str(b, twc__str_at(s, site->func)); else twc__sb_puts(b, "null");
    twc__sb_puts(b, "}");
}

void twc__json_blocked_poll(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    const struct blocked_poll *bp = twc__blocked_poll(s, t);
    if (!bp && twc__task_blocked_in_call(s, t)) { json_blocked_in_call(s, b, t); return; }
    if (!bp) { twc__sb_puts(b, "null"); return; }
    twc__sb_printf(b, "{\"thread\":%u,\"call\":", bp->tid);
    twc__sb_json_str(b, twc__blocked_poll_call(bp));
    twc__sb_printf(b, ",\"timed\":%s,\"object\":%llu,\"name\":", bp->timed ? "true" : "false", (unsigned long long)bp->object);
    if (bp->object_name) twc__sb_json_str(b, bp->object_name); else twc__sb_puts(b, "null");
    twc__sb_printf(b, ",\"owner\":");
    if (!bp->owner_tid) twc__sb_puts(b, "null");
    else {
        twc__sb_printf(b, "{\"thread\":%llu,\"name\":", (unsigned long long)bp->owner_tid);
        if (bp->owner_name) twc__sb_json_str(b, bp->owner_name); else twc__sb_puts(b, "null");
        twc__sb_puts(b, ",\"running_task\":");
        if (bp->owner_task && !bp->owner_task_holds) twc__sb_printf(b, "%llu", (unsigned long long)bp->owner_task);
        else twc__sb_puts(b, "null");
        twc__sb_puts(b, "}");
    }
    twc__sb_puts(b, ",\"held_by_task\":");
    if (bp->owner_task && bp->owner_task_holds) twc__sb_printf(b, "%llu", (unsigned long long)bp->owner_task);
    else twc__sb_puts(b, "null");
    twc__sb_puts(b, ",\"file\":");
    if (bp->file) twc__sb_json_str(b, bp->file); else twc__sb_puts(b, "null");
    twc__sb_printf(b, ",\"line\":%d,\"func\":", bp->line);
    if (bp->func) twc__sb_json_str(b, bp->func); else twc__sb_puts(b, "null");
    twc__sb_puts(b, "}");
}

struct alert *twc__blocking_alert(struct alert_scan *a, const struct mtask *t, struct alist *L, double *ms)
{
    uint64_t now = a->now_live > a->now ? a->now_live : a->now;
    *ms = now > t->state_ts ? twc__dur_ns(a->s, now - t->state_ts) / 1e6 : 0;
    return *ms < a->blocking_poll_ms ? NULL : twc__alert_add(L, "blocking_in_poll", t);
}

/* blocking_in_poll: a poll in progress for longer than the threshold while its worker thread
 * is asleep in the kernel (docs/alerts/blocking_in_poll.md) */
void twc__detect_blocking_in_poll(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L)
{
    (void)i;
    const struct blocked_poll *bp = twc__blocked_poll(a->s, t);
    if (!bp || t->state != TW_TASK_POLLING || twc__inner_poll_on_thread(a->m, t)) return;
    double ms;
    struct alert *x = twc__blocking_alert(a, t, L, &ms);
    if (!x) return;
    struct sbuf w; twc__sb_init(&w);
    twc__blocked_poll_text(bp, &w);
    if (t->flags & TW_TF_ROOT) /* an event loop thread's own poll (loop_polls.c) */
        snprintf(x->message, sizeof x->message, "%s has blocked its event loop (thread %u) for %.1f ms inside a poll: %s (threshold %u ms)",
                 tn, bp->tid, ms, w.p ? w.p : "", a->blocking_poll_ms);
    else
        snprintf(x->message, sizeof x->message, "%s has blocked its worker thread %u for %.1f ms inside a poll: %s (threshold %u ms)",
                 tn, bp->tid, ms, w.p ? w.p : "", a->blocking_poll_ms);
    twc__sb_free(&w);
}
