/* ps.c — `tw ps`: every process with a TurboWish region, via /proc/PID/fd links to
 * /memfd:turbowish. Processes we may not inspect are counted and listed, not hidden: a
 * missing line must never be mistaken for "no region". Counts come from core's snapshot. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tw.h"
#include "textbuf.h"

struct row { int pid; char prog[64]; long tasks, alerts; char note[96]; };

/* How many tasks `tw tasks` lists and how many alerts `tw alerts` raises: core's snapshot. */
static void counts_of(struct tw_target *t, long *tasks, long *alerts) {
    struct twc_snapshot snap;
    char err[TW_ERRLEN];
    if (twc_snapshot_take(t->s, TWC_SNAP_ALERTS, &snap, err, sizeof err)) return;
    *tasks = (long)snap.ntasks;
    *alerts = (long)snap.nalerts;
    twc_snapshot_free(&snap);
}

static void program_of(int pid, char *out, size_t n) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    FILE *f = fopen(path, "r");
    out[0] = 0;
    if (f) {
        if (fgets(out, (int)n, f)) out[strcspn(out, "\n")] = 0;
        fclose(f);
    }
    if (!out[0]) snprintf(out, n, "?");
}

int cmd_ps(const struct tw_args *a) {
    DIR *d = opendir("/proc");
    if (!d) return tw_err(TWC_EINTERNAL, "cannot read /proc");
    struct row *rows = NULL;
    int nrows = 0, *refused = NULL, nref = 0;
    struct dirent *e;
    int self = getpid();
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0 || pid == self) continue;
        int fd = -1;
        char err[TW_ERRLEN];
        int st = pid_find_region((int)pid, &fd, 0, err, sizeof err);
        if (st == TWC_EPERM) {
            refused = realloc(refused, sizeof *refused * (size_t)(nref + 1));
            refused[nref++] = (int)pid;
            continue;
        }
        if (st) continue; /* gone, or no region */
        struct row r = { .pid = (int)pid, .tasks = -1, .alerts = -1 };
        program_of(r.pid, r.prog, sizeof r.prog);
        struct tw_target t = { .kind = TGT_PID, .pid = (int)pid, .region_fd = fd, .mem_fd = -1 };
        int ost = 0;
        t.s = twc_open_region(fd_pread_reader, &t.region_fd, 0, TWC_LIVE, &ost, err, sizeof err);
        if (t.s) {
            tgt_pid_sources(&t);
            counts_of(&t, &r.tasks, &r.alerts);
        } else {
            snprintf(r.note, sizeof r.note, "%.90s", err);
        }
        tgt_close(&t);
        rows = realloc(rows, sizeof *rows * (size_t)(nrows + 1));
        rows[nrows++] = r;
    }
    closedir(d);
    if (a->json) {
        printf("{\"processes\":[");
        for (int i = 0; i < nrows; i++) {
            char *b = NULL; size_t l = 0, c = 0;
            json_quote(&b, &l, &c, rows[i].prog);
            printf("%s{\"pid\":%d,\"program\":%s,\"tasks\":%ld,\"alerts\":%ld}", i ? "," : "", rows[i].pid, b,
                   rows[i].tasks, rows[i].alerts);
            free(b);
        }
        printf("],\"refused\":[");
        for (int i = 0; i < nref; i++) printf("%s%d", i ? "," : "", refused[i]);
        printf("]}\n");
    } else {
        printf("%7s  %-20s %6s %6s\n", "PID", "PROGRAM", "TASKS", "ALERTS");
        for (int i = 0; i < nrows; i++) {
            printf("%7d  %-20s ", rows[i].pid, rows[i].prog);
            if (rows[i].tasks >= 0) printf("%6ld ", rows[i].tasks); else printf("%6s ", "?");
            if (rows[i].alerts >= 0) printf("%6ld", rows[i].alerts); else printf("%6s", "?");
            if (rows[i].note[0]) printf("  (%s)", rows[i].note);
            printf("\n");
        }
        if (!nrows) printf("(no process with a TurboWish region)\n");
        if (nref) {
            printf("permission refused for %d process%s (run as their user or root to see them):", nref,
                   nref == 1 ? "" : "es");
            for (int i = 0; i < nref && i < 50; i++) printf(" %d", refused[i]);
            printf("%s\n", nref > 50 ? " ..." : "");
        }
    }
    free(rows);
    free(refused);
    return 0;
}
