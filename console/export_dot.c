/* export_dot.c — `tw export --format dot`: the wait-for graph as Graphviz DOT, drawn from
 * libtwcore's snapshot (tasks, resources, deadlocks), so the picture can never disagree with
 * `tw why` and `tw deadlocks`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"
#include "textbuf.h"

#define DOT_MAX_TASKS 1000   /* beyond this dot takes minutes; the rest is summarised */

static void dot_str(char **b, size_t *l, size_t *c, const char *s) {
    sb_add(b, l, c, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') sb_add(b, l, c, "\\%c", *s);
        else if (*s == '\n') sb_add(b, l, c, "\\n");
        else if ((unsigned char)*s >= 0x20) sb_add(b, l, c, "%c", *s);
    }
    sb_add(b, l, c, "\"");
}

/* a growable set of ids, kept in the order they were added */
struct ids { uint64_t *v; size_t n; };
static int has(const struct ids *s, uint64_t x) {
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == x) return 1;
    return 0;
}
static void add(struct ids *s, uint64_t x) {
    uint64_t *v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) return;
    s->v = v;
    s->v[s->n++] = x;
}

/* What the deadlocks hold together: member tasks and resources (drawn red), and what the
 * member tasks wait for — a sender edge is part of a deadlock when a member waits to receive
 * from that channel, a receiver edge when one waits to send to it. */
struct members { struct ids tasks, res, recv_on, send_on; };

static void find_members(const struct twc_snapshot *snap, struct members *d) {
    for (size_t i = 0; i < snap->ndeadlocks; i++)
        for (size_t k = 0; k < snap->deadlocks[i].nchain; k++) {
            const struct twc_chain_entry *e = &snap->deadlocks[i].chain[k];
            add(e->is_task ? &d->tasks : &d->res, e->id);
        }
    for (size_t i = 0; i < snap->ntasks; i++) {
        const struct twc_task *t = &snap->tasks[i];
        if (!has(&d->tasks, t->id)) continue;
        int select = !strcmp(t->wait_kind, "select");
        int recv = select || !strcmp(t->wait_kind, "recv"), send = select || !strcmp(t->wait_kind, "send");
        for (size_t k = 0; k < t->nwaiting_on; k++) {
            if (recv) add(&d->recv_on, t->waiting_on[k]);
            if (send) add(&d->send_on, t->waiting_on[k]);
        }
    }
}

char *export_dot(const struct twc_snapshot *snap) {
    struct members d = { 0 };
    find_members(snap, &d);
    char *b = NULL;
    size_t l = 0, c = 0;
    sb_add(&b, &l, &c, "digraph waitfor {\n  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n"
                       "  edge [fontname=\"monospace\", fontsize=9];\n");
    struct ids used = { 0 };
    size_t shown = 0, omitted = 0;
    for (size_t i = 0; i < snap->ntasks; i++) {   /* the snapshot lists no finished task */
        const struct twc_task *tk = &snap->tasks[i];
        uint64_t id = tk->id;
        int member = has(&d.tasks, id);
        if (shown >= DOT_MAX_TASKS && !member) { omitted++; continue; }
        shown++;
        char label[300];
        snprintf(label, sizeof label, "%llu %s\n%s%s", (unsigned long long)id, tk->name, tk->state, tk->paused ? " (paused)" : "");
        sb_add(&b, &l, &c, "  t%llu [shape=box, label=", (unsigned long long)id);
        dot_str(&b, &l, &c, label);
        sb_add(&b, &l, &c, "%s];\n", member ? ", color=red, fontcolor=red, penwidth=2" : "");
        /* Every edge the analysis uses, drawn the way waiting flows: a task -> what it waits on
         * -> the tasks that can end the wait (holders of a lock, senders of a channel one
         * receives from, receivers of one a sender waits to fill), so a deadlock is a cycle. */
        const struct { const uint64_t *ids; size_t n; const char *label, *style; int task_first; const struct ids *needs; } kinds[] = {
            { tk->waiting_on, tk->nwaiting_on, "waits", "style=dashed", 1, NULL }, { tk->holds, tk->nholds, "held by", "", 0, NULL },
            { tk->senders_of, tk->nsenders_of, "sender", "", 0, &d.recv_on },
            { tk->receivers_of, tk->nreceivers_of, "receiver", "", 0, &d.send_on },
        };
        for (size_t pass = 0; pass < sizeof kinds / sizeof kinds[0]; pass++)
            for (size_t k = 0; k < kinds[pass].n; k++) {
                unsigned long long r = kinds[pass].ids[k];
                if (!has(&used, r)) add(&used, r);
                int red = member && has(&d.res, r) && (!kinds[pass].needs || has(kinds[pass].needs, r));
                if (kinds[pass].task_first) sb_add(&b, &l, &c, "  t%llu -> r%llu", (unsigned long long)id, r);
                else sb_add(&b, &l, &c, "  r%llu -> t%llu", r, (unsigned long long)id);
                sb_add(&b, &l, &c, " [label=\"%s\"%s%s%s];\n", kinds[pass].label, kinds[pass].style[0] ? ", " : "", kinds[pass].style,
                       red ? ", color=red" : "");
            }
        for (size_t k = 0; k < tk->nintents; k++) {   /* may / will use: dotted */
            const struct twc_intent *in = &tk->intents[k];
            if (!has(&used, in->resource)) add(&used, in->resource);
            sb_add(&b, &l, &c, "  r%llu -> t%llu [label=\"%s %s\", style=dotted];\n", (unsigned long long)in->resource,
                   (unsigned long long)id, in->unconditional ? "will" : "may", in->dir);
        }
    }
    for (size_t k = 0; k < used.n; k++) {
        const struct twc_resource *r = twc_snapshot_resource(snap, used.v[k]);
        char label[300];
        if (r) snprintf(label, sizeof label, "%s\n%s", r->name, r->kind);
        else snprintf(label, sizeof label, "%llu", (unsigned long long)used.v[k]);
        sb_add(&b, &l, &c, "  r%llu [shape=ellipse, label=", (unsigned long long)used.v[k]);
        dot_str(&b, &l, &c, label);
        sb_add(&b, &l, &c, "%s];\n", has(&d.res, used.v[k]) ? ", color=red, fontcolor=red, penwidth=2" : "");
    }
    if (omitted) sb_add(&b, &l, &c, "  omitted [shape=note, label=\"%zu more tasks not drawn\"];\n", omitted);
    sb_add(&b, &l, &c, "}\n");
    free(used.v); free(d.tasks.v); free(d.res.v); free(d.recv_on.v); free(d.send_on.v);
    return b;
}
