/* args.c — `tw COMMAND [ARGS] TARGET [--json]` with options anywhere on the line, so that
 * `tw pause --pid 42 7` and `tw pause 7 --pid 42` mean the same. Options the console does not
 * own (`--limit 50`, `--await 3`) stay in place among the command's words for libtwcore. */
#include <stdio.h>
#include <string.h>
#include "tw.h"

/* Options that take a value; `--opt=value` is accepted too. */
static const char **value_slot(struct tw_args *a, const char *name) {
    if (!strcmp(name, "--pid") || !strcmp(name, "-p")) return &a->pid_s;
    if (!strcmp(name, "--file") || !strcmp(name, "-f")) return &a->file;
    if (!strcmp(name, "--core") || !strcmp(name, "-c")) return &a->core;
    if (!strcmp(name, "--exe") || !strcmp(name, "-e")) return &a->exe;
    if (!strcmp(name, "--output") || !strcmp(name, "-o")) return &a->out;
    if (!strcmp(name, "--format")) return &a->format;
    return NULL;
}

static int *flag_slot(struct tw_args *a, const char *name) {
    if (!strcmp(name, "--json")) return &a->json;
    if (!strcmp(name, "--gdb")) return &a->gdb;
    if (!strcmp(name, "--lldb")) return &a->lldb;
    if (!strcmp(name, "--batch")) return &a->batch;
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) return &a->help;
    if (!strcmp(name, "--yes") || !strcmp(name, "-y")) return &a->yes;
    if (!strcmp(name, "--no-children")) return &a->no_children;
    return NULL;
}

/* Returns 0 or TWC_EUSAGE with a sentence in err. */
int tw_parse_args(int argc, char **argv, struct tw_args *a, char *err, size_t n) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (a->cmd && !strcmp(a->cmd, "run") && !strcmp(w, "--")) {
            if (i + 1 >= argc) break;
            a->prog = &argv[i + 1];
            return 0;
        }
        if (w[0] == '-' && w[1]) {
            char name[32];
            const char *eq = strchr(w, '=');
            size_t len = eq ? (size_t)(eq - w) : strlen(w);
            if (len < sizeof name) {
                memcpy(name, w, len);
                name[len] = 0;
                const char **vs = value_slot(a, name);
                if (vs) {
                    const char *v;
                    if (eq) v = eq + 1;
                    else if (i + 1 < argc) v = argv[++i];
                    else { snprintf(err, n, "option %s needs a value", name); return TWC_EUSAGE; }
                    /* a second value would silently replace the first: which one was meant? */
                    if (*vs && strcmp(*vs, v)) {
                        snprintf(err, n, "%s given twice (%s and %s): give it once", name, *vs, v);
                        return TWC_EUSAGE;
                    }
                    *vs = v;
                    continue;
                }
                int *fs = eq ? NULL : flag_slot(a, name);
                if (fs) {
                    *fs = 1;
                    continue;
                }
            }
        }
        if (!a->cmd) {
            a->cmd = w;
            continue;
        }
        /* `tw run PROG ARGS…`: the program's own options are not ours. */
        if (!strcmp(a->cmd, "run")) {
            a->prog = &argv[i];
            return 0;
        }
        if (a->nwords >= TW_MAXARGS - 2) { snprintf(err, n, "too many arguments"); return TWC_EUSAGE; }
        a->words[a->nwords++] = w;
    }
    return 0;
}
