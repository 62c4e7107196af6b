/* render_text.c — text for people: sites, the "as of" banner, histograms, aligned tables. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

void text_site(struct twc_session *s, struct sbuf *b, uint32_t site)
{
    const struct tw_site_rec *r = site_at(s, site);
    if (!r) { sb_puts(b, "-"); return; }
    const char *f = str_at(s, r->file), *slash = strrchr(f, '/');
    sb_printf(b, "%s:%u %s", slash ? slash + 1 : f, r->line, str_at(s, r->expr));
}

void text_as_of(struct twc_session *s, struct sbuf *b)
{
    if (s->at_now || !s->events_loaded) return;
    const struct tw_event *e = &s->events[s->at_idx].ev;
    const struct tw_event *last = &s->events[s->nevents - 1].ev;
    sb_printf(b, "-- as of event #%llu (%s, ", (unsigned long long)(s->seq_base + s->at_idx), event_type_name(e->type));
    sb_dur(b, last->ts >= e->ts ? dur_ns(s, last->ts - e->ts) : 0);
    sb_printf(b, " before the newest event #%llu); history reaches back to #%llu; `now` returns --\n",
              (unsigned long long)(s->seq_base + s->nevents - 1), (unsigned long long)(s->seq_base + s->horizon));
}
