/* exec.c — one command line against an open target: pause/resume go through the control
 * mapping, everything else (bt included: it walks the stack over the memory we lend it)
 * straight to libtwcore. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"
#include "json.h"

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

/* The task's state ("waiting", "polling"...) and paused flag, from core's `tasks --json`. */
int task_state(struct tw_target *t, uint32_t id, char *state, size_t sn, int *paused) {
    char *out = NULL, err[TW_ERRLEN];
    int st = twc_exec(t->s, "tasks --json", &out, err, sizeof err);
    if (st) return st;
    struct jval *j = json_parse(out);
    twc_free(out);
    const struct jval *ts = json_get(j, "tasks");
    st = TWC_EUSAGE;
    for (size_t i = 0; ts && ts->t == J_ARR && i < ts->n; i++) {
        if ((uint32_t)json_num(json_get(&ts->items[i], "id"), 0) != id) continue;
        snprintf(state, sn, "%s", json_str(json_get(&ts->items[i], "state"), "?"));
        *paused = json_num(json_get(&ts->items[i], "paused"), 0) != 0;
        st = 0;
        break;
    }
    json_free(j);
    return st;
}
