/* alerts_health.c — the kinds about the instrumentation itself, not the program:
 * instrumentation_overhead, dropped_events, instrumentation_overflow, instrumentation_error,
 * torn_records (docs/alerts/KIND.md). What they say is how far the other answers can be
 * trusted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"

void twc__detect_instrumentation_overhead(struct alert_scan *a, struct alist *L)
{
    if (a->peak <= OVERHEAD_PER_WINDOW) return;
    struct alert *x = twc__alert_add(L, "instrumentation_overhead", NULL);
    if (x) snprintf(x->message, sizeof x->message, "%llu events in one 100 ms window (%llu runtime, %llu application): instrumentation may slow the program",
                    (unsigned long long)a->peak, (unsigned long long)(a->peak - a->peak_app), (unsigned long long)a->peak_app);
}

void twc__detect_dropped_events(struct alert_scan *a, struct alist *L)
{
    struct twc_session *s = a->s;
    if (s->facts) return;
    uint64_t ring_lost = s->ring_dropped + (s->hdr.header_size >= sizeof(struct tw_header) ? s->hdr.events_lost : 0);
    uint64_t lost = ring_lost + s->hdr.tasks.full + s->hdr.resources.full + s->hdr.strings_full;
    if (!lost) return;
    struct alert *x = twc__alert_add(L, "dropped_events", NULL);
    if (x) snprintf(x->message, sizeof x->message, "%llu events lost (%s), %u tasks and %u resources not recorded (tables full), %llu strings did not fit",
                    (unsigned long long)ring_lost, s->hdr.ring_events ? "no ring" : "history off: TW_LOG_EVENTS=0",
                    s->hdr.tasks.full, s->hdr.resources.full, (unsigned long long)s->hdr.strings_full);
}

void twc__detect_instrumentation_overflow(struct alert_scan *a, struct alist *L)
{
    char text[800];
    if (a->s->facts || !twc__overflow_text(a->s, text, sizeof text)) return;
    struct alert *x = twc__alert_add(L, "instrumentation_overflow", NULL);
    if (x) snprintf(x->message, sizeof x->message, "instrumentation tables full, facts missing: %s", text);
}

void twc__detect_instrumentation_error(struct alert_scan *a, struct alist *L)
{
    struct twc_session *s = a->s;
    if (s->facts || !(s->hdr.instr_errors || a->instr_ev)) return;
    const struct mtask *t = a->instr_task ? twc__model_task(a->m, a->instr_task) : NULL;
    struct alert *x = twc__alert_add(L, "instrumentation_error", t);
    if (x) snprintf(x->message, sizeof x->message, "%llu bad instrumentation calls (%llu in the retained log), ignored: e.g. releasing what a task does not hold",
                    (unsigned long long)(s->hdr.instr_errors > a->instr_ev ? s->hdr.instr_errors : a->instr_ev),
                    (unsigned long long)a->instr_ev);
}

void twc__detect_torn_records(struct alert_scan *a, struct alist *L)
{
    const struct model *m = a->m;
    if (!m->torn_tasks && !m->torn_res) return;
    struct alert *x = twc__alert_add(L, "torn_records", NULL);
    if (x) snprintf(x->message, sizeof x->message, "%zu task and %zu resource records were caught mid-update and are shown as torn",
                    m->torn_tasks, m->torn_res);
}
