/* commands.c — one function per `tw` command over the model shown (present or rewound).
 * Each renders either text for people or one JSON object on one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "commands.h"

static void json_begin(struct twc_session *s, struct sbuf *b)
{
    twc__sb_puts(b, "{");
    twc__json_as_of(s, b);
}

static const char *json_end = "}\n";

static void task_label(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    twc__sb_printf(b, "%s (%llu)", twc__task_name(s, t), (unsigned long long)t->id);
}

/* ---- summary ---- */
/* The members of an "alerts" array: the same objects in `summary` and in `alerts`. */
static void json_alerts(struct twc_session *s, const struct model *m, struct sbuf *b, const struct alert *al, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        twc__sb_printf(b, "%s{\"kind\":\"%s\",\"task\":", i ? "," : "", al[i].kind);
        if (al[i].has_task) twc__sb_printf(b, "%llu", (unsigned long long)al[i].task); else twc__sb_puts(b, "null");
        twc__sb_puts(b, ",\"message\":"); twc__sb_json_str(b, al[i].message);
        if (al[i].nres) { /* lock_order: the cycle's locks in order */
            twc__sb_puts(b, ",\"resources\":[");
            for (size_t k = 0; k < al[i].nres; k++) {
                const struct mres *r = twc__model_res(m, al[i].res[k]);
                char tmp[64];
                twc__sb_printf(b, "%s{\"resource\":%llu,\"name\":", k ? "," : "", (unsigned long long)al[i].res[k]);
                twc__sb_json_str(b, r ? twc__res_name(s, r, tmp, sizeof tmp) : NULL);
                twc__sb_puts(b, "}");
            }
            twc__sb_puts(b, "]");
        }
        twc__sb_printf(b, ",\"doc\":\"docs/alerts/%s.md\"}", al[i].kind);
    }
}

int twc__cmd_summary(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
                     char *err, size_t errlen)
{
    (void)id, (void)err, (void)errlen;
    size_t cnt[5] = { 0 }, paused = 0, torn = 0, total = 0;
    uint64_t polls = 0, busy = 0, sched = 0;
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || !t->id) continue;
        total++;
        if (t->state <= TW_TASK_DONE) cnt[t->state]++;
        paused += t->paused; torn += t->torn;
        polls += t->polls; busy += t->busy; sched += t->scheduled;
    }
    size_t nres = 0;
    for (size_t i = 0; i < m->nres; i++) nres += !m->res[i].hidden;
    struct alert *al = NULL; size_t nal = 0;
    twc__compute_alerts(s, m, o, &al, &nal);
    uint64_t avg_poll = polls ? twc__dur_ns(s, busy) / polls : 0, avg_ready = polls ? twc__dur_ns(s, sched) / polls : 0;
    uint64_t recorded = s->overwritten + s->nevents;
    uint64_t dropped = s->ring_dropped + ((!s->facts && s->hdr.header_size >= sizeof(struct tw_header)) ? s->hdr.events_lost : 0);
    if (o->json) {
        json_begin(s, b);
        char exe[sizeof s->hdr.exe + 1];   /* the header's need not end in a NUL */
        memcpy(exe, s->hdr.exe, sizeof s->hdr.exe);
        exe[sizeof s->hdr.exe] = 0;
        twc__sb_puts(b, ",\"program\":");   /* the program's name, as exports and `tw ps` show it */
        twc__sb_json_str(b, s->facts ? s->facts_exe : exe[0] ? exe : NULL);
        twc__sb_printf(b, ",\"source\":\"%s\",\"tasks_total\":%zu,\"counts\":{\"polling\":%zu,\"ready\":%zu,\"waiting\":%zu,\"done\":%zu,\"paused\":%zu,\"torn\":%zu}",
                  s->facts ? "attach-only" : "region", total, cnt[TW_TASK_POLLING], cnt[TW_TASK_READY], cnt[TW_TASK_WAITING], cnt[TW_TASK_DONE], paused, torn);
        twc__sb_printf(b, ",\"resources_total\":%zu,\"avg_poll_ns\":%llu,\"avg_ready_wait_ns\":%llu,\"events\":{\"recorded\":%llu,\"retained\":%zu,\"dropped\":%llu}",
                  nres, (unsigned long long)avg_poll, (unsigned long long)avg_ready, (unsigned long long)recorded, s->nevents,
                  (unsigned long long)dropped);
        int64_t later = s->at_now ? twc__image_written_after_ns(s) : -1;
        if (later >= 0) twc__sb_printf(b, ",\"image_written_after_ns\":%lld", (long long)later);
        else twc__sb_puts(b, ",\"image_written_after_ns\":null");
        twc__sb_puts(b, ",\"alerts\":[");
        json_alerts(s, m, b, al, nal);
        twc__sb_puts(b, "]");
        twc__sb_puts(b, json_end);
    } else {
        twc__text_as_of(s, b);
        if (s->facts) twc__sb_printf(b, "TurboWish (attach-only: %s)%s%s\n", s->facts_source ? s->facts_source : "facts from threads",
                                s->label[0] ? " - " : "", s->label);
        else twc__sb_printf(b, "TurboWish - pid %d (%.64s)%s%s\n", s->hdr.pid, s->hdr.exe, s->label[0] ? " - " : "", s->label);
        twc__sb_printf(b, "tasks: %zu - %zu polling, %zu ready, %zu waiting, %zu done", total, cnt[TW_TASK_POLLING],
                  cnt[TW_TASK_READY], cnt[TW_TASK_WAITING], cnt[TW_TASK_DONE]);
        if (paused) twc__sb_printf(b, " (%zu paused)", paused);
        if (torn) twc__sb_printf(b, " (%zu torn)", torn);
        twc__sb_printf(b, "\nresources: %zu    avg poll ", nres);
        twc__sb_dur(b, avg_poll);
        twc__sb_puts(b, "    avg ready-wait ");
        twc__sb_dur(b, avg_ready);
        if (!s->facts) {
            twc__sb_printf(b, "\nevents: %llu recorded, %zu retained, %llu dropped", (unsigned long long)recorded, s->nevents, (unsigned long long)dropped);
            if (s->nevents) twc__sb_printf(b, "; history reaches back to #%llu", (unsigned long long)twc__event_seq(s, s->horizon));
        }
        twc__sb_puts(b, "\n");
        twc__text_image_note(s, b);
        if (nal) {
            twc__sb_printf(b, "!! %zu alert%s:", nal, nal == 1 ? "" : "s");
            const char *seen[16]; size_t ns = 0;
            for (size_t i = 0; i < nal; i++) {
                size_t k = 0, n = 0;
                for (k = 0; k < ns; k++) if (!strcmp(seen[k], al[i].kind)) break;
                if (k < ns) continue;
                if (ns < 16) seen[ns++] = al[i].kind;
                for (size_t j = 0; j < nal; j++) n += !strcmp(al[j].kind, al[i].kind);
                twc__sb_printf(b, " %s x%zu", al[i].kind, n);
            }
            twc__sb_puts(b, " - see `alerts`\n");
            for (size_t i = 0; i < nal && i < 5; i++) twc__sb_printf(b, "   %s: %s\n", al[i].kind, al[i].message);
        } else twc__sb_puts(b, "no alerts\n");
    }
    free(al);
    return 0;
}

/* ---- tasks ---- */
static void row(struct twc_session *s, struct sbuf *b, const struct mtask *t, int namew)
{
    char busy[32], idle[32];
    struct sbuf x; twc__sb_init(&x); twc__sb_dur(&x, twc__dur_ns(s, t->busy)); snprintf(busy, sizeof busy, "%s", x.p ? x.p : ""); twc__sb_free(&x);
    twc__sb_dur(&x, twc__dur_ns(s, t->idle)); snprintf(idle, sizeof idle, "%s", x.p ? x.p : ""); twc__sb_free(&x);
    twc__sb_printf(b, "%8llu  %-*.*s  %-7s  %8llu  %9s  %9s  ", (unsigned long long)t->id, namew, namew, twc__task_name(s, t),
              twc__shown_state(s, t), (unsigned long long)t->polls, busy, idle);
    const struct blocked_poll *bp = t->state == TW_TASK_POLLING ? twc__blocked_poll(s, t) : NULL;
    if (twc__task_blocked_in_call(s, t)) { twc__sb_puts(b, "blocked in "); twc__region_wait_text(s, &s->now, t, b); }
    else if (t->state == TW_TASK_WAITING) twc__text_site(s, b, t->await_site);
    else if (bp) twc__blocked_poll_text(bp, b);
    else twc__sb_puts(b, "-");
    if (t->paused) twc__sb_puts(b, "  [paused]");
    if (t->torn) twc__sb_puts(b, "  [torn]");
    if (t->state == TW_TASK_WAITING && (t->flags & TW_TF_TIMED)) twc__sb_puts(b, "  [timed]");
    if (t->flags & TW_TF_DROPPED) twc__sb_puts(b, "  [dropped]");
    for (int a = 0; a < TW_MAX_ATTRS; a++)
        if (t->attrs[a].key) twc__sb_printf(b, "  %s=%s", twc__str_at(s, t->attrs[a].key), twc__str_at(s, t->attrs[a].value));
    twc__sb_puts(b, "\n");
}

int twc__cmd_tasks_list(struct twc_session *s, const struct mtask *tasks, size_t n, size_t total_hint,
                   const struct cmdopts *o, struct sbuf *b)
{
    size_t shown = 0;
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"tasks\":[");
        for (size_t i = 0; i < n; i++) {
            const struct mtask *t = &tasks[i];
            if (t->hidden || !t->id || (!o->all && t->state == TW_TASK_DONE)) continue;
            if (o->has_limit && shown >= (size_t)o->limit) break;
            if (shown++) twc__sb_puts(b, ",");
            twc__json_task(s, NULL, NULL, b, t, 0);
        }
        twc__sb_printf(b, "],\"shown\":%zu,\"total\":%zu", shown, total_hint);
        twc__sb_puts(b, json_end);
        return 0;
    }
    twc__text_as_of(s, b);
    int namew = 4;
    for (size_t i = 0, k = 0; i < n && (!o->has_limit || k < (size_t)o->limit); i++) {
        const struct mtask *t = &tasks[i];
        if (t->hidden || !t->id || (!o->all && t->state == TW_TASK_DONE)) continue;
        k++;
        int l = (int)strlen(twc__task_name(s, t));
        if (l > namew) namew = l;
    }
    if (namew > 28) namew = 28;
    twc__sb_printf(b, "%8s  %-*s  %-7s  %8s  %9s  %9s  %s\n", "ID", namew, "NAME", "STATE", "POLLS", "BUSY", "IDLE", "AWAIT / ATTRIBUTES");
    for (size_t i = 0; i < n; i++) {
        const struct mtask *t = &tasks[i];
        if (t->hidden || !t->id || (!o->all && t->state == TW_TASK_DONE)) continue;
        if (o->has_limit && shown >= (size_t)o->limit) break;
        shown++;
        row(s, b, t, namew);
    }
    twc__sb_printf(b, "(%zu shown of %zu%s)\n", shown, total_hint, o->all ? "" : "; done tasks hidden, --all shows them");
    twc__text_image_note(s, b);
    return 0;
}

/* ---- task ID ---- */
static void text_hist(struct sbuf *b, const char *title, const uint32_t *h)
{
    uint32_t mx = 0;
    for (int i = 0; i < TW_HIST_BUCKETS; i++) if (h[i] > mx) mx = h[i];
    twc__sb_printf(b, "  %s:%s\n", title, mx ? "" : " (none)");
    if (!mx) return;
    for (int i = 0; i < TW_HIST_BUCKETS; i++) {
        if (!h[i]) continue;
        struct sbuf x; twc__sb_init(&x);
        if (i == 0) twc__sb_puts(&x, "<"); else twc__sb_puts(&x, ">=");
        twc__sb_dur(&x, i == 0 ? 1024 : 1ull << (i + 9));
        int bar = (int)((uint64_t)h[i] * 40 / mx);
        if (!bar) bar = 1;
        twc__sb_printf(b, "    %9s %-40.*s %u\n", x.p ? x.p : "", bar, "########################################", h[i]);
        twc__sb_free(&x);
    }
}

static void recent_events(struct twc_session *s, struct sbuf *b, uint64_t task, int json, size_t max)
{
    size_t end = s->at_now ? s->nevents : s->at_idx + 1;
    size_t found = 0, start = end;
    while (start > 0 && found < max) { start--; if (s->events[start].ev.task == task) found++; }
    int first = 1;
    for (size_t i = start; i < end; i++) {
        const struct mevent *e = &s->events[i];
        if (e->ev.task != task) continue;
        if (json) {
            twc__sb_printf(b, "%s{\"seq\":%llu,\"ts_ns\":%llu,\"type\":\"%s\",\"resource\":%u}", first ? "" : ",",
                      (unsigned long long)twc__event_seq(s, i), (unsigned long long)twc__raw_to_ns(s, e->ev.ts),
                      twc__event_type_name(e->ev.type), e->ev.res);
        } else twc__sb_printf(b, "    #%-8llu %-14s res %u\n", (unsigned long long)twc__event_seq(s, i), twc__event_type_name(e->ev.type), e->ev.res);
        first = 0;
    }
}

int twc__cmd_task(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
             char *err, size_t errlen)
{
    const struct mtask *t = twc__model_task(m, id);
    if (!t || t->hidden) { MSG(err, errlen, "no task %llu%s", (unsigned long long)id, s->at_now ? "" : " at this point of history"); return TWC_ENOTFOUND; }
    char tmp[64];
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"task\":");
        twc__json_task(s, m, NULL, b, t, 1);
        twc__sb_puts(b, ",\"events\":[");
        recent_events(s, b, t->id, 1, 20);
        twc__sb_puts(b, "]");
        twc__sb_puts(b, json_end);
        return 0;
    }
    twc__text_as_of(s, b);
    twc__sb_printf(b, "task %llu %s: %s%s%s%s\n", (unsigned long long)t->id, twc__task_name(s, t), twc__shown_state(s, t),
              t->paused ? ", paused" : "", t->torn ? ", TORN (caught mid-update)" : "", (t->flags & TW_TF_DROPPED) ? ", dropped" : "");
    twc__sb_puts(b, "  spawned at ");
    twc__text_site(s, b, t->spawn_site);
    twc__sb_printf(b, "  (parent %u, thread %u)\n", t->parent, t->os_tid);
    twc__sb_printf(b, "  polls %llu, busy ", (unsigned long long)t->polls); twc__sb_dur(b, twc__dur_ns(s, t->busy));
    twc__sb_puts(b, ", ready-wait "); twc__sb_dur(b, twc__dur_ns(s, t->scheduled));
    twc__sb_puts(b, ", idle "); twc__sb_dur(b, twc__dur_ns(s, t->idle));
    twc__sb_printf(b, "; wakes %u (%u self), wakers alive %d\n", t->wakes, t->self_wakes, t->wakers_alive);
    if (twc__task_blocked_in_call(s, t))
        twc__sb_printf(b, "  its poll has not returned: worker thread %u is blocked in this call\n", t->os_tid);
    if (t->state == TW_TASK_WAITING) {
        twc__sb_printf(b, "  waits (%s%s) at ", twc__wait_kind_name(t->wait_kind), (t->flags & TW_TF_TIMED) ? ", timed" : "");
        twc__text_site(s, b, t->await_site);
        if (t->wait_kind == TW_WAIT_JOIN) {
            const struct mtask *j = twc__model_task(m, t->waiting_on);
            twc__sb_printf(b, "\n    on task %llu %s\n", (unsigned long long)t->waiting_on, j ? twc__task_name(s, j) : "?");
        } else {
            const struct mres *r = twc__model_res(m, t->waiting_on);
            twc__sb_printf(b, "\n    on %s (%s %llu)\n", r ? twc__res_name(s, r, tmp, sizeof tmp) : "?", r ? twc__res_kind_name(r->kind) : "resource",
                      (unsigned long long)t->waiting_on);
        }
    } else twc__sb_puts(b, "  not waiting\n");
    static const char *titles[] = { NULL, "holds", "sender of", "receiver of", "intends (conditional)", "intends (unconditional)", "holds (shared)" };
    for (int role = 1; role <= 6; role++) {
        int any = 0;
        for (int e = 0; e < TW_MAX_EDGES; e++) {
            if (!t->edges[e].res || t->edges[e].role != role) continue;
            const struct mres *r = twc__model_res(m, t->edges[e].res);
            if (!any) twc__sb_printf(b, "  %s:", titles[role]);
            twc__sb_printf(b, " %s (%s %llu)", r ? twc__res_name(s, r, tmp, sizeof tmp) : "?", r ? twc__res_kind_name(r->kind) : "?",
                      (unsigned long long)t->edges[e].res);
            if (role >= 4) twc__sb_printf(b, "[%s]", t->edges[e].dir == TW_DIR_SEND ? "send" : t->edges[e].dir == TW_DIR_RECV ? "recv" : "acquire");
            else if (t->edges[e].count > 1) twc__sb_printf(b, "x%u", t->edges[e].count);
            any = 1;
        }
        if (any) twc__sb_puts(b, "\n");
    }
    for (int a = 0; a < TW_MAX_ATTRS; a++)
        if (t->attrs[a].key) twc__sb_printf(b, "  attr %s = %s\n", twc__str_at(s, t->attrs[a].key), twc__str_at(s, t->attrs[a].value));
    twc__text_task_stacks(s, b, t);
    struct tw_task_rec rec;
    if (twc__read_task_rec(s, t, &rec) == 0) {
        text_hist(b, "poll time", rec.poll_hist);
        twc__text_poll_lines(s, b, t, &rec);
        text_hist(b, "ready-wait", rec.ready_hist);
    }
    if (s->events_loaded) { twc__sb_puts(b, "  recent events:\n"); recent_events(s, b, t->id, 0, 10); }
    return 0;
}

/* ---- resources ---- */
int twc__cmd_resources(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
                       char *err, size_t errlen)
{
    (void)id, (void)err, (void)errlen;
    struct derived d;
    if (twc__derive(m, &d)) return TWC_EINTERNAL;
    char tmp[64];
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"resources\":[");
        size_t k = 0;
        for (size_t i = 0; i < m->nres; i++) {
            if (m->res[i].hidden) continue;
            if (o->has_limit && k >= (size_t)o->limit) break;
            if (k++) twc__sb_puts(b, ",");
            twc__json_res(s, m, &d, b, &m->res[i], i);
        }
        twc__sb_puts(b, "]");
        twc__sb_puts(b, json_end);
    } else {
        twc__text_as_of(s, b);
        twc__sb_printf(b, "%18s  %-24s  %-9s  %-10s  %8s  %s\n", "ID", "NAME", "KIND", "CLASS", "UNITS", "HOLDERS / WAITERS");
        size_t k = 0;
        for (size_t i = 0; i < m->nres; i++) {
            const struct mres *r = &m->res[i];
            if (r->hidden) continue;
            if (o->has_limit && k >= (size_t)o->limit) break;
            k++;
            char units[48];
            if (r->class_ == TW_CLASS_CONSUMABLE) snprintf(units, sizeof units, "%lld/%lld", (long long)r->queued, (long long)r->capacity);
            else snprintf(units, sizeof units, "%lld/%lld", (long long)r->available, (long long)r->capacity);
            twc__sb_printf(b, "%18llu  %-24.24s  %-9s  %-10s  %8s  ", (unsigned long long)r->id, twc__res_name(s, r, tmp, sizeof tmp),
                      twc__res_kind_name(r->kind), twc__class_name(r->class_), units);
            size_t nh = 0;
            for (uint32_t e = d.hold_start[i]; e < d.hold_start[i + 1]; e++) {
                const struct rel *x = &d.hold[e];
                if (x->role == TW_EDGE_INTENT_COND || x->role == TW_EDGE_INTENT_UNCOND) continue;
                twc__sb_printf(b, "%s%s%s %llu", nh++ ? ", " : "", x->role == TW_EDGE_SENDER ? "tx:" : x->role == TW_EDGE_RECEIVER ? "rx:" : "",
                          twc__task_name(s, &m->tasks[x->task]), (unsigned long long)m->tasks[x->task].id);
            }
            if (!nh) twc__sb_puts(b, "-");
            size_t nw = d.wait_start[i + 1] - d.wait_start[i];
            if (nw) twc__sb_printf(b, " / %zu waiting", nw);
            if (r->closed) twc__sb_puts(b, " [closed]");
            if (r->torn) twc__sb_puts(b, " [torn]");
            twc__sb_puts(b, "\n");
        }
    }
    twc__derived_free(&d);
    return 0;
}

int twc__cmd_resource(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
                 char *err, size_t errlen)
{
    const struct mres *r = twc__model_res(m, id);
    if (!r || r->hidden) { MSG(err, errlen, "no resource %llu%s", (unsigned long long)id, s->at_now ? "" : " at this point of history"); return TWC_ENOTFOUND; }
    struct derived d;
    if (twc__derive(m, &d)) return TWC_EINTERNAL;
    size_t ri = (size_t)(r - m->res);
    char tmp[64];
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"resource\":");
        twc__json_res(s, m, &d, b, r, ri);
        twc__sb_puts(b, json_end);
    } else {
        twc__text_as_of(s, b);
        twc__sb_printf(b, "resource %llu %s: %s (%s)%s\n", (unsigned long long)r->id, twc__res_name(s, r, tmp, sizeof tmp),
                  twc__res_kind_name(r->kind), twc__class_name(r->class_), r->closed ? ", closed" : "");
        twc__sb_puts(b, "  created at ");
        twc__text_site(s, b, r->create_site);
        twc__sb_printf(b, "\n  capacity %lld, available %lld, queued %lld\n", (long long)r->capacity, (long long)r->available, (long long)r->queued);
        static const char *titles[] = { NULL, "held by", "senders", "receivers", "may use (conditional)", "will use (unconditional)", "read-held by" };
        for (int role = 1; role <= 6; role++) {
            int any = 0;
            for (uint32_t e = d.hold_start[ri]; e < d.hold_start[ri + 1]; e++) {
                if (d.hold[e].role != role) continue;
                if (!any) twc__sb_printf(b, "  %s:", titles[role]);
                twc__sb_puts(b, " ");
                task_label(s, b, &m->tasks[d.hold[e].task]);
                any = 1;
            }
            if (any) twc__sb_puts(b, "\n");
        }
        if (d.wait_start[ri + 1] > d.wait_start[ri]) {
            twc__sb_puts(b, "  waiting:\n");
            for (uint32_t e = d.wait_start[ri]; e < d.wait_start[ri + 1]; e++) {
                const struct mtask *t = &m->tasks[d.wait[e]];
                twc__sb_puts(b, "    ");
                task_label(s, b, t);
                twc__sb_printf(b, " (%s) at ", twc__wait_kind_name(t->wait_kind));
                twc__text_site(s, b, t->await_site);
                twc__sb_puts(b, "\n");
            }
        } else twc__sb_puts(b, "  nobody waits on it\n");
    }
    twc__derived_free(&d);
    return 0;
}

/* ---- deadlocks ---- */
static const char *relation(unsigned kind, const struct mres *r, int holders)
{
    switch (kind) {
    case TW_WAIT_RECV: return "(empty) whose senders are";
    case TW_WAIT_SEND: return "(full) whose receivers are";
    default:
        if (kind != TW_WAIT_ACQUIRE && !holders) return "which may be signalled by";
        return r && r->kind == TW_RES_SEMAPHORE ? "units held by" : "held by";
    }
}

/* "-> NAME (kind) held by A (1), B (2)": the resource task t waits on and its holders; with
 * none known, the chain's next task (the one that can wake t), if any. */
static void text_res_line(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                          const struct mtask *t, uint32_t ri, const struct mtask *next)
{
    char tmp[64];
    const struct mres *r = &m->res[ri];
    unsigned kind = twc__wait_kind_on(t, r->id);   /* a select's branch is a receive or a send */
    twc__sb_printf(b, "-> %s (%s)", twc__res_name(s, r, tmp, sizeof tmp), twc__res_kind_name(r->kind));
    size_t nh = twc__res_holders(d, ri, kind, NULL, NULL);
    if (nh) {
        twc__sb_printf(b, " %s ", relation(kind, r, 1));
        twc__text_holders(s, m, d, b, ri, kind);
    } else if (next) {
        twc__sb_printf(b, " %s ", relation(kind, r, 0));
        task_label(s, b, next);
    }
}

/* "NAME (ID) waits at FILE:LINE EXPR" and a newline */
static void text_waits_at(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    task_label(s, b, t);
    twc__sb_puts(b, " waits at ");
    twc__text_site(s, b, t->await_site);
    twc__sb_puts(b, "\n");
}

/* The index of the first task entry after entry k of a chain, n when there is none. */
static size_t next_task_in(const struct dl_entry *c, size_t n, size_t k)
{
    size_t nx = k + 1;
    while (nx < n && !c[nx].is_task) nx++;
    return nx;
}

void twc__text_chain(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                const struct dl_entry *c, size_t n, int global)
{
    for (size_t k = 0; k < n; k++) {
        if (!c[k].is_task) continue;
        const struct mtask *t = &m->tasks[c[k].idx];
        if (k + 1 < n && c[k + 1].via_poll) {   /* the chain leaves the region at its blocked poll */
            twc__text_poll_link(s, m, b, c[k].idx);
            continue;
        }
        twc__sb_puts(b, "  ");
        text_waits_at(s, b, t);
        /* the next task in the chain, or the first (the last waits for the first) */
        size_t nx = next_task_in(c, n, k);
        const struct mtask *next = global ? NULL : &m->tasks[c[nx < n ? nx : 0].idx];
        if (k + 1 < n && !c[k + 1].is_task) {
            twc__sb_puts(b, "    ");
            text_res_line(s, m, d, b, t, c[k + 1].idx, next);
        } else if (t->wait_kind == TW_WAIT_JOIN && (next || twc__model_task(m, t->waiting_on))) {
            /* a global chain has no "next" to wake t, but the joined task is known */
            twc__sb_puts(b, "    -> joins ");
            task_label(s, b, next ? next : twc__model_task(m, t->waiting_on));
        } else if (global) twc__sb_printf(b, "    -> (%s, no task left to wake it)", twc__wait_kind_name(t->wait_kind));
        if (!global && nx >= n) twc__sb_puts(b, "  <- back to the start");
        twc__sb_puts(b, "\n");
    }
}

int twc__cmd_deadlocks(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
                       char *err, size_t errlen)
{
    (void)id, (void)err, (void)errlen;
    struct deadlock *d; size_t n;
    struct derived dv;
    if (twc__derive(m, &dv)) return TWC_EINTERNAL;
    if (twc__find_deadlocks(s, m, &d, &n)) { twc__derived_free(&dv); return TWC_EINTERNAL; }
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"deadlocks\":[");
        for (size_t i = 0; i < n; i++) {
            twc__sb_printf(b, "%s{\"certain\":%s,\"global\":%s,\"message\":", i ? "," : "", d[i].certain ? "true" : "false",
                      d[i].global ? "true" : "false");
            twc__sb_json_str(b, d[i].note);
            twc__sb_puts(b, ",\"chain\":[");
            for (size_t k = 0; k < d[i].n; k++) { if (k) twc__sb_puts(b, ","); twc__json_chain_entry(s, m, &dv, b, d[i].chain, k); }
            twc__sb_puts(b, "]}");
        }
        twc__sb_puts(b, "]");
        twc__sb_puts(b, json_end);
    } else {
        twc__text_as_of(s, b);
        if (!n) twc__sb_puts(b, "no deadlock: every blocked task has a possible waker that can still run\n");
        for (size_t i = 0; i < n; i++) {
            size_t nt = 0;
            for (size_t k = 0; k < d[i].n; k++) nt += d[i].chain[k].is_task;
            twc__sb_printf(b, "%s%s deadlock of %zu task%s: %s\n", d[i].certain ? "CERTAIN" : "possible", d[i].global ? " global" : "",
                      nt, nt == 1 ? "" : "s", d[i].note);
            twc__text_chain(s, m, &dv, b, d[i].chain, d[i].n, d[i].global);
        }
    }
    twc__deadlocks_free(d, n);
    twc__derived_free(&dv);
    return 0;
}

/* ---- alerts ---- */
int twc__cmd_alerts(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
                    char *err, size_t errlen)
{
    (void)id, (void)err, (void)errlen;
    struct alert *al; size_t n;
    twc__compute_alerts(s, m, o, &al, &n);
    if (o->json) {
        json_begin(s, b);
        twc__sb_printf(b, ",\"long_poll_ms\":%u,\"blocking_poll_ms\":%u,\"alerts\":[", o->long_poll_ms, o->blocking_poll_ms);
        json_alerts(s, m, b, al, n);
        twc__sb_puts(b, "]");
        twc__sb_puts(b, json_end);
    } else {
        twc__text_as_of(s, b);
        if (!n) twc__sb_puts(b, "no alerts\n");
        for (size_t i = 0; i < n; i++) twc__sb_printf(b, "%-24s %s\n%24s see docs/alerts/%s.md\n", al[i].kind, al[i].message, "", al[i].kind);
    }
    free(al);
    return 0;
}

/* ---- why ---- */
struct pick { const struct wgraph *g; uint32_t best; int want_stuck; int found; };
static void pick_fn(void *arg, uint32_t w)
{
    struct pick *p = arg;
    int st = p->g->stuck[w];
    if (!p->found || (st == p->want_stuck && p->g->stuck[p->best] != p->want_stuck)) { p->best = w; p->found = 1; }
}

static const char *exit_reason(unsigned e)
{
    switch (e) {
    case EXIT_TIMED: return "its timeout will end it";
    case EXIT_WAKE_IN_FLIGHT: return "a wake is in flight (it was signalled, posted to or released to, and has not run yet)";
    case EXIT_DONE_TARGET: return "the task it joins has finished";
    case EXIT_READY_RESOURCE: return "what it waits for is there (a message, room, a free unit, or the resource closed)";
    default: return "time or the outside world will end it";
    }
}

int twc__cmd_why(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
            char *err, size_t errlen)
{
    const struct mtask *t0 = twc__model_task(m, id);
    if (!t0 || t0->hidden) { MSG(err, errlen, "no task %llu", (unsigned long long)id); return TWC_ENOTFOUND; }
    struct wgraph g;
    if (twc__wgraph_build(&g, m)) return TWC_EINTERNAL;
    uint8_t *seen = calloc(m->ntasks + 1, 1);
    struct dl_entry *chain = malloc(((TW_MAX_EDGES + 2) * m->ntasks + 2) * sizeof *chain);
    size_t n = 0;
    const char *end = "running";
    char msg[300] = "";
    uint32_t cur = (uint32_t)(t0 - m->tasks), endtask = cur;
    if (!seen || !chain) { free(seen); free(chain); twc__wgraph_free(&g); return TWC_EINTERNAL; }
    for (size_t step = 0; step <= m->ntasks; step++) {
        const struct mtask *t = &m->tasks[cur];
        endtask = cur;
        if (seen[cur]) { end = "cycle"; snprintf(msg, sizeof msg, "back to %s (%llu): a cycle%s", twc__task_name(s, t), (unsigned long long)t->id,
                                                 g.stuck[cur] ? " nobody outside can break (certain deadlock)" : " that a task outside may still break"); break; }
        seen[cur] = 1;
        chain[n++] = (struct dl_entry){ .is_task = 1, .idx = cur };
        const struct blocked_poll *bp = t->state == TW_TASK_POLLING && !t->torn ? twc__blocked_poll(s, t) : NULL;
        if (bp) {
            if (bp->object) chain[n - 1] = (struct dl_entry){ 1, cur, DL_POLL_TASK, cur };
            /* the chain leaves the region: the worker sleeps in the kernel on an object whose
             * owner is a thread (and the task it runs, when known) */
            end = "blocked_in_poll";
            struct sbuf w; twc__sb_init(&w);
            twc__blocked_poll_text(bp, &w);
            snprintf(msg, sizeof msg, "%s (%llu) is polling, but its worker thread %u is %s", twc__task_name(s, t),
                     (unsigned long long)t->id, bp->tid, w.p ? w.p : "");
            twc__sb_free(&w);
            /* ... on to the object and, when the region knows no task holding it, its owner thread */
            if (bp->object) chain[n++] = (struct dl_entry){ 0, UINT32_MAX, DL_POLL_OBJECT, cur };
            if (bp->object && bp->owner_tid && !bp->owner_task_holds)
                chain[n++] = (struct dl_entry){ 0, UINT32_MAX, DL_POLL_OWNER, cur };
            break;
        }
        if (t->state != TW_TASK_WAITING || t->torn) {
            end = t->torn ? "torn" : twc__state_name(t->state);
            snprintf(msg, sizeof msg, "%s (%llu) is %s%s", twc__task_name(s, t), (unsigned long long)t->id, t->torn ? "torn (caught mid-update)" : twc__state_name(t->state),
                     t->state == TW_TASK_DONE ? ": it finished and will never release what it holds" : t->paused ? " but paused" : "");
            break;
        }
        uint64_t on[TW_MAX_EDGES + 1];   /* a select waits on each of its branches */
        for (size_t k = 0, nr = twc__wait_targets(t, on); k < nr; k++) {
            long ri = twc__idmap_get(&m->rmap, on[k]);
            if (ri >= 0) chain[n++] = (struct dl_entry){ .is_task = 0, .idx = (uint32_t)ri };
        }
        if (g.cls[cur] == WK_PROGRESS) {
            end = "exit";
            snprintf(msg, sizeof msg, "%s (%llu) waits on %s: %s", twc__task_name(s, t), (unsigned long long)t->id,
                     (t->flags & TW_TF_TIMED) ? "a timed wait" : twc__wait_kind_name(t->wait_kind), exit_reason(g.exit[cur]));
            break;
        }
        if (g.cls[cur] == WK_UNKNOWN) {
            end = "unknown_wakers";
            snprintf(msg, sizeof msg, "%s (%llu) waits (%s) for a waker TurboWish cannot name: any of %zu running or ready tasks may wake it%s",
                     twc__task_name(s, t), (unsigned long long)t->id, twc__wait_kind_name(t->wait_kind), g.nunblocked,
                     g.nunblocked ? "" : " - and there are none");
            break;
        }
        struct pick p = { &g, 0, g.stuck[cur], 0 };
        twc__wgraph_wakers(&g, cur, pick_fn, &p);
        if (!p.found) {
            end = "no_waker";
            snprintf(msg, sizeof msg, "%s (%llu) waits (%s) but no live task can wake it", twc__task_name(s, t), (unsigned long long)t->id,
                     twc__wait_kind_name(t->wait_kind));
            break;
        }
        cur = p.best;
    }
    if (o->json) {
        json_begin(s, b);
        twc__sb_printf(b, ",\"task\":%llu,\"chain\":[", (unsigned long long)id);
        for (size_t k = 0; k < n; k++) { if (k) twc__sb_puts(b, ","); twc__json_chain_entry(s, m, &g.d, b, chain, k); }
        twc__sb_printf(b, "],\"end\":\"%s\",\"end_task\":%llu,\"message\":", end, (unsigned long long)m->tasks[endtask].id);
        twc__sb_json_str(b, msg);
        twc__sb_puts(b, ",\"blocked_in\":");   /* the end task's, when its poll is blocked in the kernel */
        twc__json_blocked_poll(s, b, &m->tasks[endtask]);
        twc__sb_puts(b, json_end);
    } else {
        twc__text_as_of(s, b);
        for (size_t k = 0; k < n; k++) {
            if (!chain[k].is_task) continue;
            const struct mtask *t = &m->tasks[chain[k].idx];
            if (t->state != TW_TASK_WAITING) break;
            text_waits_at(s, b, t);
            size_t nx = next_task_in(chain, n, k);
            const struct mtask *nt = nx < n ? &m->tasks[chain[nx].idx] : (!strcmp(end, "cycle") ? &m->tasks[endtask] : NULL);
            for (size_t r = k + 1; r < nx; r++) {   /* its resource, or each branch of a select */
                twc__sb_puts(b, "  ");
                text_res_line(s, m, &g.d, b, t, chain[r].idx, nt);
                twc__sb_puts(b, "\n");
            }
        }
        twc__sb_printf(b, "%s\n", msg);
    }
    free(seen); free(chain);
    twc__wgraph_free(&g);
    return 0;
}

/* ---- log ---- */

int twc__cmd_log(struct twc_session *s, size_t want, const struct cmdopts *o, struct sbuf *b)
{
    size_t end = s->at_now ? s->nevents : s->at_idx + 1;
    size_t start = end > want ? end - want : 0;
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"events\":[");
        for (size_t i = start; i < end; i++) {
            const struct tw_event *e = &s->events[i].ev;
            twc__sb_printf(b, "%s{\"seq\":%llu,\"ts_ns\":%llu,\"thread\":%u,\"type\":\"%s\",\"task\":", i > start ? "," : "",
                      (unsigned long long)twc__event_seq(s, i), (unsigned long long)twc__raw_to_ns(s, e->ts), s->events[i].thread,
                      twc__event_type_name(e->type));
            if (e->task) twc__sb_printf(b, "%u", e->task); else twc__sb_puts(b, "null");
            twc__sb_puts(b, ",\"resource\":");
            if (twc__event_has_resource(e) && e->res) twc__sb_printf(b, "%u", e->res); else twc__sb_puts(b, "null");
            twc__sb_printf(b, ",\"arg\":%u,\"aux\":%u,\"version\":%u,\"old\":%llu,\"app\":%s}", e->res, e->aux, e->version,
                      (unsigned long long)e->old, (e->flags & TW_EVF_APP) ? "true" : "false");
        }
        twc__sb_puts(b, "]");
        twc__sb_puts(b, json_end);
        return 0;
    }
    twc__text_as_of(s, b);
    if (s->facts) { twc__sb_puts(b, "no history: attach-only models have no event log\n"); return 0; }
    twc__sb_printf(b, "%10s  %12s  %8s  %-14s  %8s  %s\n", "SEQ", "TIME", "THREAD", "TYPE", "TASK", "RESOURCE / ARG");
    uint64_t t_last = end ? s->events[end - 1].ev.ts : 0;
    for (size_t i = start; i < end; i++) {
        const struct tw_event *e = &s->events[i].ev;
        struct sbuf x; twc__sb_init(&x);
        uint64_t ago = t_last >= e->ts ? twc__dur_ns(s, t_last - e->ts) : 0;
        if (ago) { twc__sb_puts(&x, "-"); twc__sb_dur(&x, ago); } else twc__sb_puts(&x, "0");
        twc__sb_printf(b, "%10llu  %12s  %8u  %-14s  %8u  %u%s\n", (unsigned long long)twc__event_seq(s, i), x.p ? x.p : "", s->events[i].thread,
                  twc__event_type_name(e->type), e->task, e->res, (e->flags & TW_EVF_APP) ? "  (app)" : "");
        twc__sb_free(&x);
    }
    twc__sb_printf(b, "(%zu of %zu retained events; history reaches back to #%llu, %llu older events overwritten)\n", end - start, s->nevents,
              (unsigned long long)twc__event_seq(s, s->horizon), (unsigned long long)s->overwritten);
    return 0;
}

/* ---- moving through history ---- */
int twc__cmd_position(struct twc_session *s, const struct cmdopts *o, struct sbuf *b, const char *note)
{
    if (o->json) {
        json_begin(s, b);
        twc__sb_puts(b, ",\"event\":");
        if (!s->at_now && s->at_idx < s->nevents) {
            const struct tw_event *e = &s->events[s->at_idx].ev;
            twc__sb_printf(b, "{\"seq\":%llu,\"ts_ns\":%llu,\"type\":\"%s\",\"task\":%u,\"resource\":%u}", (unsigned long long)twc__event_seq(s, s->at_idx),
                      (unsigned long long)twc__raw_to_ns(s, e->ts), twc__event_type_name(e->type), e->task, e->res);
        } else twc__sb_puts(b, "null");
        twc__sb_puts(b, ",\"message\":");
        twc__sb_json_str(b, note);
        twc__sb_puts(b, json_end);
        return 0;
    }
    if (s->at_now) twc__sb_printf(b, "at now (newest event #%llu)%s%s\n", s->nevents ? (unsigned long long)twc__event_seq(s, s->nevents - 1) : 0ull,
                             note[0] ? "; " : "", note);
    else {
        const struct tw_event *e = &s->events[s->at_idx].ev;
        twc__text_as_of(s, b);
        twc__sb_printf(b, "at event #%llu: %s task %u res %u%s%s\n", (unsigned long long)twc__event_seq(s, s->at_idx), twc__event_type_name(e->type),
                  e->task, e->res, note[0] ? "; " : "", note);
    }
    return 0;
}
