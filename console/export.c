/* export.c — `tw export`: the event history as Chrome/Perfetto trace JSON and the wait-for
 * graph as Graphviz DOT. Built only from what libtwcore renders (`tasks`, `resources`,
 * `deadlocks`, `log` as JSON), so the export can never disagree with the other commands. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tw.h"
#include "json.h"

#define DOT_MAX_TASKS 1000   /* beyond this dot takes minutes; the rest is summarised */
#define LOG_EVENTS "1000000" /* "all the history there is": core caps at what the rings hold */

static struct jval *core_json(struct tw_target *t, const char *cmd, int *st) {
    char *out = NULL, err[TW_ERRLEN];
    *st = exec_capture(t, cmd, &out, err, sizeof err);
    if (*st) { tw_err(*st, err[0] ? err : "command failed"); free(out); return NULL; }
    struct jval *j = json_parse(out);
    free(out);
    if (!j) { *st = TWC_EINTERNAL; tw_fail(*st, "libtwcore's '%s' output is not JSON", cmd); }
    return j;
}

/* A reference in waiting_on[]/holds[]: a bare id, or an object naming it. */
static long ref_id(const struct jval *v, const char *pref) {
    if (!v) return -1;
    if (v->t == J_NUM) return (long)v->num;
    const struct jval *x = json_get(v, pref);
    if (!x) x = json_get(v, "id");
    if (!x) x = json_get(v, "resource");
    return x ? (long)json_num(x, -1) : -1;
}

/* Event type as a lower-case word whichever way core spells it ("POLL_BEGIN", "poll_begin"). */
static void type_word(const struct jval *v, char *out, size_t n) {
    const char *s = json_str(v, NULL);
    if (!s) { snprintf(out, n, "%d", (int)json_num(v, 0)); return; }
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = 0;
}

static char *perfetto(struct tw_target *t, int *st) {
    struct jval *sj = core_json(t, "summary --json", st);
    if (!sj) return NULL;
    struct jval *tj = core_json(t, "tasks --json", st);
    if (!tj) { json_free(sj); return NULL; }
    struct jval *lj = core_json(t, "log " LOG_EVENTS " --json", st);
    if (!lj) { json_free(tj); json_free(sj); return NULL; }
    char *b = NULL;
    size_t l = 0, c = 0;
    int pid = t->kind == TGT_PID ? t->pid : 1;
    sb_add(&b, &l, &c, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    /* the process track is named by the program, as `tw ps` and the summary name it */
    sb_add(&b, &l, &c, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"args\":{\"name\":", pid);
    json_quote(&b, &l, &c, json_str(json_get(sj, "program"), "tasks"));
    sb_add(&b, &l, &c, "}}");
    const struct jval *ts = json_get(tj, "tasks");
    for (size_t i = 0; ts && ts->t == J_ARR && i < ts->n; i++) {
        long id = (long)json_num(json_get(&ts->items[i], "id"), 0);
        sb_add(&b, &l, &c, ",{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%ld,\"args\":{\"name\":", pid, id);
        json_quote(&b, &l, &c, json_str(json_get(&ts->items[i], "name"), "task"));
        sb_add(&b, &l, &c, "}},{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":%ld,\"args\":{\"sort_index\":%ld}}",
               pid, id, id);
    }
    /* Open poll slices and pending wake flows per task, keyed by a small open-addressed map. */
    enum { NSLOT = 1 << 16 };
    struct slot { long task; int open; long flow; } *m = calloc(NSLOT, sizeof *m);
    long flows = 0;
    double last_us = 0;
    const struct jval *ev = json_get(lj, "events");
    for (size_t i = 0; ev && ev->t == J_ARR && i < ev->n; i++) {
        const struct jval *e = &ev->items[i];
        char ty[32];
        type_word(json_get(e, "type"), ty, sizeof ty);
        long task = (long)json_num(json_get(e, "task"), 0);
        long res = (long)json_num(json_get(e, "resource"), 0);
        double us = json_num(json_get(e, "ts_ns"), 0) / 1000.0;
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
        long waker = (long)json_num(json_get(e, "arg"), 0); /* WAKE: res holds the waker task */
        if (!strcmp(ty, "wake") && waker && waker != task) {
            /* a flow arrow from the waker's track to the woken task's next poll */
            s->flow = ++flows;
            sb_add(&b, &l, &c, ",{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"s\",\"id\":%ld,\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}",
                   s->flow, pid, waker, us);
        }
        sb_add(&b, &l, &c, ",{\"name\":");
        json_quote(&b, &l, &c, ty);
        sb_add(&b, &l, &c, ",\"cat\":\"event\",\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f,\"args\":{\"seq\":%.0f,\"resource\":%ld}}",
               pid, task, us, json_num(json_get(e, "seq"), 0), res);
    }
    for (size_t h = 0; h < NSLOT; h++)
        if (m[h].open) sb_add(&b, &l, &c, ",{\"ph\":\"E\",\"pid\":%d,\"tid\":%ld,\"ts\":%.3f}", pid, m[h].task, last_us);
    sb_add(&b, &l, &c, "]}\n");
    free(m);
    json_free(sj);
    json_free(tj);
    json_free(lj);
    return b;
}

static void dot_str(char **b, size_t *l, size_t *c, const char *s) {
    sb_add(b, l, c, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') sb_add(b, l, c, "\\%c", *s);
        else if (*s == '\n') sb_add(b, l, c, "\\n");
        else if ((unsigned char)*s >= 0x20) sb_add(b, l, c, "%c", *s);
    }
    sb_add(b, l, c, "\"");
}

static int in_list(const long *v, size_t n, long x) {
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

static char *dot(struct tw_target *t, int *st) {
    struct jval *tj = core_json(t, "tasks --json", st), *rj = NULL, *dj = NULL;
    if (tj) rj = core_json(t, "resources --json", st);
    if (rj) dj = core_json(t, "deadlocks --json", st);
    if (!dj) { json_free(tj); json_free(rj); return NULL; }
    /* deadlock members, drawn red */
    long *dt = NULL, *dr = NULL;
    size_t ndt = 0, ndr = 0;
    const struct jval *ds = json_get(dj, "deadlocks");
    for (size_t i = 0; ds && ds->t == J_ARR && i < ds->n; i++) {
        const struct jval *ch = json_get(&ds->items[i], "chain");
        for (size_t k = 0; ch && ch->t == J_ARR && k < ch->n; k++) {
            const struct jval *x;
            if ((x = json_get(&ch->items[k], "task"))) { dt = realloc(dt, (ndt + 1) * sizeof *dt); dt[ndt++] = (long)json_num(x, 0); }
            if ((x = json_get(&ch->items[k], "resource"))) { dr = realloc(dr, (ndr + 1) * sizeof *dr); dr[ndr++] = (long)json_num(x, 0); }
        }
    }
    /* what the deadlocked tasks wait for: a sender edge is part of a deadlock when a member
     * waits to receive from that channel, a receiver edge when one waits to send to it */
    long *rwait = NULL, *swait = NULL;
    size_t nrw = 0, nsw = 0;
    const struct jval *all = json_get(tj, "tasks");
    for (size_t i = 0; all && all->t == J_ARR && i < all->n; i++) {
        const struct jval *tk = &all->items[i], *w = json_get(tk, "waiting_on");
        if (!in_list(dt, ndt, (long)json_num(json_get(tk, "id"), 0))) continue;
        const char *wk = json_str(json_get(tk, "wait_kind"), "");
        int recv = !strcmp(wk, "recv") || !strcmp(wk, "select"), send = !strcmp(wk, "send") || !strcmp(wk, "select");
        for (size_t k = 0; w && w->t == J_ARR && k < w->n; k++) {
            long r = ref_id(&w->items[k], "resource");
            if (recv) { rwait = realloc(rwait, (nrw + 1) * sizeof *rwait); rwait[nrw++] = r; }
            if (send) { swait = realloc(swait, (nsw + 1) * sizeof *swait); swait[nsw++] = r; }
        }
    }
    char *b = NULL;
    size_t l = 0, c = 0;
    sb_add(&b, &l, &c, "digraph waitfor {\n  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n"
                       "  edge [fontname=\"monospace\", fontsize=9];\n");
    const struct jval *rs = json_get(rj, "resources");
    long *used = NULL;
    size_t nused = 0;
    const struct jval *ts = json_get(tj, "tasks");
    size_t shown = 0, omitted = 0;
    for (size_t i = 0; ts && ts->t == J_ARR && i < ts->n; i++) {
        const struct jval *tk = &ts->items[i];
        long id = (long)json_num(json_get(tk, "id"), 0);
        const char *state = json_str(json_get(tk, "state"), "?");
        const struct jval *w = json_get(tk, "waiting_on"), *h = json_get(tk, "holds");
        const struct jval *tx = json_get(tk, "senders_of"), *rx = json_get(tk, "receivers_of"), *in = json_get(tk, "intents");
        int has = (w && w->t == J_ARR && w->n) || (h && h->t == J_ARR && h->n) || (tx && tx->t == J_ARR && tx->n) ||
                  (rx && rx->t == J_ARR && rx->n);
        if (!strcmp(state, "done") && !has) continue;
        if (shown >= DOT_MAX_TASKS && !in_list(dt, ndt, id)) { omitted++; continue; }
        shown++;
        char label[300];
        snprintf(label, sizeof label, "%ld %s\n%s%s", id, json_str(json_get(tk, "name"), ""), state,
                 json_num(json_get(tk, "paused"), 0) ? " (paused)" : "");
        sb_add(&b, &l, &c, "  t%ld [shape=box, label=", id);
        dot_str(&b, &l, &c, label);
        sb_add(&b, &l, &c, "%s];\n", in_list(dt, ndt, id) ? ", color=red, fontcolor=red, penwidth=2" : "");
        /* Every edge the analysis uses, drawn the way waiting flows: a task -> what it waits on
         * -> the tasks that can end the wait (holders of a lock, senders of a channel one
         * receives from, receivers of one a sender waits to fill), so a deadlock is a cycle. */
        static const struct { const char *list, *label, *style; int task_first; } kinds[] = {
            { "waiting_on", "waits", "style=dashed", 1 }, { "holds", "held by", "", 0 },
            { "senders_of", "sender", "", 0 }, { "receivers_of", "receiver", "", 0 },
        };
        for (size_t pass = 0; pass < sizeof kinds / sizeof kinds[0]; pass++) {
            const struct jval *lst = json_get(tk, kinds[pass].list);
            for (size_t k = 0; lst && lst->t == J_ARR && k < lst->n; k++) {
                long r = ref_id(&lst->items[k], "resource");
                if (r < 0) continue;
                if (!in_list(used, nused, r)) { used = realloc(used, (nused + 1) * sizeof *used); used[nused++] = r; }
                int red = in_list(dt, ndt, id) && in_list(dr, ndr, r) && (pass < 2 || in_list(pass == 2 ? rwait : swait, pass == 2 ? nrw : nsw, r));
                if (kinds[pass].task_first) sb_add(&b, &l, &c, "  t%ld -> r%ld", id, r); else sb_add(&b, &l, &c, "  r%ld -> t%ld", r, id);
                sb_add(&b, &l, &c, " [label=\"%s\"%s%s%s];\n", kinds[pass].label, kinds[pass].style[0] ? ", " : "", kinds[pass].style,
                       red ? ", color=red" : "");
            }
        }
        for (size_t k = 0; in && in->t == J_ARR && k < in->n; k++) {   /* may / will use: dotted */
            long r = (long)json_num(json_get(&in->items[k], "resource"), -1);
            if (r < 0) continue;
            if (!in_list(used, nused, r)) { used = realloc(used, (nused + 1) * sizeof *used); used[nused++] = r; }
            sb_add(&b, &l, &c, "  r%ld -> t%ld [label=\"%s %s\", style=dotted];\n", r, id,
                   json_num(json_get(&in->items[k], "unconditional"), 0) ? "will" : "may", json_str(json_get(&in->items[k], "dir"), "use"));
        }
    }
    for (size_t k = 0; k < nused; k++) {
        const char *name = NULL, *kind = "";
        for (size_t i = 0; rs && rs->t == J_ARR && i < rs->n; i++)
            if ((long)json_num(json_get(&rs->items[i], "id"), -1) == used[k]) {
                name = json_str(json_get(&rs->items[i], "name"), NULL);
                kind = json_str(json_get(&rs->items[i], "kind"), "");
                break;
            }
        char label[300];
        if (name) snprintf(label, sizeof label, "%s\n%s", name, kind);
        else snprintf(label, sizeof label, "%ld", used[k]);
        sb_add(&b, &l, &c, "  r%ld [shape=ellipse, label=", used[k]);
        dot_str(&b, &l, &c, label);
        sb_add(&b, &l, &c, "%s];\n", in_list(dr, ndr, used[k]) ? ", color=red, fontcolor=red, penwidth=2" : "");
    }
    if (omitted) sb_add(&b, &l, &c, "  omitted [shape=note, label=\"%zu more tasks not drawn\"];\n", omitted);
    sb_add(&b, &l, &c, "}\n");
    free(used); free(dt); free(dr); free(rwait); free(swait);
    json_free(tj); json_free(rj); json_free(dj);
    return b;
}

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
    char *doc = is_dot ? dot(&t, &st) : perfetto(&t, &st);
    tgt_close(&t);
    if (!doc) return st ? st : TWC_EINTERNAL;
    if (a->out) {
        st = write_file(a->out, doc, strlen(doc), err, sizeof err);
        if (st) { free(doc); return tw_err(st, err); }
        if (a->json) print_wrote_json(a->out, a->format, 0, 0, 0);
        else printf("wrote %s export to %s\n", is_dot ? "dot" : "trace", a->out);
    } else fputs(doc, stdout);
    free(doc);
    return 0;
}
