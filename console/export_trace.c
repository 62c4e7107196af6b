/* export_trace.c — `tw export --format perfetto`: the event history as Chrome/Perfetto trace
 * JSON. Built from libtwcore's snapshot (tasks, events, the program's name), so the trace
 * can never disagree with `tw tasks` and `tw log`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"
#include "textbuf.h"

char *export_trace(const struct twc_snapshot *snap, int pid) {
    char *b = NULL;
    size_t l = 0, c = 0;
    sb_add(&b, &l, &c, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    /* the process track is named by the program, as `tw ps` and the summary name it */
    sb_add(&b, &l, &c, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"args\":{\"name\":", pid);
    json_quote(&b, &l, &c, snap->program ? snap->program : "tasks");
    sb_add(&b, &l, &c, "}}");
    for (size_t i = 0; i < snap->ntasks; i++) {
        long id = (long)snap->tasks[i].id;
        sb_add(&b, &l, &c, ",{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%ld,\"args\":{\"name\":", pid, id);
        json_quote(&b, &l, &c, snap->tasks[i].name);
        sb_add(&b, &l, &c, "}},{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":%ld,\"args\":{\"sort_index\":%ld}}",
               pid, id, id);
    }
    /* Open poll slices and pending wake flows per task, keyed by a small open-addressed map. */
    enum { NSLOT = 1 << 16 };
    struct slot { long task; int open; long flow; } *m = calloc(NSLOT, sizeof *m);
    if (!m) { free(b); return NULL; }
    long flows = 0;
    double last_us = 0;
    for (size_t i = 0; i < snap->nevents; i++) {
        const struct twc_event *e = &snap->events[i];
        const char *ty = e->type;   /* "poll_begin", "wake"... */
        long task = (long)e->task, res = (long)e->resource;
        double us = (double)e->ts_ns / 1000.0;
        if (us > last_us) last_us = us;
        struct slot *s = NULL;
        for (unsigned h = (unsigned)task * 2654435761u % NSLOT, k = 0; k < NSLOT; k++, h = (h + 1) % NSLOT)
            if (m[h].task == task || m[h].task == 0) { s = &m[h]; s->task = task; break; }
        if (!task || !s) continue;
        if (!strcmp(ty, "poll_begin")) {
            if (s->open) sb_add(&b, &l, &c, ",{\"ph\":\"E\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}", pid, task, us);
            sb_add(&b, &l, &c, ",{\"name\":\"poll\",\"cat\":\"poll\",\"ph\":\"B\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}", pid, task, us);
            s->open = 1;
            if (s->flow) {
                sb_add(&b, &l, &c, ",{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"f\",\"bp\":\"e\",\"id\":%ld,\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}",
                       s->flow, pid, task, us);
                s->flow = 0;
            }
            continue;
        }
        if (!strcmp(ty, "poll_end")) {
            if (s->open) sb_add(&b, &l, &c, ",{\"ph\":\"E\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}", pid, task, us);
            s->open = 0;
            continue;
        }
        long waker = (long)e->arg; /* WAKE: the event's res field holds the waker task */
        if (!strcmp(ty, "wake") && waker && waker != task) {
            /* a flow arrow from the waker's track to the woken task's next poll */
            s->flow = ++flows;
            sb_add(&b, &l, &c, ",{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"s\",\"id\":%ld,\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}",
                   s->flow, pid, waker, us);
        }
        sb_add(&b, &l, &c, ",{\"name\":");
        json_quote(&b, &l, &c, ty);
        sb_add(&b, &l, &c, ",\"cat\":\"event\",\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f,\"args\":{\"seq\":%llu,\"resource\":%ld}}",
               pid, task, us, (unsigned long long)e->seq, res);
    }
    for (size_t h = 0; h < NSLOT; h++)
        if (m[h].open) sb_add(&b, &l, &c, ",{\"ph\":\"E\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}", pid, m[h].task, last_us);
    sb_add(&b, &l, &c, "]}\n");
    free(m);
    return b;
}
