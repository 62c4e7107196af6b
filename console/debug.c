/* debug.c — `tw debug --pid PID ID`: pause the task, wait until it is parked (its saved
 * registers are then valid and stay put), start gdb or lldb attached with the TurboWish
 * plugin loaded and the task shown, and afterwards resume what we paused. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tw.h"

static void nap_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int wait_parked(struct tw_target *t, uint32_t id, int ms) {
    char state[32];
    int paused = 0;
    for (int waited = 0; waited <= ms; waited += 20) {
        if (task_state(t, id, state, sizeof state, &paused) == 0 && paused && strcmp(state, "polling") != 0)
            return 0;
        nap_ms(20);
    }
    return -1;
}

static int run_debugger(char **argv) {
    fflush(NULL);
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
    /* Ctrl-C belongs to the debugger while it runs, not to us */
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    pid_t p = fork();
    if (p == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "tw: cannot start %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (p > 0)
        while (waitpid(p, &status, 0) < 0 && errno == EINTR) {}
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (p < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int ask_resume(uint32_t id) {
    if (!isatty(0)) return 1;
    fprintf(stderr, "resume task %u? [Y/n] ", id);
    char buf[16];
    if (!fgets(buf, sizeof buf, stdin)) return 1;
    return buf[0] != 'n' && buf[0] != 'N';
}

int debug_task(struct tw_target *t, uint32_t id, int use_lldb, int batch, int ask) {
    char err[TW_ERRLEN], state[32];
    int was_paused = 0;
    if (t->kind != TGT_PID || t->attach_only)
        return tw_err(TWC_EUSAGE, "tw debug needs a live process with a TurboWish region (--pid)");
    int st = task_state(t, id, state, sizeof state, &was_paused);
    if (st) return tw_fail(TWC_EUSAGE, "no task %u in process %d", id, t->pid);
    char *out = NULL;
    if (!was_paused) {
        st = ctl_request(t, "pause", id, 0, &out, err, sizeof err);
        if (out) twc_free(out);
        if (st) return tw_err(st, err);
    }
    if (wait_parked(t, id, 5000))
        fprintf(stderr, "tw: task %u did not park within 5 s (a long poll?); debugging anyway\n", id);

    char plugin[PATH_MAX], c1[64], c2[64], load[PATH_MAX + 16], pidbuf[16];
    snprintf(c1, sizeof c1, "tw task %u", id);
    snprintf(c2, sizeof c2, "tw bt %u", id);
    snprintf(pidbuf, sizeof pidbuf, "%d", t->pid);
    char *argv[24];
    int k = 0;
    if (!use_lldb) {
        snprintf(plugin, sizeof plugin, "%s/../share/gdb/turbowish.py", tw_self_dir());
        argv[k++] = "gdb";
        if (batch) { argv[k++] = "-batch"; argv[k++] = "-nx"; }
        else argv[k++] = "-q";
        /* in the tree: load the plugin next to us; installed: gdb auto-loads it */
        if (access(plugin, R_OK) == 0) { argv[k++] = "-x"; argv[k++] = plugin; }
        argv[k++] = "-p"; argv[k++] = pidbuf;
        argv[k++] = "-ex"; argv[k++] = c1;
        argv[k++] = "-ex"; argv[k++] = c2;
    } else {
        snprintf(plugin, sizeof plugin, "%s/../lib/turbowish-lldb.so", tw_self_dir());
        snprintf(load, sizeof load, "plugin load %s", plugin);
        argv[k++] = "lldb";
        if (batch) argv[k++] = "-b";
        if (access(plugin, R_OK) == 0) { argv[k++] = "-o"; argv[k++] = load; }
        argv[k++] = "-p"; argv[k++] = pidbuf;
        argv[k++] = "-o"; argv[k++] = c1;
        argv[k++] = "-o"; argv[k++] = c2;
    }
    argv[k] = NULL;
    int rc = run_debugger(argv);
    if (rc == 127 || rc < 0) fprintf(stderr, "tw: the debugger could not be started\n");

    if (!was_paused && (batch || !ask || ask_resume(id))) {
        out = NULL;
        st = ctl_request(t, "resume", id, 0, &out, err, sizeof err);
        if (out) twc_free(out);
        if (st) return tw_err(st, err);
        fprintf(stderr, "tw: task %u resumed\n", id);
    } else if (!was_paused) {
        fprintf(stderr, "tw: task %u stays paused (tw resume --pid %d %u)\n", id, t->pid, id);
    }
    return rc == 127 || rc < 0 ? TWC_EINTERNAL : 0;
}

int cmd_debug(const struct tw_args *a) {
    uint32_t id;
    if (a->nwords < 1 || parse_id(a->words[0], &id))
        return tw_err(TWC_EUSAGE, "usage: tw debug --pid PID ID [--gdb|--lldb] [--batch]");
    if (a->gdb && a->lldb) return tw_err(TWC_EUSAGE, "choose one debugger: --gdb or --lldb");
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    if ((st = tgt_open(&t, TGT_WRITABLE, err, sizeof err))) return tw_err(st, err);
    st = debug_task(&t, id, a->lldb, a->batch, !a->yes);
    tgt_close(&t);
    return st;
}
