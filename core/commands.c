/* commands.c — one function per `tw` command over the model shown (present or rewound).
 * Each renders either text for people or one JSON object on one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "commands.h"

static void json_begin(struct twc_session *s, struct sbuf *b)
{
    sb_puts(b, "{");
    json_as_of(s, b);
}

static const char *json_end = "}\n";

static void task_label(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    sb_printf(b, "%s (%llu)", task_name(s, t), (unsigned long long)t->id);
}

/* ---- summary ---- */
/* The members of an "alerts" array: the same objects in `summary` and in `alerts`. */
static void json_alerts(struct twc_session *s, const struct model *m, struct sbuf *b, const struct alert *al, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sb_printf(b, "%s{\"kind\":\"%s\",\"task\":", i ? "," : "", al[i].kind);
        if (al[i].has_task) sb_printf(b, "%llu", (unsigned long long)al[i].task); else sb_puts(b, "null");
        sb_puts(b, ",\"message\":"); sb_json_str(b, al[i].message);
        if (al[i].nres) { /* lock_order: the cycle's locks in order */
            sb_puts(b, ",\"resources\":[");
            for (size_t k = 0; k < al[i].nres; k++) {
                const struct mres *r = model_res(m, al[i].res[k]);
                char tmp[64];
                sb_printf(b, "%s{\"resource\":%llu,\"name\":", k ? "," : "", (unsigned long long)al[i].res[k]);
                sb_json_str(b, r ? res_name(s, r, tmp, sizeof tmp) : NULL);
                sb_puts(b, "}");
            }
            sb_puts(b, "]");
        }
        sb_printf(b, ",\"doc\":\"docs/alerts/%s.md\"}", al[i].kind);
    }
}

int cmd_summary(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b)
{
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
    compute_alerts(s, m, o->long_poll_ms, &al, &nal);
    uint64_t avg_poll = polls ? dur_ns(s, busy) / polls : 0, avg_ready = polls ? dur_ns(s, sched) / polls : 0;
    uint64_t recorded = s->overwritten + s->nevents;
    uint64_t dropped = s->ring_dropped + ((!s->facts && s->hdr.header_size >= sizeof(struct tw_header)) ? s->hdr.events_lost : 0);
    if (o->json) {
        json_begin(s, b);
        char exe[sizeof s->hdr.exe + 1];   /* the header's need not end in a NUL */
        memcpy(exe, s->hdr.exe, sizeof s->hdr.exe);
        exe[sizeof s->hdr.exe] = 0;
        sb_puts(b, ",\"program\":");   /* the program's name, as exports and `tw ps` show it */
        sb_json_str(b, s->facts ? s->facts_exe : exe[0] ? exe : NULL);
        sb_printf(b, ",\"source\":\"%s\",\"tasks_total\":%zu,\"counts\":{\"polling\":%zu,\"ready\":%zu,\"waiting\":%zu,\"done\":%zu,\"paused\":%zu,\"torn\":%zu}",
                  s->facts ? "attach-only" : "region", total, cnt[TW_TASK_POLLING], cnt[TW_TASK_READY], cnt[TW_TASK_WAITING], cnt[TW_TASK_DONE], paused, torn);
        sb_printf(b, ",\"resources_total\":%zu,\"avg_poll_ns\":%llu,\"avg_ready_wait_ns\":%llu,\"events\":{\"recorded\":%llu,\"retained\":%zu,\"dropped\":%llu}",
                  nres, (unsigned long long)avg_poll, (unsigned long long)avg_ready, (unsigned long long)recorded, s->nevents,
                  (unsigned long long)dropped);
        int64_t later = s->at_now ? image_written_after_ns(s) : -1;
        if (later >= 0) sb_printf(b, ",\"image_written_after_ns\":%lld", (long long)later);
        else sb_puts(b, ",\"image_written_after_ns\":null");
        sb_puts(b, ",\"alerts\":[");
        json_alerts(s, m, b, al, nal);
        sb_puts(b, "]");
        sb_puts(b, json_end);
    } else {
        text_as_of(s, b);
        if (s->facts) sb_printf(b, "TurboWish (attach-only: %s)%s%s\n", s->facts_source ? s->facts_source : "facts from threads",
                                s->label[0] ? " - " : "", s->label);
        else sb_printf(b, "TurboWish - pid %d (%.64s)%s%s\n", s->hdr.pid, s->hdr.exe, s->label[0] ? " - " : "", s->label);
        sb_printf(b, "tasks: %zu - %zu polling, %zu ready, %zu waiting, %zu done", total, cnt[TW_TASK_POLLING],
                  cnt[TW_TASK_READY], cnt[TW_TASK_WAITING], cnt[TW_TASK_DONE]);
        if (paused) sb_printf(b, " (%zu paused)", paused);
        if (torn) sb_printf(b, " (%zu torn)", torn);
        sb_printf(b, "\nresources: %zu    avg poll ", nres);
        sb_dur(b, avg_poll);
        sb_puts(b, "    avg ready-wait ");
        sb_dur(b, avg_ready);
        if (!s->facts) {
            sb_printf(b, "\nevents: %llu recorded, %zu retained, %llu dropped", (unsigned long long)recorded, s->nevents, (unsigned long long)dropped);
            if (s->nevents) sb_printf(b, "; history reaches back to #%llu", (unsigned long long)event_seq(s, s->horizon));
        }
        sb_puts(b, "\n");
        text_image_note(s, b);
        if (nal) {
            sb_printf(b, "!! %zu alert%s:", nal, nal == 1 ? "" : "s");
            const char *seen[16]; size_t ns = 0;
            for (size_t i = 0; i < nal; i++) {
                size_t k = 0, n = 0;
                for (k = 0; k < ns; k++) if (!strcmp(seen[k], al[i].kind)) break;
                if (k < ns) continue;
                if (ns < 16) seen[ns++] = al[i].kind;
                for (size_t j = 0; j < nal; j++) n += !strcmp(al[j].kind, al[i].kind);
                sb_printf(b, " %s x%zu", al[i].kind, n);
            }
            sb_puts(b, " - see `alerts`\n");
            for (size_t i = 0; i < nal && i < 5; i++) sb_printf(b, "   %s: %s\n", al[i].kind, al[i].message);
        } else sb_puts(b, "no alerts\n");
    }
    free(al);
    return 0;
}

/* ---- tasks ---- */
static void row(struct twc_session *s, struct sbuf *b, const struct mtask *t, int namew)
{
    char busy[32], idle[32];
    struct sbuf x; sb_init(&x); sb_dur(&x, dur_ns(s, t->busy)); snprintf(busy, sizeof busy, "%s", x.p ? x.p : ""); sb_free(&x);
    sb_dur(&x, dur_ns(s, t->idle)); snprintf(idle, sizeof idle, "%s", x.p ? x.p : ""); sb_free(&x);
    sb_printf(b, "%8llu  %-*.*s  %-7s  %8llu  %9s  %9s  ", (unsigned long long)t->id, namew, namew, task_name(s, t),
              state_name(t->state), (unsigned long long)t->polls, busy, idle);
    if (t->state == TW_TASK_WAITING) text_site(s, b, t->await_site); else sb_puts(b, "-");
    if (t->paused) sb_puts(b, "  [paused]");
    if (t->torn) sb_puts(b, "  [torn]");
    if (t->state == TW_TASK_WAITING && (t->flags & TW_TF_TIMED)) sb_puts(b, "  [timed]");
    if (t->flags & TW_TF_DROPPED) sb_puts(b, "  [dropped]");
    for (int a = 0; a < TW_MAX_ATTRS; a++)
        if (t->attrs[a].key) sb_printf(b, "  %s=%s", str_at(s, t->attrs[a].key), str_at(s, t->attrs[a].value));
    sb_puts(b, "\n");
}

int cmd_tasks_list(struct twc_session *s, const struct mtask *tasks, size_t n, size_t total_hint,
                   const struct cmdopts *o, struct sbuf *b)
{
    size_t shown = 0;
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"tasks\":[");
        for (size_t i = 0; i < n; i++) {
            const struct mtask *t = &tasks[i];
            if (t->hidden || !t->id || (!o->all && t->state == TW_TASK_DONE)) continue;
            if (o->has_limit && shown >= (size_t)o->limit) break;
            if (shown++) sb_puts(b, ",");
            json_task(s, NULL, NULL, b, t, 0);
        }
        sb_printf(b, "],\"shown\":%zu,\"total\":%zu", shown, total_hint);
        sb_puts(b, json_end);
        return 0;
    }
    text_as_of(s, b);
    int namew = 4;
    for (size_t i = 0, k = 0; i < n && (!o->has_limit || k < (size_t)o->limit); i++) {
        const struct mtask *t = &tasks[i];
        if (t->hidden || !t->id || (!o->all && t->state == TW_TASK_DONE)) continue;
        k++;
        int l = (int)strlen(task_name(s, t));
        if (l > namew) namew = l;
    }
    if (namew > 28) namew = 28;
    sb_printf(b, "%8s  %-*s  %-7s  %8s  %9s  %9s  %s\n", "ID", namew, "NAME", "STATE", "POLLS", "BUSY", "IDLE", "AWAIT / ATTRIBUTES");
    for (size_t i = 0; i < n; i++) {
        const struct mtask *t = &tasks[i];
        if (t->hidden || !t->id || (!o->all && t->state == TW_TASK_DONE)) continue;
        if (o->has_limit && shown >= (size_t)o->limit) break;
        shown++;
        row(s, b, t, namew);
    }
    sb_printf(b, "(%zu shown of %zu%s)\n", shown, total_hint, o->all ? "" : "; done tasks hidden, --all shows them");
    text_image_note(s, b);
    return 0;
}

/* ---- task ID ---- */
static void text_hist(struct sbuf *b, const char *title, const uint32_t *h)
{
    uint32_t mx = 0;
    for (int i = 0; i < TW_HIST_BUCKETS; i++) if (h[i] > mx) mx = h[i];
    sb_printf(b, "  %s:%s\n", title, mx ? "" : " (none)");
    if (!mx) return;
    for (int i = 0; i < TW_HIST_BUCKETS; i++) {
        if (!h[i]) continue;
        struct sbuf x; sb_init(&x);
        if (i == 0) sb_puts(&x, "<"); else sb_puts(&x, ">=");
        sb_dur(&x, i == 0 ? 1024 : 1ull << (i + 9));
        int bar = (int)((uint64_t)h[i] * 40 / mx);
        if (!bar) bar = 1;
        sb_printf(b, "    %9s %-40.*s %u\n", x.p ? x.p : "", bar, "########################################", h[i]);
        sb_free(&x);
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
            sb_printf(b, "%s{\"seq\":%llu,\"ts_ns\":%llu,\"type\":\"%s\",\"resource\":%u}", first ? "" : ",",
                      (unsigned long long)event_seq(s, i), (unsigned long long)raw_to_ns(s, e->ev.ts),
                      event_type_name(e->ev.type), e->ev.res);
        } else sb_printf(b, "    #%-8llu %-14s res %u\n", (unsigned long long)event_seq(s, i), event_type_name(e->ev.type), e->ev.res);
        first = 0;
    }
}

int cmd_task(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
             char *err, size_t errlen)
{
    const struct mtask *t = model_task(m, id);
    if (!t || t->hidden) { MSG(err, errlen, "no task %llu%s", (unsigned long long)id, s->at_now ? "" : " at this point of history"); return TWC_ENOTFOUND; }
    char tmp[64];
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"task\":");
        json_task(s, m, NULL, b, t, 1);
        sb_puts(b, ",\"events\":[");
        recent_events(s, b, t->id, 1, 20);
        sb_puts(b, "]");
        sb_puts(b, json_end);
        return 0;
    }
    text_as_of(s, b);
    sb_printf(b, "task %llu %s: %s%s%s%s\n", (unsigned long long)t->id, task_name(s, t), state_name(t->state),
              t->paused ? ", paused" : "", t->torn ? ", TORN (caught mid-update)" : "", (t->flags & TW_TF_DROPPED) ? ", dropped" : "");
    sb_puts(b, "  spawned at ");
    text_site(s, b, t->spawn_site);
    sb_printf(b, "  (parent %u, thread %u)\n", t->parent, t->os_tid);
    sb_printf(b, "  polls %llu, busy ", (unsigned long long)t->polls); sb_dur(b, dur_ns(s, t->busy));
    sb_puts(b, ", ready-wait "); sb_dur(b, dur_ns(s, t->scheduled));
    sb_puts(b, ", idle "); sb_dur(b, dur_ns(s, t->idle));
    sb_printf(b, "; wakes %u (%u self), wakers alive %d\n", t->wakes, t->self_wakes, t->wakers_alive);
    if (t->state == TW_TASK_WAITING) {
        sb_printf(b, "  waits (%s%s) at ", wait_kind_name(t->wait_kind), (t->flags & TW_TF_TIMED) ? ", timed" : "");
        text_site(s, b, t->await_site);
        if (t->wait_kind == TW_WAIT_JOIN) {
            const struct mtask *j = model_task(m, t->waiting_on);
            sb_printf(b, "\n    on task %llu %s\n", (unsigned long long)t->waiting_on, j ? task_name(s, j) : "?");
        } else {
            const struct mres *r = model_res(m, t->waiting_on);
            sb_printf(b, "\n    on %s (%s %llu)\n", r ? res_name(s, r, tmp, sizeof tmp) : "?", r ? res_kind_name(r->kind) : "resource",
                      (unsigned long long)t->waiting_on);
        }
    } else sb_puts(b, "  not waiting\n");
    static const char *titles[] = { NULL, "holds", "sender of", "receiver of", "intends (conditional)", "intends (unconditional)", "holds (shared)" };
    for (int role = 1; role <= 6; role++) {
        int any = 0;
        for (int e = 0; e < TW_MAX_EDGES; e++) {
            if (!t->edges[e].res || t->edges[e].role != role) continue;
            const struct mres *r = model_res(m, t->edges[e].res);
            if (!any) sb_printf(b, "  %s:", titles[role]);
            sb_printf(b, " %s (%s %llu)", r ? res_name(s, r, tmp, sizeof tmp) : "?", r ? res_kind_name(r->kind) : "?",
                      (unsigned long long)t->edges[e].res);
            if (role >= 4) sb_printf(b, "[%s]", t->edges[e].dir == TW_DIR_SEND ? "send" : t->edges[e].dir == TW_DIR_RECV ? "recv" : "acquire");
            else if (t->edges[e].count > 1) sb_printf(b, "x%u", t->edges[e].count);
            any = 1;
        }
        if (any) sb_puts(b, "\n");
    }
    for (int a = 0; a < TW_MAX_ATTRS; a++)
        if (t->attrs[a].key) sb_printf(b, "  attr %s = %s\n", str_at(s, t->attrs[a].key), str_at(s, t->attrs[a].value));
    text_task_stacks(s, b, t);
    struct tw_task_rec rec;
    if (read_task_rec(s, t, &rec) == 0) {
        text_hist(b, "poll time", rec.poll_hist);
        text_poll_lines(s, b, t, rec.max_poll_us);
        text_hist(b, "ready-wait", rec.ready_hist);
    }
    if (s->events_loaded) { sb_puts(b, "  recent events:\n"); recent_events(s, b, t->id, 0, 10); }
    return 0;
}

/* ---- resources ---- */
int cmd_resources(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b)
{
    struct derived d;
    if (derive(m, &d)) return TWC_EINTERNAL;
    char tmp[64];
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"resources\":[");
        size_t k = 0;
        for (size_t i = 0; i < m->nres; i++) {
            if (m->res[i].hidden) continue;
            if (o->has_limit && k >= (size_t)o->limit) break;
            if (k++) sb_puts(b, ",");
            json_res(s, m, &d, b, &m->res[i], i);
        }
        sb_puts(b, "]");
        sb_puts(b, json_end);
    } else {
        text_as_of(s, b);
        sb_printf(b, "%18s  %-24s  %-9s  %-10s  %8s  %s\n", "ID", "NAME", "KIND", "CLASS", "UNITS", "HOLDERS / WAITERS");
        size_t k = 0;
        for (size_t i = 0; i < m->nres; i++) {
            const struct mres *r = &m->res[i];
            if (r->hidden) continue;
            if (o->has_limit && k >= (size_t)o->limit) break;
            k++;
            char units[48];
            if (r->class_ == TW_CLASS_CONSUMABLE) snprintf(units, sizeof units, "%lld/%lld", (long long)r->queued, (long long)r->capacity);
            else snprintf(units, sizeof units, "%lld/%lld", (long long)r->available, (long long)r->capacity);
            sb_printf(b, "%18llu  %-24.24s  %-9s  %-10s  %8s  ", (unsigned long long)r->id, res_name(s, r, tmp, sizeof tmp),
                      res_kind_name(r->kind), class_name(r->class_), units);
            size_t nh = 0;
            for (uint32_t e = d.hold_start[i]; e < d.hold_start[i + 1]; e++) {
                const struct rel *x = &d.hold[e];
                if (x->role == TW_EDGE_INTENT_COND || x->role == TW_EDGE_INTENT_UNCOND) continue;
                sb_printf(b, "%s%s%s %llu", nh++ ? ", " : "", x->role == TW_EDGE_SENDER ? "tx:" : x->role == TW_EDGE_RECEIVER ? "rx:" : "",
                          task_name(s, &m->tasks[x->task]), (unsigned long long)m->tasks[x->task].id);
            }
            if (!nh) sb_puts(b, "-");
            size_t nw = d.wait_start[i + 1] - d.wait_start[i];
            if (nw) sb_printf(b, " / %zu waiting", nw);
            if (r->closed) sb_puts(b, " [closed]");
            if (r->torn) sb_puts(b, " [torn]");
            sb_puts(b, "\n");
        }
    }
    derived_free(&d);
    return 0;
}

int cmd_resource(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
                 char *err, size_t errlen)
{
    const struct mres *r = model_res(m, id);
    if (!r || r->hidden) { MSG(err, errlen, "no resource %llu%s", (unsigned long long)id, s->at_now ? "" : " at this point of history"); return TWC_ENOTFOUND; }
    struct derived d;
    if (derive(m, &d)) return TWC_EINTERNAL;
    size_t ri = (size_t)(r - m->res);
    char tmp[64];
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"resource\":");
        json_res(s, m, &d, b, r, ri);
        sb_puts(b, json_end);
    } else {
        text_as_of(s, b);
        sb_printf(b, "resource %llu %s: %s (%s)%s\n", (unsigned long long)r->id, res_name(s, r, tmp, sizeof tmp),
                  res_kind_name(r->kind), class_name(r->class_), r->closed ? ", closed" : "");
        sb_puts(b, "  created at ");
        text_site(s, b, r->create_site);
        sb_printf(b, "\n  capacity %lld, available %lld, queued %lld\n", (long long)r->capacity, (long long)r->available, (long long)r->queued);
        static const char *titles[] = { NULL, "held by", "senders", "receivers", "may use (conditional)", "will use (unconditional)", "read-held by" };
        for (int role = 1; role <= 6; role++) {
            int any = 0;
            for (uint32_t e = d.hold_start[ri]; e < d.hold_start[ri + 1]; e++) {
                if (d.hold[e].role != role) continue;
                if (!any) sb_printf(b, "  %s:", titles[role]);
                sb_puts(b, " ");
                task_label(s, b, &m->tasks[d.hold[e].task]);
                any = 1;
            }
            if (any) sb_puts(b, "\n");
        }
        if (d.wait_start[ri + 1] > d.wait_start[ri]) {
            sb_puts(b, "  waiting:\n");
            for (uint32_t e = d.wait_start[ri]; e < d.wait_start[ri + 1]; e++) {
                const struct mtask *t = &m->tasks[d.wait[e]];
                sb_puts(b, "    ");
                task_label(s, b, t);
                sb_printf(b, " (%s) at ", wait_kind_name(t->wait_kind));
                text_site(s, b, t->await_site);
                sb_puts(b, "\n");
            }
        } else sb_puts(b, "  nobody waits on it\n");
    }
    derived_free(&d);
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
    unsigned kind = wait_kind_on(t, r->id);   /* a select's branch is a receive or a send */
    sb_printf(b, "-> %s (%s)", res_name(s, r, tmp, sizeof tmp), res_kind_name(r->kind));
    size_t nh = res_holders(d, ri, kind, NULL, NULL);
    if (nh) {
        sb_printf(b, " %s ", relation(kind, r, 1));
        text_holders(s, m, d, b, ri, kind);
    } else if (next) {
        sb_printf(b, " %s ", relation(kind, r, 0));
        task_label(s, b, next);
    }
}

/* "NAME (ID) waits at FILE:LINE EXPR" and a newline */
static void text_waits_at(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    task_label(s, b, t);
    sb_puts(b, " waits at ");
    text_site(s, b, t->await_site);
    sb_puts(b, "\n");
}

/* The index of the first task entry after entry k of a chain, n when there is none. */
static size_t next_task_in(const struct dl_entry *c, size_t n, size_t k)
{
    size_t nx = k + 1;
    while (nx < n && !c[nx].is_task) nx++;
    return nx;
}

void text_chain(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                const struct dl_entry *c, size_t n, int global)
{
    for (size_t k = 0; k < n; k++) {
        if (!c[k].is_task) continue;
        const struct mtask *t = &m->tasks[c[k].idx];
        sb_puts(b, "  ");
        text_waits_at(s, b, t);
        /* the next task in the chain, or the first (the last waits for the first) */
        size_t nx = next_task_in(c, n, k);
        const struct mtask *next = global ? NULL : &m->tasks[c[nx < n ? nx : 0].idx];
        if (k + 1 < n && !c[k + 1].is_task) {
            sb_puts(b, "    ");
            text_res_line(s, m, d, b, t, c[k + 1].idx, next);
        } else if (t->wait_kind == TW_WAIT_JOIN && (next || model_task(m, t->waiting_on))) {
            /* a global chain has no "next" to wake t, but the joined task is known */
            sb_puts(b, "    -> joins ");
            task_label(s, b, next ? next : model_task(m, t->waiting_on));
        } else if (global) sb_printf(b, "    -> (%s, no task left to wake it)", wait_kind_name(t->wait_kind));
        if (!global && nx >= n) sb_puts(b, "  <- back to the start");
        sb_puts(b, "\n");
    }
}

int cmd_deadlocks(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b)
{
    struct deadlock *d; size_t n;
    struct derived dv;
    if (derive(m, &dv)) return TWC_EINTERNAL;
    if (find_deadlocks(s, m, &d, &n)) { derived_free(&dv); return TWC_EINTERNAL; }
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"deadlocks\":[");
        for (size_t i = 0; i < n; i++) {
            sb_printf(b, "%s{\"certain\":%s,\"global\":%s,\"message\":", i ? "," : "", d[i].certain ? "true" : "false",
                      d[i].global ? "true" : "false");
            sb_json_str(b, d[i].note);
            sb_puts(b, ",\"chain\":[");
            for (size_t k = 0; k < d[i].n; k++) { if (k) sb_puts(b, ","); json_chain_entry(s, m, &dv, b, d[i].chain, k); }
            sb_puts(b, "]}");
        }
        sb_puts(b, "]");
        sb_puts(b, json_end);
    } else {
        text_as_of(s, b);
        if (!n) sb_puts(b, "no deadlock: every blocked task has a possible waker that can still run\n");
        for (size_t i = 0; i < n; i++) {
            size_t nt = 0;
            for (size_t k = 0; k < d[i].n; k++) nt += d[i].chain[k].is_task;
            sb_printf(b, "%s%s deadlock of %zu task%s: %s\n", d[i].certain ? "CERTAIN" : "possible", d[i].global ? " global" : "",
                      nt, nt == 1 ? "" : "s", d[i].note);
            text_chain(s, m, &dv, b, d[i].chain, d[i].n, d[i].global);
        }
    }
    deadlocks_free(d, n);
    derived_free(&dv);
    return 0;
}

/* ---- alerts ---- */
int cmd_alerts(struct twc_session *s, const struct model *m, const struct cmdopts *o, struct sbuf *b)
{
    struct alert *al; size_t n;
    compute_alerts(s, m, o->long_poll_ms, &al, &n);
    if (o->json) {
        json_begin(s, b);
        sb_printf(b, ",\"long_poll_ms\":%u,\"alerts\":[", o->long_poll_ms);
        json_alerts(s, m, b, al, n);
        sb_puts(b, "]");
        sb_puts(b, json_end);
    } else {
        text_as_of(s, b);
        if (!n) sb_puts(b, "no alerts\n");
        for (size_t i = 0; i < n; i++) sb_printf(b, "%-24s %s\n%24s see docs/alerts/%s.md\n", al[i].kind, al[i].message, "", al[i].kind);
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

int cmd_why(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o, struct sbuf *b,
            char *err, size_t errlen)
{
    const struct mtask *t0 = model_task(m, id);
    if (!t0 || t0->hidden) { MSG(err, errlen, "no task %llu", (unsigned long long)id); return TWC_ENOTFOUND; }
    struct wgraph g;
    if (wgraph_build(&g, m)) return TWC_EINTERNAL;
    uint8_t *seen = calloc(m->ntasks + 1, 1);
    struct dl_entry *chain = malloc(((TW_MAX_EDGES + 2) * m->ntasks + 2) * sizeof *chain);
    size_t n = 0;
    const char *end = "running";
    char msg[300] = "";
    uint32_t cur = (uint32_t)(t0 - m->tasks), endtask = cur;
    if (!seen || !chain) { free(seen); free(chain); wgraph_free(&g); return TWC_EINTERNAL; }
    for (size_t step = 0; step <= m->ntasks; step++) {
        const struct mtask *t = &m->tasks[cur];
        endtask = cur;
        if (seen[cur]) { end = "cycle"; snprintf(msg, sizeof msg, "back to %s (%llu): a cycle%s", task_name(s, t), (unsigned long long)t->id,
                                                 g.stuck[cur] ? " nobody outside can break (certain deadlock)" : " that a task outside may still break"); break; }
        seen[cur] = 1;
        chain[n++] = (struct dl_entry){ 1, cur };
        if (t->state != TW_TASK_WAITING || t->torn) {
            end = t->torn ? "torn" : state_name(t->state);
            snprintf(msg, sizeof msg, "%s (%llu) is %s%s", task_name(s, t), (unsigned long long)t->id, t->torn ? "torn (caught mid-update)" : state_name(t->state),
                     t->state == TW_TASK_DONE ? ": it finished and will never release what it holds" : t->paused ? " but paused" : "");
            break;
        }
        uint64_t on[TW_MAX_EDGES + 1];   /* a select waits on each of its branches */
        for (size_t k = 0, nr = wait_targets(t, on); k < nr; k++) {
            long ri = idmap_get(&m->rmap, on[k]);
            if (ri >= 0) chain[n++] = (struct dl_entry){ 0, (uint32_t)ri };
        }
        if (g.cls[cur] == WK_PROGRESS) {
            end = "exit";
            snprintf(msg, sizeof msg, "%s (%llu) waits on %s: %s", task_name(s, t), (unsigned long long)t->id,
                     (t->flags & TW_TF_TIMED) ? "a timed wait" : wait_kind_name(t->wait_kind), exit_reason(g.exit[cur]));
            break;
        }
        if (g.cls[cur] == WK_UNKNOWN) {
            end = "unknown_wakers";
            snprintf(msg, sizeof msg, "%s (%llu) waits (%s) for a waker TurboWish cannot name: any of %zu running or ready tasks may wake it%s",
                     task_name(s, t), (unsigned long long)t->id, wait_kind_name(t->wait_kind), g.nunblocked,
                     g.nunblocked ? "" : " - and there are none");
            break;
        }
        struct pick p = { &g, 0, g.stuck[cur], 0 };
        wgraph_wakers(&g, cur, pick_fn, &p);
        if (!p.found) {
            end = "no_waker";
            snprintf(msg, sizeof msg, "%s (%llu) waits (%s) but no live task can wake it", task_name(s, t), (unsigned long long)t->id,
                     wait_kind_name(t->wait_kind));
            break;
        }
        cur = p.best;
    }
    if (o->json) {
        json_begin(s, b);
        sb_printf(b, ",\"task\":%llu,\"chain\":[", (unsigned long long)id);
        for (size_t k = 0; k < n; k++) { if (k) sb_puts(b, ","); json_chain_entry(s, m, &g.d, b, chain, k); }
        sb_printf(b, "],\"end\":\"%s\",\"end_task\":%llu,\"message\":", end, (unsigned long long)m->tasks[endtask].id);
        sb_json_str(b, msg);
        sb_puts(b, json_end);
    } else {
        text_as_of(s, b);
        for (size_t k = 0; k < n; k++) {
            if (!chain[k].is_task) continue;
            const struct mtask *t = &m->tasks[chain[k].idx];
            if (t->state != TW_TASK_WAITING) break;
            text_waits_at(s, b, t);
            size_t nx = next_task_in(chain, n, k);
            const struct mtask *nt = nx < n ? &m->tasks[chain[nx].idx] : (!strcmp(end, "cycle") ? &m->tasks[endtask] : NULL);
            for (size_t r = k + 1; r < nx; r++) {   /* its resource, or each branch of a select */
                sb_puts(b, "  ");
                text_res_line(s, m, &g.d, b, t, chain[r].idx, nt);
                sb_puts(b, "\n");
            }
        }
        sb_printf(b, "%s\n", msg);
    }
    free(seen); free(chain);
    wgraph_free(&g);
    return 0;
}

/* ---- log ---- */

int cmd_log(struct twc_session *s, size_t want, const struct cmdopts *o, struct sbuf *b)
{
    size_t end = s->at_now ? s->nevents : s->at_idx + 1;
    size_t start = end > want ? end - want : 0;
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"events\":[");
        for (size_t i = start; i < end; i++) {
            const struct tw_event *e = &s->events[i].ev;
            sb_printf(b, "%s{\"seq\":%llu,\"ts_ns\":%llu,\"thread\":%u,\"type\":\"%s\",\"task\":", i > start ? "," : "",
                      (unsigned long long)event_seq(s, i), (unsigned long long)raw_to_ns(s, e->ts), s->events[i].thread,
                      event_type_name(e->type));
            if (e->task) sb_printf(b, "%u", e->task); else sb_puts(b, "null");
            sb_puts(b, ",\"resource\":");
            if (event_has_resource(e->type) && e->res) sb_printf(b, "%u", e->res); else sb_puts(b, "null");
            sb_printf(b, ",\"arg\":%u,\"aux\":%u,\"version\":%u,\"old\":%llu,\"app\":%s}", e->res, e->aux, e->version,
                      (unsigned long long)e->old, (e->flags & TW_EVF_APP) ? "true" : "false");
        }
        sb_puts(b, "]");
        sb_puts(b, json_end);
        return 0;
    }
    text_as_of(s, b);
    if (s->facts) { sb_puts(b, "no history: attach-only models have no event log\n"); return 0; }
    sb_printf(b, "%10s  %12s  %8s  %-14s  %8s  %s\n", "SEQ", "TIME", "THREAD", "TYPE", "TASK", "RESOURCE / ARG");
    uint64_t t_last = end ? s->events[end - 1].ev.ts : 0;
    for (size_t i = start; i < end; i++) {
        const struct tw_event *e = &s->events[i].ev;
        struct sbuf x; sb_init(&x);
        uint64_t ago = t_last >= e->ts ? dur_ns(s, t_last - e->ts) : 0;
        if (ago) { sb_puts(&x, "-"); sb_dur(&x, ago); } else sb_puts(&x, "0");
        sb_printf(b, "%10llu  %12s  %8u  %-14s  %8u  %u%s\n", (unsigned long long)event_seq(s, i), x.p ? x.p : "", s->events[i].thread,
                  event_type_name(e->type), e->task, e->res, (e->flags & TW_EVF_APP) ? "  (app)" : "");
        sb_free(&x);
    }
    sb_printf(b, "(%zu of %zu retained events; history reaches back to #%llu, %llu older events overwritten)\n", end - start, s->nevents,
              (unsigned long long)event_seq(s, s->horizon), (unsigned long long)s->overwritten);
    return 0;
}

/* ---- moving through history ---- */
int cmd_position(struct twc_session *s, const struct cmdopts *o, struct sbuf *b, const char *note)
{
    if (o->json) {
        json_begin(s, b);
        sb_puts(b, ",\"event\":");
        if (!s->at_now && s->at_idx < s->nevents) {
            const struct tw_event *e = &s->events[s->at_idx].ev;
            sb_printf(b, "{\"seq\":%llu,\"ts_ns\":%llu,\"type\":\"%s\",\"task\":%u,\"resource\":%u}", (unsigned long long)event_seq(s, s->at_idx),
                      (unsigned long long)raw_to_ns(s, e->ts), event_type_name(e->type), e->task, e->res);
        } else sb_puts(b, "null");
        sb_puts(b, ",\"message\":");
        sb_json_str(b, note);
        sb_puts(b, json_end);
        return 0;
    }
    if (s->at_now) sb_printf(b, "at now (newest event #%llu)%s%s\n", s->nevents ? (unsigned long long)event_seq(s, s->nevents - 1) : 0ull,
                             note[0] ? "; " : "", note);
    else {
        const struct tw_event *e = &s->events[s->at_idx].ev;
        text_as_of(s, b);
        sb_printf(b, "at event #%llu: %s task %u res %u%s%s\n", (unsigned long long)event_seq(s, s->at_idx), event_type_name(e->type),
                  e->task, e->res, note[0] ? "; " : "", note);
    }
    return 0;
}
