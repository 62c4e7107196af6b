/* runner.c — the console's second sample of a live process (twc_set_runner).
 *
 * The console reads a process that runs all along, so letting it run is only waiting. What it
 * must not do is wait on a process that cannot move — stopped by SIGSTOP, or held by a
 * debugger — and call the unchanged second sample proof: then it says why, and libtwcore keeps
 * the verdict possible. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "tw.h"

/* 1 when some thread of pid is stopped (state T or t), 0 when none is, -1 when pid is gone. */
static int some_thread_stopped(int pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    int stopped = 0;
    struct dirent *e;
    while (!stopped && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char stat[128], buf[512];
        snprintf(stat, sizeof stat, "/proc/%d/task/%.20s/stat", pid, e->d_name);
        FILE *f = fopen(stat, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        const char *p = strrchr(buf, ')');   /* the name may hold spaces and parentheses */
        if (p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't')) stopped = 1;
    }
    closedir(d);
    return stopped;
}

static int why_not(int pid, int st, char *why, size_t n)
{
    if (why && n)
        snprintf(why, n, st < 0 ? "process %d exited" : "process %d is stopped (SIGSTOP or a debugger) and cannot show progress", pid);
    return -1;
}

int tgt_pid_runner(void *ctx, unsigned ms, char *why, size_t n)
{
    int pid = *(const int *)ctx;
    int st = some_thread_stopped(pid);
    if (st) return why_not(pid, st, why, n);
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) && errno == EINTR) {}
    st = some_thread_stopped(pid);
    return st ? why_not(pid, st, why, n) : 0;
}
