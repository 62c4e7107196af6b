/* export.c — `tw export`: the event history as Chrome/Perfetto trace JSON (export_trace.c) or
 * the wait-for graph as Graphviz DOT (export_dot.c), both drawn from one libtwcore snapshot of
 * the target, so the export can never disagree with the other commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tw.h"

int cmd_export(const struct tw_args *a) {
    const char *f = a->format ? a->format : "perfetto";
    int is_dot = !strcasecmp(f, "dot");
    if (!is_dot && strcasecmp(f, "perfetto") && strcasecmp(f, "chrome"))
        return tw_fail(TWC_EUSAGE, "unknown export format '%s': use perfetto, chrome or dot", f);
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    if ((st = tgt_open(&t, 0, err, sizeof err))) return tw_err(st, err);
    struct twc_snapshot snap;
    st = twc_snapshot_take(t.s, is_dot ? TWC_SNAP_DEADLOCKS : TWC_SNAP_EVENTS, &snap, err, sizeof err);
    int pid = t.kind == TGT_PID ? t.pid : 1;   /* the trace's process track */
    tgt_close(&t);
    if (st) return tw_err(st, err);
    char *doc = is_dot ? export_dot(&snap) : export_trace(&snap, pid);
    twc_snapshot_free(&snap);
    if (!doc) return tw_err(TWC_EINTERNAL, "out of memory writing the export");
    if (a->out) {
        st = write_file(a->out, doc, strlen(doc), err, sizeof err);
        if (st) { free(doc); return tw_err(st, err); }
        if (a->json) print_wrote_json(a->out, a->format, 0, 0, 0);
        else printf("wrote %s export to %s\n", is_dot ? "dot" : "trace", a->out);
    } else fputs(doc, stdout);
    free(doc);
    return 0;
}
