/* repl.c — `tw console TARGET`: the same commands in a loop over one session, so history
 * moves (back/forward/at) persist between commands. readline with history and completion
 * for people; plain lines from stdin when it is not a terminal, for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include "tw.h"

/* completes the commands that work here (the REPL's part of libtwcore's command table),
 * then the REPL's own word, quit */
static char *cmd_generator(const char *text, int state) {
    static size_t i;
    static int quit_done;
    static size_t len;
    if (!state) { i = 0; quit_done = 0; len = strlen(text); }
    const char *name;
    unsigned where;
    while (twc_command_info(i, &name, NULL, NULL, &where) == 0) {
        i++;
        if ((where & TWC_FE_REPL) && !strncmp(name, text, len)) return strdup(name);
    }
    if (!quit_done++ && !strncmp("quit", text, len)) return strdup("quit");
    return NULL;
}

static char *opt_generator(const char *text, int state) {
    static const char *opts[] = { "--json", "--limit", "--await", "--lldb", "--gdb", NULL };
    static int i;
    static size_t len;
    if (!state) { i = 0; len = strlen(text); }
    while (opts[i]) {
        const char *c = opts[i++];
        if (!strncmp(c, text, len)) return strdup(c);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end) {
    (void)end;
    rl_attempted_completion_over = 1; /* no file names: nothing here takes a path */
    int first = 1;
    for (int k = 0; k < start; k++)
        if (rl_line_buffer[k] != ' ') { first = 0; break; }
    if (first) return rl_completion_matches(text, cmd_generator);
    if (text[0] == '-') return rl_completion_matches(text, opt_generator);
    return NULL;
}

/* One line; returns 1 to leave the loop. *failed is set when the line failed, so a script
 * learns from the exit status that one of its lines did not work. */
static int handle(struct tw_target *t, char *line, int *failed) {
    while (*line == ' ' || *line == '\t') line++;
    size_t k = strlen(line);
    while (k && (line[k - 1] == '\n' || line[k - 1] == ' ' || line[k - 1] == '\r')) line[--k] = 0;
    if (!*line || *line == '#') return 0;
    if (!strncmp(line, "tw ", 3)) line += 3; /* people type it anyway */
    if (!strcmp(line, "quit") || !strcmp(line, "exit") || !strcmp(line, "q")) return 1;
    if (!strcmp(line, "help") || !strncmp(line, "help ", 5)) {
        int st = print_help_in(line[4] ? line + 5 : NULL, TWC_FE_REPL);
        if (st) *failed = st;
        return 0;
    }
    if (!strcmp(line, "debug") || !strncmp(line, "debug ", 6)) {
        uint32_t id;
        char *p = line + 5;
        if (parse_id(strtok(p, " "), &id)) { *failed = tw_err(TWC_EUSAGE, "usage: debug ID [--lldb]"); return 0; }
        char *w = strtok(NULL, " ");
        int st = debug_task(t, id, w && !strcmp(w, "--lldb"), 0, 1);
        if (st) *failed = st;
        return 0;
    }
    char w0[32];
    sscanf(line, "%31s", w0);
    if (!is_core_cmd(w0) || !works_in(w0, TWC_FE_REPL)) {
        *failed = unknown_command(w0, TWC_FE_REPL);
        return 0;
    }
    int st = run_line(t, line, 1);
    if (st) *failed = st;
    return 0;
}

int cmd_console(const struct tw_args *a) {
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    if ((st = tgt_open(&t, 0, err, sizeof err))) return tw_err(st, err);
    int failed = 0;
    if (!isatty(0)) {
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, stdin) > 0)
            if (handle(&t, line, &failed)) break;
        free(line);
        tgt_close(&t);
        return failed; /* the status of the last line that failed */
    }
    char hist[1024] = "";
    const char *home = getenv("HOME");
    if (home) snprintf(hist, sizeof hist, "%s/.tw_history", home);
    using_history();
    if (hist[0]) read_history(hist);
    rl_readline_name = "tw";
    rl_attempted_completion_function = complete;
    char prompt[64];
    if (t.kind == TGT_PID) snprintf(prompt, sizeof prompt, "tw %d> ", t.pid);
    else snprintf(prompt, sizeof prompt, "tw> ");
    printf("TurboWish console on %s. Type help, or quit.\n", t.kind == TGT_PID ? "a live process" :
           t.kind == TGT_CORE ? "a core file" : "a snapshot");
    fflush(stdout);
    char *line;
    while ((line = readline(prompt))) {
        if (*line) add_history(line);
        int done = handle(&t, line, &failed);
        free(line);
        if (done) break;
    }
    if (hist[0]) { stifle_history(1000); write_history(hist); }
    tgt_close(&t);
    return 0;
}
