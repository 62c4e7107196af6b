/* exec.c — the public session API (twcore.h): opening a region, running one command line,
 * history position, raw access. Command words are DESIGN.md's `tw` commands without "tw". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "commands.h"
#include "dispatch.h"

twc_session *twc_open_region(twc_read_fn rd, void *ctx, uint64_t region_addr, int flags,
                             int *status, char *err, size_t errlen)
{
    int st_dummy;
    if (!status) status = &st_dummy;
    if (!rd) { *status = TWC_EUSAGE; MSG(err, errlen, "no reader given"); return NULL; }
    struct twc_session *s = calloc(1, sizeof *s);
    if (!s) { *status = TWC_EINTERNAL; MSG(err, errlen, "out of memory"); return NULL; }
    s->rd = rd; s->rctx = ctx; s->base = region_addr; s->flags = flags; s->at_now = 1;
    int st = twc__decode_header(s, err, errlen);
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
    twc__model_free(&s->now); twc__model_free(&s->view);
    free(s->arena); free(s->sites); free(s->events);
    for (size_t i = 0; i < s->nlazy; i++) free(s->lazy[i].s);
    free(s->lazy); free(s->facts_source); free(s->facts_exe);
    twc__stack_names_free(s->stack_names);
    twc__kernel_waits_free(s->kernel_waits);
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
    int st = twc__load_model(s, err, errlen);
    if (st) return st;
    const struct mtask *t = twc__model_task(&s->now, task_id);
    if (!t) { MSG(err, errlen, "no task %u", task_id); return TWC_ENOTFOUND; }
    if (t->state == TW_TASK_POLLING || !(t->flags & TW_TF_CTX_VALID) || t->torn) {
        MSG(err, errlen, "task %u is %s: it has no saved context (its stack is its worker thread's)", task_id,
            t->torn ? "torn" : t->state == TW_TASK_POLLING ? "running" : "not parked");
        return TWC_ENOTFOUND;
    }
    struct tw_task_rec rec;
    if (twc__read_task_rec(s, t, &rec)) { MSG(err, errlen, "cannot read the record of task %u", task_id); return TWC_ECORRUPT; }
    const struct tw_context *c = &rec.ctx;
    uint64_t v[10] = { c->rip, c->rsp, c->rbp, c->rbx, c->r12, c->r13, c->r14, c->r15, c->stack_lo, c->stack_hi };
    memcpy(regs, v, sizeof v);
    return 0;
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

/* Forget everything read so far: the next command reads the target afresh. */
int twc_refresh(twc_session *s, char *err, size_t errlen)
{
    if (!s) return TWC_EUSAGE;
    if (s->facts) return 0;
    twc__model_free(&s->now); twc__model_free(&s->view);
    free(s->arena); s->arena = NULL; s->arena_len = 0;
    free(s->sites); s->sites = NULL; s->nsites = 0; s->sites_loaded = 0; s->sites_demangled = 0;
    for (size_t i = 0; i < s->nlazy; i++) free(s->lazy[i].s);
    s->nlazy = 0;
    free(s->events); s->events = NULL; s->nevents = 0;
    s->model_loaded = s->events_loaded = s->view_valid = 0;
    s->horizon = 0; s->ring_dropped = s->overwritten = 0; s->nrings = 0; s->hist_errors = 0;
    s->at_now = 1;
    return twc__decode_header(s, err, errlen);
}

/* A live target moves on between commands: at now, every command (and snapshot) reads it
 * afresh. A view into history stays frozen on what was read, so its sequence numbers stay
 * meaningful. */
int twc__refresh_if_live(struct twc_session *s, char *err, size_t errlen)
{
    if ((s->flags & TWC_LIVE) && s->at_now && !s->facts && (s->model_loaded || s->events_loaded || s->arena))
        return twc_refresh(s, err, errlen);
    return 0;
}

/* Why an argument that should be a number is not one, in words that help. */
static int bad_number(const char *cmd, const char *w, char *err, size_t errlen)
{
    const struct command *k = twc__command_find(cmd);
    int negative = w[0] == '-';
    if (!strcmp(cmd, "at") && negative)
        MSG(err, errlen, "at takes an event number (0 or more, as `log` shows them), not %s; to go back %s events, use back %s", w, w + 1, w + 1);
    else if (negative)
        MSG(err, errlen, "%s takes %s, a number of 0 or more, not %s", cmd, k && k->args[0] ? k->args : "no argument", w);
    else
        MSG(err, errlen, "%s: '%s' is not a number (usage: %s %s)", cmd, w, cmd, k ? k->args : "");
    return TWC_EUSAGE;
}

static int unknown_command(const char *cmd, char *err, size_t errlen)
{
    const struct command *k = twc__command_find(cmd);
    if (k && !k->run && strcmp(cmd, "help")) {
        if (k->where == TWC_FE_GDB) MSG(err, errlen, "%s works only in gdb (tw %s there)", cmd, cmd);
        else MSG(err, errlen, "%s is a command of the tw program: run tw %s TARGET", cmd, cmd);
    }
    else {
        const char *near = twc_suggest(cmd, 0);
        if (near) MSG(err, errlen, "unknown command '%s'; did you mean '%s'?", cmd, near);
        else MSG(err, errlen, "unknown command '%s' (try help)", cmd);
    }
    return TWC_EUSAGE;
}

int twc_exec(twc_session *s, const char *cmdline, char **out, char *err, size_t errlen)
{
    if (out) *out = NULL;
    if (err && errlen) err[0] = 0;
    if (!s || !out) { MSG(err, errlen, "no session"); return TWC_EUSAGE; }
    char line[1024];
    snprintf(line, sizeof line, "%s", cmdline ? cmdline : "");
    char *words[32]; int nw = 0;
    struct run_ctx c = { .s = s, .words = words, .err = err, .errlen = errlen };
    c.o.long_poll_ms = s->long_poll_ms ? s->long_poll_ms : 50;
    c.o.blocking_poll_ms = TWC_BLOCKING_POLL_MS;
    c.o.await_id = -1;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (!strcmp(p, "--json")) c.o.json = 1;
        else if (!strcmp(p, "--all")) c.o.all = 1;
        else if (!strcmp(p, "--limit") || !strcmp(p, "--long-poll-ms") || !strcmp(p, "--await") ||
                 !strcmp(p, "--blocking-poll-ms")) {
            char *v = strtok(NULL, " \t\r\n");
            uint64_t x;
            if (parse_u64(v, &x) || x > 0xffffffffull) { MSG(err, errlen, "%s needs a number", p); return TWC_EUSAGE; }
            if (p[2] == 'l' && p[3] == 'i') { c.o.limit = (int)(x > 0x7fffffff ? 0x7fffffff : x); c.o.has_limit = 1; }
            else if (p[2] == 'l') c.o.long_poll_ms = (uint32_t)x;
            else if (p[2] == 'b') c.o.blocking_poll_ms = (uint32_t)x;
            else c.o.await_id = (long)x;
        } else if (!strncmp(p, "--", 2)) { MSG(err, errlen, "unknown option %s", p); return TWC_EUSAGE; }
        else if (nw < 32) words[nw++] = p;
    }
    c.cmd = nw ? words[0] : "summary";
    c.nw = nw;
    const char *cmd = c.cmd;
    if (!strcmp(cmd, "help")) {
        *out = strdup(twc_help(nw > 1 ? words[1] : NULL));
        if (!*out) { MSG(err, errlen, "out of memory"); return TWC_EINTERNAL; }
        return 0;
    }
    const struct command *k = twc__command_find(cmd);
    if (!k || !k->run) return unknown_command(cmd, err, errlen);
    if (nw > 1 && parse_u64(words[1], &c.arg)) return bad_number(cmd, words[1], err, errlen);
    c.has_arg = nw > 1;
    int rs = twc__refresh_if_live(s, err, errlen);
    if (rs) return rs;
    uint32_t soonest = c.o.long_poll_ms < c.o.blocking_poll_ms ? c.o.long_poll_ms : c.o.blocking_poll_ms;
    twc__collect_if_needed(s, soonest ? soonest : 1, !strcmp(cmd, "deadlocks") || !strcmp(cmd, "alerts"));
    struct sbuf b; twc__sb_init(&b);
    char note[200] = "";
    c.b = &b; c.note = note; c.notelen = sizeof note;
    s->history_fields = !s->at_now; /* a view into the past always says where it is */
    int st = k->run(&c);
    if (st && !c.output_on_error) {
        twc__sb_free(&b);
        if (err && errlen && !err[0]) MSG(err, errlen, "%s failed", cmd);
        return st;
    }
    *out = twc__sb_take(&b);
    if (!*out) { MSG(err, errlen, "out of memory"); return TWC_EINTERNAL; }
    return st;
}
