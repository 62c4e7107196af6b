/* liveclock.c — "now" for a live target, in the target's raw clock.
 *
 * The region's newest timestamp is only when the target last emitted an event; a task can
 * starve for seconds behind hogs that emit nothing. On a live target on this host the reader
 * shares CLOCK_MONOTONIC — but a debugger stops the target and may take seconds before we
 * read, so the wall clock would count the stop too. So: when no thread of the target is
 * stopped, now is the wall clock; when it is stopped, now is the latest moment we can prove it
 * ran: for each thread, its start time plus the CPU time it has used (kernel /proc stat).
 * Returns 0 when it cannot tell (not live, not on this host, /proc unreadable). */
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

/* state, utime+stime (ticks) and starttime (ticks since boot) of one thread */
static int thread_stat(int pid, const char *tid, char *state, double *cpu, double *start)
{
    char path[96], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%s/stat", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    p += 2;
    /* fields from 3 (state): we want 3, 14, 15, 22 */
    unsigned long long v[24] = { 0 };
    char st = *p;
    int field = 3;
    for (char *tok = strtok(p, " "); tok && field <= 22; tok = strtok(NULL, " "), field++)
        if (field > 3) v[field] = strtoull(tok, NULL, 10);
    if (field <= 22) return -1;
    *state = st;
    *cpu = (double)(v[14] + v[15]);
    *start = (double)v[22];
    return 0;
}

/* run + run-queue wait of one thread in ns (schedstat), 0 when unknown */
static double thread_runnable_ns(int pid, const char *tid)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long run = 0, wait = 0;
    int n = fscanf(f, "%llu %llu", &run, &wait);
    fclose(f);
    return n == 2 ? (double)run + (double)wait : 0;
}

uint64_t live_now_raw(struct twc_session *s)
{
    if (!(s->flags & TWC_LIVE) || s->facts || s->hdr.pid <= 0 || s->ns_per_raw <= 0) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", s->hdr.pid);
    DIR *d = opendir(path);
    if (!d) return 0;
    double hz = (double)sysconf(_SC_CLK_TCK);
    if (hz <= 0) hz = 100;
    double mono = clock_ns(CLOCK_MONOTONIC), boot_minus_mono = clock_ns(CLOCK_BOOTTIME) - mono;
    int stopped = 0, threads = 0;
    double proven = 0;
    struct dirent *e;
    while ((e = readdir(d)) && threads < 100000) {
        if (e->d_name[0] == '.') continue;
        char st; double cpu, start;
        if (thread_stat(s->hdr.pid, e->d_name, &st, &cpu, &start)) continue;
        threads++;
        if (st == 't' || st == 'T') stopped = 1;
        /* a thread that never blocked was runnable (schedstat: on a CPU or queued) right up to
         * the stop, so start + runnable time bounds "now" tightly even on a loaded host */
        double alive = cpu / hz * 1e9, runnable = thread_runnable_ns(s->hdr.pid, e->d_name);
        if (runnable > alive) alive = runnable;
        double ran_until = start / hz * 1e9 + alive - boot_minus_mono;   /* CLOCK_MONOTONIC ns */
        if (ran_until > proven) proven = ran_until;
    }
    closedir(d);
    if (!threads) return 0;
    double ns = stopped ? proven : mono;
    if (ns > mono) ns = mono;
    double raw = (double)s->hdr.anchor_raw + (ns - (double)s->hdr.anchor_ns) / s->ns_per_raw;
    return raw > 0 && raw < 1.8e19 ? (uint64_t)raw : 0;
}

/* The wall time (ns) between a thread's start (`start`, clock ticks since boot, from /proc)
 * and raw clock `since`: the most it could have run before `since`. */
static double ns_before(struct twc_session *s, double start, uint64_t since)
{
    double hz = (double)sysconf(_SC_CLK_TCK);
    if (hz <= 0) hz = 100;
    double boot_minus_mono = clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC);
    double start_mono = start / hz * 1e9 - boot_minus_mono;
    double since_mono = (double)s->hdr.anchor_ns + ((double)since - (double)s->hdr.anchor_raw) * s->ns_per_raw;
    double before = since_mono - start_mono;
    return before < 0 ? 0 : before;
}

/* CPU time thread `tid` of a live target provably used after raw clock `since`: its total CPU
 * time minus all the wall time it could have run before `since`. A thread descheduled by a
 * loaded machine, or stopped by a debugger, accumulates none. -1 when unknown. */
double thread_cpu_after(struct twc_session *s, uint32_t tid, uint64_t since)
{
    if (!(s->flags & TWC_LIVE) || s->facts || s->hdr.pid <= 0 || !tid) return -1;
    char name[16], st;
    double cpu, start;
    snprintf(name, sizeof name, "%u", tid);
    if (thread_stat(s->hdr.pid, name, &st, &cpu, &start)) return -1;
    double before = ns_before(s, start, since);
    double hz = (double)sysconf(_SC_CLK_TCK);
    return cpu / (hz > 0 ? hz : 100) * 1e9 - before;
}

/* Time thread `tid` was runnable (on a CPU or waiting in a run queue, per the kernel's
 * schedstat) after raw clock `since`, as a lower bound like thread_cpu_after. A thread that
 * never yields stays runnable however loaded the machine is, so this proves "did not yield"
 * where CPU time alone cannot. -1 when unknown. */
double thread_runnable_after(struct twc_session *s, uint32_t tid, uint64_t since)
{
    if (!(s->flags & TWC_LIVE) || s->facts || s->hdr.pid <= 0 || !tid) return -1;
    char name[16], st;
    double cpu, start;
    snprintf(name, sizeof name, "%u", tid);
    if (thread_stat(s->hdr.pid, name, &st, &cpu, &start)) return -1;
    double runnable = thread_runnable_ns(s->hdr.pid, name);
    if (runnable <= 0) return -1;
    double before = ns_before(s, start, since);
    return runnable - before;
}

/* Time thread `tid` of a live target has spent waiting in a run queue (schedstat's second
 * figure), in ns; -1 when unknown (not live, not on this host, /proc unreadable). */
double thread_queue_wait_ns(struct twc_session *s, uint32_t tid)
{
    if (!(s->flags & TWC_LIVE) || s->facts || s->hdr.pid <= 0 || !tid) return -1;
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%u/schedstat", s->hdr.pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    unsigned long long run = 0, wait = 0;
    int n = fscanf(f, "%llu %llu", &run, &wait);
    fclose(f);
    return n == 2 ? (double)wait : -1;
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

/* The kernel adds a thread's run-queue wait to schedstat only when the thread runs again, so a
 * thread queued right now has an uncounted wait: at most the time since it last ran (its
 * se.exec_start against ours, which is a tick stale at most: 10 ms of slack). 0 for a thread
 * asleep in a system call (a sleep is not preemption); -1 when /proc cannot tell, or the thread
 * is asleep outside a system call or stopped (its poll's time is then not known). */
double thread_uncounted_wait_ns(struct twc_session *s, uint32_t tid)
{
    if (!(s->flags & TWC_LIVE) || s->facts || s->hdr.pid <= 0 || !tid) return -1;
    char name[16], st, path[96];
    double cpu, start;
    snprintf(name, sizeof name, "%u", tid);
    if (thread_stat(s->hdr.pid, name, &st, &cpu, &start)) return -1;
    if (st == 'S' || st == 'D') {
        /* asleep in a call the poll made holds the worker; asleep outside any system call (a
         * page fault waiting for memory or a kernel lock) is not the poll's doing: unknown */
        snprintf(path, sizeof path, "/proc/%d/task/%u/syscall", s->hdr.pid, tid);
        FILE *f = fopen(path, "r");
        long nr = -1;
        int got = f ? fscanf(f, "%ld", &nr) : 0;
        if (f) fclose(f);
        return got == 1 && nr >= 0 ? 0 : -1;
    }
    if (st != 'R') return -1;   /* stopped or traced: not the poll's time either */
    snprintf(path, sizeof path, "/proc/%d/task/%u/sched", s->hdr.pid, tid);
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
