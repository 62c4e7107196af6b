/* render_text.c — text for people: sites, the "as of" banner, histograms, aligned tables. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

void twc__text_site(struct twc_session *s, struct sbuf *b, uint32_t site)
{
    const struct tw_site_rec *r = twc__site_at(s, site);
    if (!r) { twc__sb_puts(b, "-"); return; }
    const char *f = twc__str_at(s, r->file), *slash = strrchr(f, '/'), *func = twc__str_at(s, r->func);
    /* no line table for the place (a build without -g, a stripped server from the distribution):
     * the function its symbol names says more than "??:0", and the adapter's text ("epoll_wait
     * via libuv.so.1 in uv_run") is whole without "?:0" in front */
    const char *expr = twc__str_at(s, r->expr);
    if (!r->line && (!strcmp(f, "??") || !strcmp(f, "?")) && (func[0] || expr[0])) {
        if (func[0] && !strstr(expr, func))
            twc__sb_printf(b, "%s (no debug info) %s", func, expr);
        else
            twc__sb_puts(b, expr);
    } else
        twc__sb_printf(b, "%s:%u %s", slash ? slash + 1 : f, r->line, expr);
}

void twc__text_as_of(struct twc_session *s, struct sbuf *b)
{
    if (s->at_now || !s->events_loaded) return;
    const struct tw_event *e = &s->events[s->at_idx].ev;
    const struct tw_event *last = &s->events[s->nevents - 1].ev;
    twc__sb_printf(b, "-- as of event #%llu (%s, ", (unsigned long long)twc__event_seq(s, s->at_idx), twc__event_type_name(e->type));
    twc__sb_dur(b, last->ts >= e->ts ? twc__dur_ns(s, last->ts - e->ts) : 0);
    twc__sb_printf(b, " before the newest event #%llu); history reaches back to #%llu; `now` returns --\n",
              (unsigned long long)twc__event_seq(s, s->nevents - 1), (unsigned long long)twc__event_seq(s, s->horizon));
}

/* On a core written well after its newest timestamp (more than gcore's own second), the
 * figures are lower bounds: say by how much a wait in progress may be longer. */
void twc__text_image_note(struct twc_session *s, struct sbuf *b)
{
    int64_t later = s->at_now ? twc__image_written_after_ns(s) : -1;
    if (later < 1000000000ll) return;
    twc__sb_puts(b, "(times run to the image's newest timestamp; the core file was written ");
    twc__sb_dur(b, (uint64_t)later);
    twc__sb_puts(b, " later: a wait in progress may have lasted up to that much longer)\n");
}

/* One recorded stack under a title, a frame per line, innermost first:
 *     #0 0x000055d0c1a2b3c4 philosopher (deadlock.c:22)   (file shown by its base name) */
static void text_stack(struct twc_session *s, struct sbuf *b, const char *title, uint32_t idx)
{
    uint64_t pc[TW_STACK_DEPTH];
    uint32_t n = twc__stack_at(s, idx, pc);
    if (!n) return;
    twc__sb_printf(b, "  %s:\n", title);
    for (uint32_t i = 0; i < n; i++) {
        struct frame_sym f;
        twc__frame_symbolize(s, pc[i], &f);
        twc__sb_printf(b, "    #%-2u 0x%016llx", i, (unsigned long long)pc[i]);
        if (f.func[0]) twc__sb_printf(b, " %s", f.func);
        if (f.file[0]) {
            const char *slash = strrchr(f.file, '/');
            twc__sb_printf(b, " (%s:%d)", slash ? slash + 1 : f.file, f.line);
        }
        twc__sb_puts(b, "\n");
    }
}

/* The calling context TW_BACKTRACE recorded for a task: where it was spawned from and, at
 * now, where it last began to wait (rewinding restores no stacks, so a rewound view shows none). */
void twc__text_task_stacks(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    text_stack(s, b, "spawned at", t->spawn_stack);
    if (s->at_now) text_stack(s, b, t->state == TW_TASK_WAITING ? "blocked at" : "last blocked at", t->block_stack);
}
