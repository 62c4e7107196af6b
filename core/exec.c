/* exec.c — the public session API (twcore.h): opening a region, running one command line,
 * history position, raw access. Command words are DESIGN.md's `tw` commands without "tw". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "commands.h"

twc_session *twc_open_region(twc_read_fn rd, void *ctx, uint64_t region_addr, int flags,
                             int *status, char *err, size_t errlen)
{
    int st_dummy;
    if (!status) status = &st_dummy;
    if (!rd) { *status = TWC_EUSAGE; MSG(err, errlen, "no reader given"); return NULL; }
    struct twc_session *s = calloc(1, sizeof *s);
    if (!s) { *status = TWC_EINTERNAL; MSG(err, errlen, "out of memory"); return NULL; }
    s->rd = rd; s->rctx = ctx; s->base = region_addr; s->flags = flags; s->at_now = 1;
    int st = decode_header(s, err, errlen);
    if (st) { *status = st; free(s); return NULL; }
    *status = TWC_OK;
    return s;
}

void twc_set_writer(twc_session *s, twc_write_fn wr, void *ctx) { if (s) { s->wr = wr; s->wctx = ctx; } }

void twc_set_runner(twc_session *s, twc_run_fn fn, void *ctx) { if (s) { s->run = fn; s->runctx = ctx; } }

void twc_set_target_label(twc_session *s, const char *label)
{
    if (s) snprintf(s->label, sizeof s->label, "%s", label ? label : "");
}

void twc_free(void *p) { free(p); }

void twc_close(twc_session *s)
{
    if (!s) return;
    model_free(&s->now); model_free(&s->view);
    free(s->arena); free(s->sites); free(s->events);
    for (size_t i = 0; i < s->nlazy; i++) free(s->lazy[i].s);
    free(s->lazy); free(s->facts_source); free(s->facts_exe);
    stack_names_free(s->stack_names);
    free(s);
}

int twc_region_extent(twc_session *s, uint64_t *addr, uint64_t *used)
{
    if (!s || s->facts) return TWC_ENOREGION;
    if (addr) *addr = s->base;
    if (used) *used = s->used;
    return 0;
}

int twc_task_context(twc_session *s, uint32_t task_id, uint64_t regs[10], char *err, size_t errlen)
{
    if (!s || s->facts) { MSG(err, errlen, "no saved task contexts in attach-only models"); return TWC_EUSAGE; }
    int st = load_model(s, err, errlen);
    if (st) return st;
    const struct mtask *t = model_task(&s->now, task_id);
    if (!t) { MSG(err, errlen, "no task %u", task_id); return TWC_EUSAGE; }
    if (t->state == TW_TASK_POLLING || !(t->flags & TW_TF_CTX_VALID) || t->torn) {
        MSG(err, errlen, "task %u is %s: it has no saved context (its stack is its worker thread's)", task_id,
            t->torn ? "torn" : t->state == TW_TASK_POLLING ? "running" : "not parked");
        return TWC_EUSAGE;
    }
    struct tw_task_rec rec;
    if (read_task_rec(s, t, &rec)) { MSG(err, errlen, "cannot read the record of task %u", task_id); return TWC_ECORRUPT; }
    const struct tw_context *c = &rec.ctx;
    uint64_t v[10] = { c->rip, c->rsp, c->rbp, c->rbx, c->r12, c->r13, c->r14, c->r15, c->stack_lo, c->stack_hi };
    memcpy(regs, v, sizeof v);
    return 0;
}

/* ---- help ---- */
static const struct { const char *word, *usage, *text; } help[] = {
    { "summary", "summary", "the top view: tasks by state, average poll and ready-wait time, events, alerts banner (the default)" },
    { "tasks", "tasks [--limit N] [--all]", "one line per task: id, name, state, polls, busy, idle, await site, attributes (--all includes done tasks)" },
    { "task", "task ID", "the task record: waits, holds, intents, histograms of poll time and ready-wait, recent events" },
    { "resources", "resources [--limit N]", "one line per resource: id, name, kind, class, units, holders and waiters" },
    { "resource", "resource ID", "the resource record: holders, senders, receivers, intending and waiting tasks" },
    { "why", "why ID", "the chain that keeps task ID from running: task -> resource -> holder ... until a running task or a cycle" },
    { "deadlocks", "deadlocks", "every deadlock (certain or possible) as a task -> resource -> task chain" },
    { "alerts", "alerts [--long-poll-ms N]", "every alert with its doc page (docs/alerts/KIND.md)" },
    { "log", "log [N]", "the newest N events (default 20) up to the moment shown, merged across threads" },
    { "back", "back [N] | back --await ID", "move the view N events back (default 1), or to the previous time task ID began the await it is blocked at" },
    { "forward", "forward [N]", "move the view N events forward (default 1)" },
    { "at", "at SEQ", "show the model as of event SEQ" },
    { "now", "now", "return the view to the present" },
    { "pause", "pause ID", "ask the runtime to stop scheduling task ID (live targets only)" },
    { "resume", "resume ID", "ask the runtime to schedule task ID again (live targets only)" },
    { "validate", "validate", "check the region: header, bounds, references, derived lists, undo/redo of every retained event" },
    { "help", "help [COMMAND]", "this text" },
};

const char *twc_help(const char *command)
{
    static char buf[4096];
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < ARRAY_LEN(help); i++) {
        if (command && command[0] && strcmp(command, help[i].word)) continue;
        int k = snprintf(buf + n, sizeof buf - n, "  %-28s %s\n", help[i].usage, help[i].text);
        if (k < 0 || (size_t)k >= sizeof buf - n) break;
        n += (size_t)k;
    }
    if (!n) snprintf(buf, sizeof buf, "no such command: %s\n", command);
    else if (!command || !command[0]) {
        snprintf(buf + n, sizeof buf - n, "every command accepts --json (one JSON object on one line)\n");
    }
    return buf;
}

/* ---- command line ---- */
static int parse_u64(const char *w, uint64_t *v)
{
    if (!w || !*w) return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(w, &end, 0);
    if (errno || *end || w[0] == '-') return -1;
    *v = x;
    return 0;
}

static int need_model(struct twc_session *s, const struct model **m, char *err, size_t errlen)
{
    if (s->facts) { *m = &s->now; return 0; }
    int st = load_model(s, err, errlen);
    if (st) return st;
    if (!s->at_now) {
        st = load_events(s, err, errlen);
        if (st) return st;
    }
    return view_model(s, m, err, errlen);
}

static void set_pos(struct twc_session *s, long long idx)
{
    if (idx >= (long long)s->nevents - 1) { s->at_now = 1; s->view_valid = 0; return; }
    if (idx < (long long)s->horizon) idx = (long long)s->horizon;
    if (s->at_now || s->at_idx != (size_t)idx) s->view_valid = 0;
    s->at_now = 0;
    s->at_idx = (size_t)idx;
}

/* the index of the previous time task `id` began the await it is blocked at now */
static int back_await(struct twc_session *s, const struct model *m, uint64_t id, char *note, size_t nl, char *err, size_t errlen)
{
    const struct mtask *t = model_task(m, id);
    if (!t || t->hidden) { MSG(err, errlen, "no task %llu", (unsigned long long)id); return TWC_EUSAGE; }
    if (t->state != TW_TASK_WAITING || !t->await_site) { MSG(err, errlen, "task %llu is not blocked at an await", (unsigned long long)id); return TWC_EUSAGE; }
    size_t end = s->at_now ? s->nevents : s->at_idx + 1;
    long long hits[2] = { -1, -1 };
    int nh = 0;
    for (size_t i = end; i > s->horizon && nh < 2; i--) {
        const struct tw_event *e = &s->events[i - 1].ev;
        if (e->task != id) continue;
        int begins = e->type == TW_EV_AWAIT_BEGIN || e->type == TW_EV_ACQUIRE_REQ || e->type == TW_EV_BLOCK_FULL || e->type == TW_EV_BLOCK_EMPTY;
        if (begins && e->aux == t->await_site) hits[nh++] = (long long)(i - 1);
    }
    if (nh == 0) { MSG(err, errlen, "task %llu began its current await before the history horizon (#%llu)", (unsigned long long)id, (unsigned long long)event_seq(s, s->horizon)); return TWC_EUSAGE; }
    if (nh == 2) { set_pos(s, hits[1]); snprintf(note, nl, "the previous time task %llu began this await", (unsigned long long)id); }
    else { set_pos(s, hits[0]); snprintf(note, nl, "task %llu began this await here; no earlier one within the history horizon", (unsigned long long)id); }
    return 0;
}

/* Forget everything read so far: the next command reads the target afresh. */
int twc_refresh(twc_session *s, char *err, size_t errlen)
{
    if (!s) return TWC_EUSAGE;
    if (s->facts) return 0;
    model_free(&s->now); model_free(&s->view);
    free(s->arena); s->arena = NULL; s->arena_len = 0;
    free(s->sites); s->sites = NULL; s->nsites = 0; s->sites_loaded = 0;
    for (size_t i = 0; i < s->nlazy; i++) free(s->lazy[i].s);
    s->nlazy = 0;
    free(s->events); s->events = NULL; s->nevents = 0;
    s->model_loaded = s->events_loaded = s->view_valid = 0;
    s->horizon = 0; s->ring_dropped = s->overwritten = 0; s->nrings = 0; s->hist_errors = 0;
    s->at_now = 1;
    return decode_header(s, err, errlen);
}

int twc_exec(twc_session *s, const char *cmdline, char **out, char *err, size_t errlen)
{
    if (out) *out = NULL;
    if (err && errlen) err[0] = 0;
    if (!s || !out) { MSG(err, errlen, "no session"); return TWC_EUSAGE; }
    char line[1024];
    snprintf(line, sizeof line, "%s", cmdline ? cmdline : "");
    char *words[32]; int nw = 0;
    struct cmdopts o = { 0 };
    o.long_poll_ms = s->long_poll_ms ? s->long_poll_ms : 50;
    o.await_id = -1;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (!strcmp(p, "--json")) o.json = 1;
        else if (!strcmp(p, "--all")) o.all = 1;
        else if (!strcmp(p, "--limit") || !strcmp(p, "--long-poll-ms") || !strcmp(p, "--await")) {
            char *v = strtok(NULL, " \t\r\n");
            uint64_t x;
            if (parse_u64(v, &x) || x > 0xffffffffull) { MSG(err, errlen, "%s needs a number", p); return TWC_EUSAGE; }
            if (p[2] == 'l' && p[3] == 'i') { o.limit = (int)(x > 0x7fffffff ? 0x7fffffff : x); o.has_limit = 1; }
            else if (p[2] == 'l') o.long_poll_ms = (uint32_t)x;
            else o.await_id = (long)x;
        } else if (!strncmp(p, "--", 2)) { MSG(err, errlen, "unknown option %s", p); return TWC_EUSAGE; }
        else if (nw < 32) words[nw++] = p;
    }
    const char *cmd = nw ? words[0] : "summary";
    /* a live target moves on between commands: at now, every command reads it afresh (a view
     * into history stays frozen on what was read, so its sequence numbers stay meaningful) */
    if ((s->flags & TWC_LIVE) && s->at_now && !s->facts && (s->model_loaded || s->events_loaded || s->arena)) {
        int rs = twc_refresh(s, err, errlen);
        if (rs) return rs;
    }
    uint64_t arg = 0;
    int has_arg = nw > 1 && parse_u64(words[1], &arg) == 0;
    if (nw > 1 && !has_arg && strcmp(cmd, "help")) { MSG(err, errlen, "%s: '%s' is not a number", cmd, words[1]); return TWC_EUSAGE; }
    struct sbuf b; sb_init(&b);
    const struct model *m = NULL;
    int st = 0;
    char note[200] = "";
#define NEED_ID() do { if (!has_arg) { MSG(err, errlen, "usage: %s ID", cmd); return TWC_EUSAGE; } } while (0)
#define MODEL() do { st = need_model(s, &m, err, errlen); if (st) goto out; } while (0)
#define EVENTS() do { if (!s->facts) { st = load_model(s, err, errlen); if (!st) st = load_events(s, err, errlen); if (st) goto out; } } while (0)
    if (!strcmp(cmd, "help")) {
        sb_puts(&b, twc_help(nw > 1 ? words[1] : NULL));
    } else if (!strcmp(cmd, "summary") || !strcmp(cmd, "top")) {
        EVENTS(); MODEL();
        st = cmd_summary(s, m, &o, &b);
    } else if (!strcmp(cmd, "tasks")) {
        if (s->at_now && o.has_limit && !s->model_loaded && !s->facts) {
            struct mtask *ts; size_t n, scanned;
            if (read_tasks_lazy(s, (size_t)o.limit, o.all, &ts, &n, &scanned)) {
                free(ts); MSG(err, errlen, "cannot read the task table (region truncated or unreadable)"); st = TWC_ECORRUPT; goto out;
            }
            st = cmd_tasks_list(s, ts, n, s->hdr.tasks.count, &o, &b);
            free(ts);
        } else {
            MODEL();
            size_t total = 0;
            for (size_t i = 0; i < m->ntasks; i++) total += !m->tasks[i].hidden && (o.all || m->tasks[i].state != TW_TASK_DONE);
            st = cmd_tasks_list(s, m->tasks, m->ntasks, total, &o, &b);
        }
    } else if (!strcmp(cmd, "task")) {
        NEED_ID(); EVENTS(); MODEL();
        st = cmd_task(s, m, arg, &o, &b, err, errlen);
    } else if (!strcmp(cmd, "resources")) {
        MODEL(); st = cmd_resources(s, m, &o, &b);
    } else if (!strcmp(cmd, "resource")) {
        NEED_ID(); MODEL(); st = cmd_resource(s, m, arg, &o, &b, err, errlen);
    } else if (!strcmp(cmd, "why")) {
        NEED_ID(); MODEL(); st = cmd_why(s, m, arg, &o, &b, err, errlen);
    } else if (!strcmp(cmd, "deadlocks")) {
        MODEL(); st = cmd_deadlocks(s, m, &o, &b);
    } else if (!strcmp(cmd, "alerts")) {
        EVENTS(); MODEL(); st = cmd_alerts(s, m, &o, &b);
    } else if (!strcmp(cmd, "log")) {
        EVENTS();
        st = cmd_log(s, has_arg ? (size_t)arg : 20, &o, &b);
    } else if (!strcmp(cmd, "back") || !strcmp(cmd, "forward") || !strcmp(cmd, "at") || !strcmp(cmd, "now")) {
        if (s->facts) { MSG(err, errlen, "attach-only models have no history to move through"); st = TWC_EUSAGE; goto out; }
        EVENTS();
        if (!s->nevents && strcmp(cmd, "now")) {
            MSG(err, errlen, "no events are recorded in this region (TW_LOG_EVENTS=0?), so there is no history to move through");
            st = TWC_EUSAGE; goto out;
        }
        long long cur = s->at_now ? (long long)s->nevents - 1 : (long long)s->at_idx;
        if (!strcmp(cmd, "now")) { s->at_now = 1; s->view_valid = 0; }
        else if (!strcmp(cmd, "at")) {
            NEED_ID();
            long idx = event_index(s, arg);
            if (idx < (long)s->horizon) {
                MSG(err, errlen, "event #%llu is not in the retained history (from #%llu to #%llu; `log` lists them)", (unsigned long long)arg,
                    (unsigned long long)event_seq(s, s->horizon), (unsigned long long)event_seq(s, s->nevents - 1));
                st = TWC_EUSAGE; goto out;
            }
            set_pos(s, idx);
            if (s->at_now) snprintf(note, sizeof note, "that is the newest event");
        } else if (!strcmp(cmd, "back") && o.await_id >= 0) {
            MODEL();
            st = back_await(s, m, (uint64_t)o.await_id, note, sizeof note, err, errlen);
            if (st) goto out;
        } else {
            long long n = has_arg ? (long long)(arg > 100000000ull ? 100000000ull : arg) : 1;
            long long target = !strcmp(cmd, "back") ? cur - n : cur + n;
            if (target < (long long)s->horizon) snprintf(note, sizeof note, "history reaches back only to #%llu", (unsigned long long)event_seq(s, s->horizon));
            set_pos(s, target);
        }
        st = cmd_position(s, &o, &b, note);
    } else if (!strcmp(cmd, "pause") || !strcmp(cmd, "resume")) {
        NEED_ID();
        st = cmd_control(s, !strcmp(cmd, "pause") ? TW_CTL_PAUSE : TW_CTL_RESUME, arg, &o, &b, err, errlen);
    } else if (!strcmp(cmd, "validate")) {
        st = cmd_validate(s, &o, &b);
        if (st == TWC_ECORRUPT || st == 0) {
            /* violations are a result: the text is the answer, the status says corrupt */
            char *p = sb_take(&b);
            if (!p) { MSG(err, errlen, "out of memory"); return TWC_EINTERNAL; }
            *out = p;
            if (st) MSG(err, errlen, "region failed validation");
            return st;
        }
    } else {
        MSG(err, errlen, "unknown command '%s' (try help)", cmd);
        st = TWC_EUSAGE;
    }
out:
    if (st) { sb_free(&b); if (err && errlen && !err[0]) MSG(err, errlen, "%s failed", cmd); return st; }
    *out = sb_take(&b);
    if (!*out) { MSG(err, errlen, "out of memory"); return TWC_EINTERNAL; }
    return 0;
}
