/* dispatch.h — the command table (command_table.c) and the functions it dispatches to
 * (dispatch.c, bt.c): what twc_exec needs to run one command line. */
#ifndef TWC_DISPATCH_H
#define TWC_DISPATCH_H
#include "internal.h"

/* One parsed command line, as every handler receives it. */
struct run_ctx {
    struct twc_session *s;
    const char *cmd;            /* the command word */
    char **words; int nw;       /* words[0] is cmd; options already taken out */
    struct cmdopts o;
    uint64_t arg; int has_arg;  /* words[1] as a number */
    struct sbuf *b;             /* what to print */
    char *note; size_t notelen; /* history moves: a remark for twc__cmd_position */
    char *err; size_t errlen;
    int output_on_error;        /* validate: the report is printed even when it fails */
};

struct command {
    const char *name, *args, *summary, *text;
    unsigned where;                   /* TWC_FE_* where it works */
    int (*run)(struct run_ctx *c);    /* NULL: the frontend runs it itself (help included) */
};
const struct command *twc__command_find(const char *name);

/* What commands (and snapshots) load first: the model as of the moment shown (the present, or
 * the rewound view), and the event history (which also says horizon/newest in JSON). */
int twc__need_model(struct twc_session *s, const struct model **m, char *err, size_t errlen);
int twc__need_events(struct twc_session *s, char *err, size_t errlen);

/* Each command's runner (the table's `run`): load what it needs, render. bt.c has twc__run_bt. */
typedef int twc__runner(struct run_ctx *c);
twc__runner twc__run_summary, twc__run_tasks, twc__run_task, twc__run_resources, twc__run_resource, twc__run_why,
    twc__run_deadlocks, twc__run_alerts, twc__run_log, twc__run_history, twc__run_control, twc__run_validate,
    twc__run_bt;
#endif
