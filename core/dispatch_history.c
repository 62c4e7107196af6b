/* dispatch_history.c — back, forward, at, now: moving the session's view through the
 * retained history. Positions are indexes into the merged event list; SEQ = twc__event_seq(index)
 * (an event's number in its ring x ring slots + ring index: docs/region.md), stable in every read.
 * An event outside the retained history is not found (TWC_ENOTFOUND), not a usage error. */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "commands.h"
#include "dispatch.h"

static void set_pos(struct twc_session *s, long long idx)
{
    if (idx >= (long long)s->nevents - 1) { s->at_now = 1; s->view_valid = 0; return; }
    if (idx < (long long)s->horizon) idx = (long long)s->horizon;
    if (s->at_now || s->at_idx != (size_t)idx) s->view_valid = 0;
    s->at_now = 0;
    s->at_idx = (size_t)idx;
}

/* the index of the previous time task `id` began the await it is blocked at now */
static int back_await(struct twc_session *s, const struct model *m, uint64_t id, char *note, size_t nl, char *err, size_t errlen)
{
    const struct mtask *t = twc__model_task(m, id);
    if (!t || t->hidden) { MSG(err, errlen, "no task %llu", (unsigned long long)id); return TWC_ENOTFOUND; }
    if (t->state != TW_TASK_WAITING || !t->await_site) { MSG(err, errlen, "task %llu is not blocked at an await", (unsigned long long)id); return TWC_EUSAGE; }
    size_t end = s->at_now ? s->nevents : s->at_idx + 1;
    long long hits[2] = { -1, -1 };
    int nh = 0;
    for (size_t i = end; i > s->horizon && nh < 2; i--) {
        const struct tw_event *e = &s->events[i - 1].ev;
        if (e->task != id) continue;
        int begins = e->type == TW_EV_AWAIT_BEGIN || e->type == TW_EV_ACQUIRE_REQ || e->type == TW_EV_BLOCK_FULL || e->type == TW_EV_BLOCK_EMPTY;
        uint32_t at = e->aux;
        if (e->type == TW_EV_POLL_END && TW_EVF_KIND(e->flags)) { begins = 1; at = TW_POLL_END_WAIT_SITE(e->old); } /* ABI 1.6 */
        if (begins && at == t->await_site) hits[nh++] = (long long)(i - 1);
    }
    if (nh == 0) { MSG(err, errlen, "task %llu began its current await before the history horizon (#%llu)", (unsigned long long)id, (unsigned long long)twc__event_seq(s, s->horizon)); return TWC_ENOTFOUND; }
    if (nh == 2) { set_pos(s, hits[1]); snprintf(note, nl, "the previous time task %llu began this await", (unsigned long long)id); }
    else { set_pos(s, hits[0]); snprintf(note, nl, "task %llu began this await here; no earlier one within the history horizon", (unsigned long long)id); }
    return 0;
}

int twc__run_history(struct run_ctx *c)
{
    struct twc_session *s = c->s;
    const char *cmd = c->cmd;
    if (s->facts) { MSG(c->err, c->errlen, "attach-only models have no history to move through"); return TWC_EUSAGE; }
    int st = twc__load_model(s, c->err, c->errlen);
    if (!st) st = twc__load_events(s, c->err, c->errlen);
    if (st) return st;
    s->history_fields = 1;
    if (!s->nevents && strcmp(cmd, "now")) {
        MSG(c->err, c->errlen, "no events are recorded in this region (TW_LOG_EVENTS=0?), so there is no history to move through");
        return TWC_EUSAGE;
    }
    long long cur = s->at_now ? (long long)s->nevents - 1 : (long long)s->at_idx;
    if (!strcmp(cmd, "now")) { s->at_now = 1; s->view_valid = 0; }
    else if (!strcmp(cmd, "at")) {
        if (!c->has_arg) { MSG(c->err, c->errlen, "usage: at SEQ (an event number, as `log` shows them)"); return TWC_EUSAGE; }
        long idx = twc__event_index(s, c->arg);
        if (idx < (long)s->horizon) {
            MSG(c->err, c->errlen, "no event #%llu in the retained history (from #%llu to #%llu; `log` lists them)", (unsigned long long)c->arg,
                (unsigned long long)twc__event_seq(s, s->horizon), (unsigned long long)twc__event_seq(s, s->nevents - 1));
            return TWC_ENOTFOUND;
        }
        set_pos(s, idx);
        if (s->at_now) snprintf(c->note, c->notelen, "that is the newest event");
    } else if (!strcmp(cmd, "back") && c->o.await_id >= 0) {
        const struct model *m;
        st = twc__view_model(s, &m, c->err, c->errlen);
        if (!st) st = back_await(s, m, (uint64_t)c->o.await_id, c->note, c->notelen, c->err, c->errlen);
        if (st) return st;
    } else {
        long long n = c->has_arg ? (long long)(c->arg > 100000000ull ? 100000000ull : c->arg) : 1;
        long long target = !strcmp(cmd, "back") ? cur - n : cur + n;
        if (target < (long long)s->horizon) snprintf(c->note, c->notelen, "history reaches back only to #%llu", (unsigned long long)twc__event_seq(s, s->horizon));
        set_pos(s, target);
    }
    return twc__cmd_position(s, &c->o, c->b, c->note);
}
