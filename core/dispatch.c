/* dispatch.c — what each command of the table (command_table.c) does: load what it needs
 * (model, events, the view into history) and call its renderer (commands.c). Not-found ids
 * are TWC_ENOTFOUND, so every frontend exits or fails with the status DESIGN.md gives them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "commands.h"
#include "dispatch.h"

int twc__need_model(struct twc_session *s, const struct model **m, char *err, size_t errlen)
{
    if (s->facts) { *m = &s->now; return 0; }
    int st = twc__load_model(s, err, errlen);
    if (st) return st;
    if (!s->at_now) {
        st = twc__load_events(s, err, errlen);
        if (st) return st;
    }
    return twc__view_model(s, m, err, errlen);
}

/* Commands that read the history say how far it reaches (horizon, newest); whether another
 * command happened to load it earlier in the session must not change what a command prints,
 * or a debugger's long session and the console's one-shot would disagree. */
int twc__need_events(struct twc_session *s, char *err, size_t errlen)
{
    if (s->facts) return 0;
    s->history_fields = 1;
    int st = twc__load_model(s, err, errlen);
    return st ? st : twc__load_events(s, err, errlen);
}

static int need_id(struct run_ctx *c)
{
    if (c->has_arg) return 0;
    const struct command *k = twc__command_find(c->cmd);
    MSG(c->err, c->errlen, "usage: %s %s", c->cmd, k ? k->args : "ID");
    return TWC_EUSAGE;
}

#define TRY(x) do { int st_ = (x); if (st_) return st_; } while (0)

/* What a command needs before it renders: its ID argument (`id`), the event history
 * (`events`: the recent events, the averages and alerts it shows read it), and the model as of
 * the moment shown. */
enum { ID = 1, EVENTS = 2 };
static int prepare(struct run_ctx *c, int needs, const struct model **m)
{
    if (needs & ID) TRY(need_id(c));
    if (needs & EVENTS) TRY(twc__need_events(c->s, c->err, c->errlen));
    return twc__need_model(c->s, m, c->err, c->errlen);
}

/* A command over the model: prepare what it needs, then render. */
typedef int (*model_cmd)(struct twc_session *s, const struct model *m, uint64_t id, const struct cmdopts *o,
                         struct sbuf *b, char *err, size_t errlen);
static int run_model(struct run_ctx *c, int needs, model_cmd render)
{
    const struct model *m;
    TRY(prepare(c, needs, &m));
    return render(c->s, m, c->arg, &c->o, c->b, c->err, c->errlen);
}

int twc__run_summary(struct run_ctx *c) { return run_model(c, EVENTS, twc__cmd_summary); }

int twc__run_tasks(struct run_ctx *c)
{
    struct twc_session *s = c->s;
    if (s->at_now && c->o.has_limit && !s->model_loaded && !s->facts) {
        /* --limit at now reads only the slots it shows (DESIGN.md: tasks on 100,000 tasks < 1 s) */
        struct mtask *ts; size_t n, scanned;
        if (twc__read_tasks_lazy(s, (size_t)c->o.limit, c->o.all, &ts, &n, &scanned)) {
            free(ts);
            MSG(c->err, c->errlen, "cannot read the task table (region truncated or unreadable)");
            return TWC_ECORRUPT;
        }
        int st = twc__cmd_tasks_list(s, ts, n, s->hdr.tasks.count, &c->o, c->b);
        free(ts);
        return st;
    }
    const struct model *m;
    TRY(twc__need_model(s, &m, c->err, c->errlen));
    size_t total = 0;
    for (size_t i = 0; i < m->ntasks; i++) total += !m->tasks[i].hidden && (c->o.all || m->tasks[i].state != TW_TASK_DONE);
    return twc__cmd_tasks_list(s, m->tasks, m->ntasks, total, &c->o, c->b);
}

int twc__run_task(struct run_ctx *c) { return run_model(c, ID | EVENTS, twc__cmd_task); }
int twc__run_resources(struct run_ctx *c) { return run_model(c, 0, twc__cmd_resources); }
int twc__run_resource(struct run_ctx *c) { return run_model(c, ID, twc__cmd_resource); }
int twc__run_why(struct run_ctx *c) { return run_model(c, ID, twc__cmd_why); }
int twc__run_deadlocks(struct run_ctx *c) { return run_model(c, 0, twc__cmd_deadlocks); }
int twc__run_alerts(struct run_ctx *c) { return run_model(c, EVENTS, twc__cmd_alerts); }

int twc__run_log(struct run_ctx *c)
{
    TRY(twc__need_events(c->s, c->err, c->errlen));
    return twc__cmd_log(c->s, c->has_arg ? (size_t)c->arg : 20, &c->o, c->b);
}

int twc__run_control(struct run_ctx *c)
{
    TRY(need_id(c));
    return twc__cmd_control(c->s, !strcmp(c->cmd, "pause") ? TW_CTL_PAUSE : TW_CTL_RESUME, c->arg, &c->o, c->b, c->err, c->errlen);
}

int twc__run_validate(struct run_ctx *c)
{
    int st = twc__cmd_validate(c->s, &c->o, c->b);
    if (st == TWC_ECORRUPT || st == 0) {
        /* violations are a result: the text is the answer, the status says corrupt */
        c->output_on_error = 1;
        if (st) MSG(c->err, c->errlen, "region failed validation");
    }
    return st;
}
