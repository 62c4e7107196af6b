/* proc_threads.c — the stock thread source (twcore.h, twc_set_thread_source): what /proc says
 * of the threads of a process on this host. A frontend passes it explicitly, with the pid as it
 * sees the process; libtwcore itself never opens /proc (issue: the region's pid is another pid
 * namespace's when the target runs in a container). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

static double clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* state, utime+stime and starttime (clock ticks; starttime since boot) of one thread */
static int read_stat(int pid, uint32_t tid, char *state, double *cpu_ticks, double *start_ticks)
{
    char path[96], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%u/stat", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');   /* after the name, which may hold spaces and parentheses */
    if (!p || p[1] != ' ') return -1;
    p += 2;
    unsigned long long v[24] = { 0 };
    char st = *p;
    int field = 3;
    for (char *tok = strtok(p, " "); tok && field <= 22; tok = strtok(NULL, " "), field++)
        if (field > 3) v[field] = strtoull(tok, NULL, 10);
    if (field <= 22) return -1;
    *state = st;
    *cpu_ticks = (double)(v[14] + v[15]);
    *start_ticks = (double)v[22];
    return 0;
}

static int read_schedstat(int pid, uint32_t tid, double *run, double *queue)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%u/schedstat", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    unsigned long long r = 0, q = 0;
    int n = fscanf(f, "%llu %llu", &r, &q);
    fclose(f);
    if (n != 2) return -1;
    *run = (double)r;
    *queue = (double)q;
    return 0;
}

/* se.exec_start of a /proc sched file, in ms of the scheduler's clock; -1 when absent. */
static double exec_start_ms(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    double v = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "se.exec_start", 13)) { char *c = strchr(line, ':'); if (c) v = strtod(c + 1, NULL); break; }
    fclose(f);
    return v;
}

/* What /proc/PID/task/TID/syscall says of a thread that is off the CPU, readable with ptrace
 * permission but without stopping anything: "NR ARG1..ARG6 SP PC" in a system call, "-1 SP PC"
 * out of one, "running" for a thread that is runnable (then tried `tries` times, 1 ms apart).
 * *nr = the call's number or -1, *sp = the user stack pointer; 0 when read, -1 when not. */
static int read_syscall(int pid, uint32_t tid, int tries, long *nr, uint64_t *sp)
{
    char path[96], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%u/syscall", pid, tid);
    for (int i = 0; i < tries; i++) {
        if (i) nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
        FILE *f = fopen(path, "r");
        if (!f) return -1;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        if (!strncmp(buf, "running", 7)) continue;
        char *w[9];
        int nw = 0;
        for (char *tok = strtok(buf, " \n"); tok && nw < 9; tok = strtok(NULL, " \n")) w[nw++] = tok;
        if ((nw != 9 && nw != 3) || strncmp(w[nw - 2], "0x", 2)) return -1;
        *nr = strtol(w[0], NULL, 10);
        *sp = strtoull(w[nw - 2], NULL, 16);
        return 0;
    }
    return -1;
}

/* The mapping of process pid that holds addr, from /proc/PID/maps; 0 when none. */
static int mapping_of(int pid, uint64_t addr, uint64_t *lo, uint64_t *hi)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long long a, b;
        if (sscanf(line, "%llx-%llx", &a, &b) == 2 && a <= addr && addr < b) { *lo = a; *hi = b; found = 1; }
        /* the rest of a long line (a path) */
        while (!strchr(line, '\n') && fgets(line, sizeof line, f)) {}
    }
    fclose(f);
    return found;
}

/* The kernel adds a thread's run-queue wait to schedstat only when the thread runs again, so a
 * runnable thread has an uncounted wait: at most the time since it last ran (its
 * se.exec_start against ours, which is a tick stale at most: 10 ms of slack). */
static double since_ran_ns(int pid, uint32_t tid)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%u/sched", pid, tid);
    /* The kernel zeroes se.exec_start when it moves a thread to another CPU (it cannot tell
     * that CPU's time), until the thread runs there: 0 says nothing of when it last ran, and
     * read as a time it would make the poll look preempted since boot. Look again a moment
     * later; a thread still unplaced is not known. */
    double them = exec_start_ms(path);
    for (int again = 0; them == 0 && again < 5; again++) {
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
        them = exec_start_ms(path);
    }
    double us = exec_start_ms("/proc/thread-self/sched");
    if (them <= 0 || us < 0) return -1;
    double d = (us - them) * 1e6;
    return (d > 0 ? d : 0) + 10e6;
}

int twc_proc_kthread(void *pidp, uint32_t tid, unsigned want, struct twc_kthread *out)
{
    struct twc_kthread k = { .state = 0, .in_syscall = -1, .start_ns = -1, .cpu_ns = -1, .run_ns = -1,
                             .queue_ns = -1, .since_ran_ns = -1, .stack_lo = 0, .stack_hi = 0,
                             .has_syscall = 0, .syscall = -1 };
    *out = k;
    if (!pidp || *(int *)pidp <= 0 || !tid) return -1;
    int pid = *(int *)pidp;
    double cpu, start;
    if (read_stat(pid, tid, &k.state, &cpu, &start)) return -1;
    double hz = (double)sysconf(_SC_CLK_TCK);
    if (hz <= 0) hz = 100;
    k.cpu_ns = cpu / hz * 1e9;
    k.start_ns = start / hz * 1e9 - (clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC));
    if (read_schedstat(pid, tid, &k.run_ns, &k.queue_ns)) k.run_ns = k.queue_ns = -1;
    if (want & TWC_KT_SINCE_RAN) {
        long nr;
        uint64_t sp;
        if (k.state == 'S' || k.state == 'D') k.in_syscall = read_syscall(pid, tid, 1, &nr, &sp) ? -1 : nr >= 0;
        if (k.state == 'R') k.since_ran_ns = since_ran_ns(pid, tid);
    }
    if (want & (TWC_KT_STACK | TWC_KT_SYSCALL)) {
        long nr = -1;
        uint64_t sp = 0;
        if (read_syscall(pid, tid, 1, &nr, &sp)) nr = -1, sp = 0;
        if ((want & TWC_KT_SYSCALL) && nr >= 0) { k.has_syscall = 1; k.syscall = nr; }
        if ((want & TWC_KT_STACK) && sp && !mapping_of(pid, sp, &k.stack_lo, &k.stack_hi)) k.stack_lo = k.stack_hi = 0;
    }
    *out = k;
    return 0;
}

size_t twc_proc_kthreads(void *pidp, uint32_t *tids, size_t max)
{
    if (!pidp || *(int *)pidp <= 0) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", *(int *)pidp);
    DIR *d = opendir(path);
    if (!d) return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        unsigned long t = strtoul(e->d_name, &end, 10);
        if (e->d_name[0] == '.' || *end || !t || t > 0xffffffffu) continue;
        if (n < max) tids[n] = (uint32_t)t;
        n++;
    }
    closedir(d);
    return n;
}
