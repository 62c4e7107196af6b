/* exec.c — one command line against an open target: pause/resume go through the control
 * mapping, everything else (bt included: it walks the stack over the memory we lend it)
 * straight to libtwcore. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"

/* Splits off the first word and the first numeric argument of a line. */
static void first_words(const char *line, char *w0, size_t n0, uint32_t *id, int *has_id) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", line);
    char *save = NULL;
    char *w = strtok_r(buf, " \t\n", &save);
    snprintf(w0, n0, "%s", w ? w : "");
    *has_id = 0;
    while ((w = strtok_r(NULL, " \t\n", &save)))
        if (w[0] != '-' && parse_id(w, id) == 0) { *has_id = 1; break; }
}

/* Core's text becomes ours (plain malloc) so callers free every output the same way. */
static int own(int st, char **out) {
    if (*out) {
        char *mine = strdup(*out);
        twc_free(*out);
        *out = mine;
    }
    return st;
}

int exec_capture(struct tw_target *t, const char *line, char **out, char *err, size_t n) {
    char w0[32];
    uint32_t id = 0;
    int has_id;
    *out = NULL;
    err[0] = 0;
    first_words(line, w0, sizeof w0, &id, &has_id);
    if ((!strcmp(w0, "pause") || !strcmp(w0, "resume")) && t->kind == TGT_PID && !t->attach_only) {
        if (!has_id) { snprintf(err, n, "usage: %s ID", w0); return TWC_EUSAGE; }
        return own(ctl_request(t, w0, id, strstr(line, "--json") != NULL, out, err, n), out);
    }
    return own(twc_exec(t->s, line, out, err, n), out);
}

int run_line(struct tw_target *t, const char *line, int print_err) {
    char *out = NULL, err[TW_ERRLEN];
    int st = exec_capture(t, line, &out, err, sizeof err);
    if (out) {
        fputs(out, stdout);
        size_t k = strlen(out);
        if (k && out[k - 1] != '\n') putchar('\n');
        fflush(stdout);
        free(out);
    }
    if (st && print_err) tw_err(st, err[0] ? err : "command failed");
    return st;
}

/* The task's state ("waiting", "polling"...) and paused flag, from core's snapshot; a finished
 * task is not found, as `tasks` does not list it. */
int task_state(struct tw_target *t, uint32_t id, char *state, size_t sn, int *paused) {
    struct twc_snapshot snap;
    char err[TW_ERRLEN];
    int st = twc_snapshot_take(t->s, 0, &snap, err, sizeof err);
    if (st) return st;
    const struct twc_task *k = twc_snapshot_task(&snap, id);
    int found = k != NULL;
    if (found) {
        snprintf(state, sn, "%s", k->state);
        *paused = k->paused;
    }
    twc_snapshot_free(&snap);
    return found ? 0 : TWC_EUSAGE;
}
