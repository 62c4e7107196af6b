/* main.c — `tw`: parse the line, pick the command, turn every failure into one sentence on
 * stderr and the exit status DESIGN.md assigns (0 done, 1 usage, 2 not found, 3 no region,
 * 4 permission, 5 corrupt, 6 internal). All analysis is libtwcore's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"

static char *join_line(const struct tw_args *a) {
    size_t len = strlen(a->cmd) + 16;
    for (int i = 0; i < a->nwords; i++) len += strlen(a->words[i]) + 1;
    char *line = malloc(len);
    strcpy(line, a->cmd);
    for (int i = 0; i < a->nwords; i++) {
        strcat(line, " ");
        strcat(line, a->words[i]);
    }
    if (a->json) strcat(line, " --json");
    return line;
}

static int one_shot(const struct tw_args *a) {
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    int wr = !strcmp(a->cmd, "pause") || !strcmp(a->cmd, "resume");
    st = tgt_open(&t, wr ? TGT_WRITABLE : 0, err, sizeof err);
    if (st) return tw_err(st, err);
    char *line = join_line(a);
    st = run_line(&t, line, 1);
    free(line);
    tgt_close(&t);
    return st;
}

/* Commands whose output is no JSON object refuse --json with a sentence rather than
 * ignore it (snapshot and export answer it with what they wrote; ps, pause, resume and
 * every analysis command print JSON). */
static int refuses_json(const struct tw_args *a) {
    if (!a->json) return 0;
    if (!strcmp(a->cmd, "top") || !strcmp(a->cmd, "console") || !strcmp(a->cmd, "debug") || !strcmp(a->cmd, "run"))
        return tw_fail(TWC_EUSAGE, "tw %s is interactive and has no JSON output: use its commands with --json "
                       "(tw COMMAND --json TARGET, or COMMAND --json inside tw console)", a->cmd);
    if (!strcmp(a->cmd, "export") && !a->out)
        return tw_fail(TWC_EUSAGE, "export --json describes the file written: give -o FILE (without -o the export "
                       "itself goes to stdout)");
    return 0;
}

int main(int argc, char **argv) {
    struct tw_args a;
    char err[TW_ERRLEN];
    int st = tw_parse_args(argc, argv, &a, err, sizeof err);
    if (st) return tw_fail(st, "%s; see tw --help", err);
    if (argc < 2) {
        print_help(NULL);
        return TWC_EUSAGE;
    }
    if (!a.cmd) {
        if (a.help) return print_help(NULL);
        a.cmd = "summary";
    }
    if (!strcmp(a.cmd, "help")) return print_help(a.nwords ? a.words[0] : NULL);
    if (a.help) return print_help(a.cmd);
    if ((st = refuses_json(&a))) return st;
    if (!strcmp(a.cmd, "ps")) return cmd_ps(&a);
    if (!strcmp(a.cmd, "snapshot")) return cmd_snapshot(&a);
    if (!strcmp(a.cmd, "export")) return cmd_export(&a);
    if (!strcmp(a.cmd, "top")) return cmd_top(&a);
    if (!strcmp(a.cmd, "console")) return cmd_console(&a);
    if (!strcmp(a.cmd, "debug")) return cmd_debug(&a);
    if (!strcmp(a.cmd, "run")) return cmd_run(&a);
    if (!is_core_cmd(a.cmd)) return unknown_command(a.cmd, TWC_FE_CONSOLE);
    return one_shot(&a);
}
