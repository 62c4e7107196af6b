/* render_json.c — the JSON shapes of DESIGN.md (documented field by field in docs/json.md).
 * One object per command on one line; ids are numbers, absent values null. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

const char *twc__task_name(struct twc_session *s, const struct mtask *t)
{
    const char *n = twc__str_at(s, t->name);
    return n[0] ? n : "?";
}

const char *twc__res_name(struct twc_session *s, const struct mres *r, char *tmp, size_t n)
{
    const char *x = twc__str_at(s, r->name);
    char hex[24];
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)r->address);
    /* no name, or only the address (what an adapter writes when no symbol covers an object):
     * a stack frame lent by the frontend may hold it (locals.c) */
    if (r->address && s->stack_names && (!x[0] || !strcmp(x, hex))) {
        const char *local = twc__stack_name(s->stack_names, r->address);
        if (local) return local;
    }
    if (x[0]) return x;
    if (r->address) snprintf(tmp, n, "%s", hex);
    else snprintf(tmp, n, "%s#%llu", twc__res_kind_name(r->kind), (unsigned long long)r->id);
    return tmp;
}

void twc__json_await(struct twc_session *s, struct sbuf *b, uint32_t site)
{
    const struct tw_site_rec *r = twc__site_at(s, site);
    if (!r) { twc__sb_puts(b, "null"); return; }
    twc__sb_puts(b, "{\"file\":"); twc__sb_json_str(b, twc__str_at(s, r->file));
    twc__sb_printf(b, ",\"line\":%u,\"expr\":", r->line); twc__sb_json_str(b, twc__str_at(s, r->expr));
    const char *fn = twc__str_at(s, r->func);
    if (fn[0]) { twc__sb_puts(b, ",\"func\":"); twc__sb_json_str(b, fn); }
    twc__sb_puts(b, "}");
}

/* A recorded stack as [{"pc":"0x…","func":…,"file":…,"line":…}, …], innermost first; unknown
 * names are null. [] when none was recorded. */
void twc__json_stack(struct twc_session *s, struct sbuf *b, uint32_t idx)
{
    uint64_t pc[TW_STACK_DEPTH];
    uint32_t n = twc__stack_at(s, idx, pc);
    twc__sb_puts(b, "[");
    for (uint32_t i = 0; i < n; i++) {
        struct frame_sym f;
        twc__frame_symbolize(s, pc[i], &f);
        twc__sb_printf(b, "%s{\"pc\":\"0x%llx\",\"func\":", i ? "," : "", (unsigned long long)pc[i]);
        twc__sb_json_str(b, f.func[0] ? f.func : NULL);
        twc__sb_puts(b, ",\"file\":");
        twc__sb_json_str(b, f.file[0] ? f.file : NULL);
        if (f.file[0]) twc__sb_printf(b, ",\"line\":%d}", f.line); else twc__sb_puts(b, ",\"line\":null}");
    }
    twc__sb_puts(b, "]");
}

static void ids_by_role(struct sbuf *b, const struct mtask *t, int r1, int r2)
{
    int first = 1;
    twc__sb_puts(b, "[");
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res && (t->edges[e].role == r1 || t->edges[e].role == r2)) {
            twc__sb_printf(b, "%s%llu", first ? "" : ",", (unsigned long long)t->edges[e].res);
            first = 0;
        }
    twc__sb_puts(b, "]");
}

static void hist(struct sbuf *b, const uint32_t *h)
{
    twc__sb_puts(b, "[");
    for (int i = 0; i < TW_HIST_BUCKETS; i++) twc__sb_printf(b, "%s%u", i ? "," : "", h[i]);
    twc__sb_puts(b, "]");
}

void twc__json_task(struct twc_session *s, const struct model *m, const struct derived *d,
               struct sbuf *b, const struct mtask *t, int full)
{
    (void)m; (void)d;
    twc__sb_printf(b, "{\"id\":%llu,\"name\":", (unsigned long long)t->id);
    twc__sb_json_str(b, twc__task_name(s, t));
    twc__sb_printf(b, ",\"state\":\"%s\",\"paused\":%s,\"torn\":%s,\"polls\":%llu,\"busy_ns\":%llu,\"scheduled_ns\":%llu,\"idle_ns\":%llu",
              twc__state_name(t->state), t->paused ? "true" : "false", t->torn ? "true" : "false",
              (unsigned long long)t->polls, (unsigned long long)twc__dur_ns(s, t->busy),
              (unsigned long long)twc__dur_ns(s, t->scheduled), (unsigned long long)twc__dur_ns(s, t->idle));
    twc__sb_printf(b, ",\"wakes\":%u,\"self_wakes\":%u,\"wakers_alive\":%d", t->wakes, t->self_wakes, t->wakers_alive);
    int waiting = t->state == TW_TASK_WAITING;
    twc__sb_printf(b, ",\"wait_kind\":\"%s\",\"timed\":%s,\"await\":", waiting ? twc__wait_kind_name(t->wait_kind) : "none",
              (waiting && (t->flags & TW_TF_TIMED)) ? "true" : "false");
    if (waiting || t->wait_kind != TW_WAIT_NONE) twc__json_await(s, b, t->await_site); else twc__sb_puts(b, "null");
    twc__sb_puts(b, ",\"waiting_on\":[");
    if (waiting && t->wait_kind == TW_WAIT_JOIN && t->waiting_on) twc__sb_printf(b, "%llu", (unsigned long long)t->waiting_on);
    else if (waiting) {   /* a select waits on each of its branches (select.c) */
        uint64_t on[TW_MAX_EDGES + 1];
        for (size_t k = 0, n = twc__wait_targets(t, on); k < n; k++) twc__sb_printf(b, "%s%llu", k ? "," : "", (unsigned long long)on[k]);
    }
    twc__sb_puts(b, "],\"holds\":");
    ids_by_role(b, t, TW_EDGE_HOLD, TW_EDGE_HOLD_SHARED);
    twc__sb_puts(b, ",\"senders_of\":"); ids_by_role(b, t, TW_EDGE_SENDER, -1);
    twc__sb_puts(b, ",\"receivers_of\":"); ids_by_role(b, t, TW_EDGE_RECEIVER, -1);
    twc__sb_puts(b, ",\"intents\":[");
    int first = 1;
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res && (t->edges[e].role == TW_EDGE_INTENT_COND || t->edges[e].role == TW_EDGE_INTENT_UNCOND)) {
            twc__sb_printf(b, "%s{\"resource\":%llu,\"unconditional\":%s,\"dir\":\"%s\"}", first ? "" : ",",
                      (unsigned long long)t->edges[e].res, t->edges[e].role == TW_EDGE_INTENT_UNCOND ? "true" : "false",
                      twc__dir_name(t->edges[e].dir));
            first = 0;
        }
    twc__sb_puts(b, "],\"attrs\":{");
    first = 1;
    for (int a = 0; a < TW_MAX_ATTRS; a++)
        if (t->attrs[a].key) {
            if (!first) twc__sb_puts(b, ",");
            twc__sb_json_str(b, twc__str_at(s, t->attrs[a].key)); twc__sb_puts(b, ":"); twc__sb_json_str(b, twc__str_at(s, t->attrs[a].value));
            first = 0;
        }
    twc__sb_printf(b, "},\"parent\":%u,\"os_tid\":%u,\"blocked_in\":", t->parent, t->os_tid);
    twc__json_blocked_poll(s, b, t);
    if (full) {
        twc__sb_puts(b, ",\"spawn\":"); twc__json_await(s, b, t->spawn_site);
        /* the blocking stack is the region's present one: a rewound view has none */
        twc__sb_puts(b, ",\"spawn_stack\":"); twc__json_stack(s, b, t->spawn_stack);
        twc__sb_puts(b, ",\"block_stack\":"); twc__json_stack(s, b, s->at_now ? t->block_stack : 0);
        struct tw_task_rec rec;
        twc__read_task_rec(s, t, &rec);   /* zeros when unavailable (attach-only) */
        twc__sb_puts(b, ",\"poll_hist\":"); hist(b, rec.poll_hist);
        twc__sb_printf(b, ",\"max_poll_ns\":%llu", (unsigned long long)rec.max_poll_us * 1000ull);
        twc__json_poll_fields(s, b, t);
        twc__sb_puts(b, ",\"ready_hist\":"); hist(b, rec.ready_hist);
        twc__sb_printf(b, ",\"version\":%u,\"dropped\":%s", t->version, (t->flags & TW_TF_DROPPED) ? "true" : "false");
    }
    twc__sb_puts(b, "}");
}

static void task_list(struct sbuf *b, const struct derived *d, size_t ri, const struct model *m, int role_a, int role_b)
{
    int first = 1;
    twc__sb_puts(b, "[");
    for (uint32_t k = d->hold_start[ri]; k < d->hold_start[ri + 1]; k++)
        if (d->hold[k].role == role_a || d->hold[k].role == role_b) {
            const struct mtask *t = &m->tasks[d->hold[k].task];
            twc__sb_printf(b, "%s%llu", first ? "" : ",", (unsigned long long)t->id);
            first = 0;
        }
    twc__sb_puts(b, "]");
}

void twc__json_res(struct twc_session *s, const struct model *m, const struct derived *d,
              struct sbuf *b, const struct mres *r, size_t ri)
{
    char tmp[64];
    twc__sb_printf(b, "{\"id\":%llu,\"name\":", (unsigned long long)r->id);
    twc__sb_json_str(b, twc__res_name(s, r, tmp, sizeof tmp));
    twc__sb_printf(b, ",\"kind\":\"%s\",\"class\":\"%s\",\"capacity\":%lld,\"available\":%lld,\"queued\":%lld,\"closed\":%s,\"torn\":%s,\"address\":%llu",
              twc__res_kind_name(r->kind), twc__class_name(r->class_), (long long)r->capacity, (long long)r->available,
              (long long)r->queued, r->closed ? "true" : "false", r->torn ? "true" : "false", (unsigned long long)r->address);
    twc__sb_puts(b, ",\"holders\":"); task_list(b, d, ri, m, TW_EDGE_HOLD, TW_EDGE_HOLD_SHARED);
    twc__sb_puts(b, ",\"waiters\":[");
    for (uint32_t k = d->wait_start[ri]; k < d->wait_start[ri + 1]; k++)
        twc__sb_printf(b, "%s%llu", k == d->wait_start[ri] ? "" : ",", (unsigned long long)m->tasks[d->wait[k]].id);
    twc__sb_puts(b, "],\"senders\":"); task_list(b, d, ri, m, TW_EDGE_SENDER, -1);
    twc__sb_puts(b, ",\"receivers\":"); task_list(b, d, ri, m, TW_EDGE_RECEIVER, -1);
    twc__sb_puts(b, ",\"intents\":[");
    int first = 1;
    for (uint32_t k = d->hold_start[ri]; k < d->hold_start[ri + 1]; k++) {
        const struct rel *e = &d->hold[k];
        if (e->role != TW_EDGE_INTENT_COND && e->role != TW_EDGE_INTENT_UNCOND) continue;
        twc__sb_printf(b, "%s{\"task\":%llu,\"unconditional\":%s,\"dir\":\"%s\"}", first ? "" : ",",
                  (unsigned long long)m->tasks[e->task].id, e->role == TW_EDGE_INTENT_UNCOND ? "true" : "false", twc__dir_name(e->dir));
        first = 0;
    }
    twc__sb_puts(b, "]}");
}

void twc__json_chain_entry(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                      const struct dl_entry *c, size_t k)
{
    const struct dl_entry *e = &c[k];
    if (e->via_poll) {
        twc__json_poll_entry(s, m, b, e);
        return;
    }
    if (e->is_task) {
        const struct mtask *t = &m->tasks[e->idx];
        twc__sb_printf(b, "{\"task\":%llu,\"name\":", (unsigned long long)t->id);
        twc__sb_json_str(b, twc__task_name(s, t));
        twc__sb_puts(b, ",\"await\":");
        twc__json_await(s, b, t->await_site);
        twc__sb_printf(b, ",\"wait_kind\":\"%s\"}", twc__wait_kind_name(t->wait_kind));
    } else {
        const struct mres *r = &m->res[e->idx];
        char tmp[64];
        twc__sb_printf(b, "{\"resource\":%llu,\"name\":", (unsigned long long)r->id);
        twc__sb_json_str(b, twc__res_name(s, r, tmp, sizeof tmp));
        twc__sb_printf(b, ",\"kind\":\"%s\",\"holders\":", twc__res_kind_name(r->kind));
        twc__json_holders(s, m, d, b, e->idx, twc__chain_wait_kind(m, c, k));
        twc__sb_puts(b, "}");
    }
}

void twc__json_as_of(struct twc_session *s, struct sbuf *b)
{
    if (s->at_now || !s->events_loaded) twc__sb_puts(b, "\"as_of\":null");
    else twc__sb_printf(b, "\"as_of\":%llu", (unsigned long long)twc__event_seq(s, s->at_idx));
    if (s->history_fields && s->events_loaded && s->nevents)
        twc__sb_printf(b, ",\"horizon\":%llu,\"newest\":%llu", (unsigned long long)twc__event_seq(s, s->horizon),
                  (unsigned long long)twc__event_seq(s, s->nevents - 1));
}
