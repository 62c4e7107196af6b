/* ptrace_sample.c — stop every thread of a live process, read registers, let it go.
 *
 * PTRACE_SEIZE + PTRACE_INTERRUPT rather than PTRACE_ATTACH: no SIGSTOP is sent, so nothing
 * is left pending and no job-control state changes; the threads only see their blocking
 * syscall restarted. We stop all threads before reading anything (one consistent moment),
 * and twa_ptrace_release() detaches every one of them on every path.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ptrace_sample.h"

static int list_tids(int pid, uint32_t **out, size_t *n)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/task", pid);
    DIR *d = opendir(p);
    if (!d)
        return -errno;
    size_t cap = 64, k = 0;
    uint32_t *v = malloc(cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (k == cap) {
            uint32_t *t = realloc(v, (cap *= 2) * sizeof *t);
            if (!t)
                break;
            v = t;
        }
        v[k++] = (uint32_t)strtoul(e->d_name, NULL, 10);
    }
    closedir(d);
    if (!v)
        return -ENOMEM;
    *out = v;
    *n = k;
    return 0;
}

char twa_thread_state(int pid, uint64_t tid)
{
    char p[96], buf[512];
    snprintf(p, sizeof p, "/proc/%d/task/%llu/stat", pid, (unsigned long long)tid);
    FILE *f = fopen(p, "re");
    if (!f)
        return 0;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = 0;
    const char *c = strrchr(buf, ')'); /* the name may hold anything, even ") Z" */
    if (!c)
        return 0;
    return c[1] == ' ' ? c[2] : '?';
}

int twa_thread_is_dead(int pid, uint32_t tid)
{
    char st = twa_thread_state(pid, tid);
    return st == 0 || st == 'Z' || st == 'X';
}

int twa_reader_tid(int pid)
{
    if (!twa_thread_is_dead(pid, (uint32_t)pid))
        return pid;
    uint32_t *tids = NULL;
    size_t n = 0;
    int found = -1;
    if (list_tids(pid, &tids, &n) == 0)
        for (size_t i = 0; i < n && found < 0; i++)
            if (tids[i] != (uint32_t)pid && !twa_thread_is_dead(pid, tids[i]))
                found = (int)tids[i];
    free(tids);
    return found;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int known(const struct twa_stopped *s, uint32_t tid)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].tid == tid)
            return 1;
    return 0;
}

/* Wait until `tid` reports its stop; returns 0 stopped, -1 gone, -2 timed out. */
static int wait_stop(struct twa_stopped_thread *th, double deadline)
{
    for (;;) {
        int st;
        pid_t r = waitpid((pid_t)th->tid, &st, __WALL | WNOHANG);
        if (r == (pid_t)th->tid) {
            if (WIFEXITED(st) || WIFSIGNALED(st))
                return -1;
            if (WIFSTOPPED(st)) {
                /* A stop for a signal being delivered: keep the signal to hand back at detach. */
                if ((st >> 16) != PTRACE_EVENT_STOP && WSTOPSIG(st) != SIGTRAP)
                    th->pending_sig = WSTOPSIG(st);
                return 0;
            }
        } else if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (now_s() > deadline)
            return -2;
        usleep(200);
    }
}

int twa_ptrace_stop_all(int pid, struct twa_stopped *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->pid = pid;
    double deadline = now_s() + 1.5;
    /* Threads may be created while we seize: list again until a pass finds nothing new. */
    for (int pass = 0; pass < 8; pass++) {
        uint32_t *tids = NULL;
        size_t n = 0;
        int r = list_tids(pid, &tids, &n);
        if (r < 0) {
            if (pass == 0) {
                snprintf(err, errlen, "process %d not found", pid);
                return TWC_ENOTFOUND;
            }
            break;
        }
        size_t added = 0;
        for (size_t i = 0; i < n; i++) {
            if (known(s, tids[i]) || twa_thread_is_dead(pid, tids[i]))
                continue; /* a dead thread (a main thread gone by pthread_exit) never stops */
            if (ptrace(PTRACE_SEIZE, tids[i], 0, 0) != 0) {
                int e = errno;
                /* ESRCH: exited meanwhile; EPERM from a thread that became a zombie between the
                 * listing and the seize (the kernel refuses to trace an exiting task) */
                if (e == ESRCH || (e == EPERM && twa_thread_is_dead(pid, tids[i])))
                    continue;
                free(tids);
                twa_ptrace_release(s);
                snprintf(err, errlen, "cannot attach to process %d: %s%s", pid, strerror(e),
                         e == EPERM ? " (another debugger is attached, or you may not trace it)" : "");
                return e == EPERM ? TWC_EPERM : TWC_EINTERNAL;
            }
            if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 64;
                struct twa_stopped_thread *t = realloc(s->t, cap * sizeof *t);
                if (!t) {
                    ptrace(PTRACE_DETACH, tids[i], 0, 0);
                    continue;
                }
                s->t = t;
                s->cap = cap;
            }
            struct twa_stopped_thread *th = &s->t[s->n++];
            memset(th, 0, sizeof *th);
            th->tid = tids[i];
            th->seized = 1;
            ptrace(PTRACE_INTERRUPT, tids[i], 0, 0);
            added++;
        }
        free(tids);
        if (!added)
            break;
    }
    if (s->n == 0) {
        snprintf(err, errlen, "process %d has no threads we could attach to", pid);
        return TWC_ENOTFOUND;
    }
    for (size_t i = 0; i < s->n; i++) {
        struct twa_stopped_thread *th = &s->t[i];
        int w = wait_stop(th, deadline);
        if (w == -1) {
            th->seized = 0; /* gone: nothing to detach */
            continue;
        }
        th->stopped = w == 0;
        if (th->stopped && ptrace(PTRACE_GETREGS, th->tid, 0, &th->regs) == 0)
            th->have_regs = 1;
        char p[96];
        snprintf(p, sizeof p, "/proc/%d/task/%u/comm", pid, th->tid);
        FILE *f = fopen(p, "re");
        if (f) {
            if (fgets(th->comm, sizeof th->comm, f))
                th->comm[strcspn(th->comm, "\n")] = 0;
            fclose(f);
        }
    }
    return TWC_OK;
}

void twa_ptrace_release(struct twa_stopped *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->t[i].seized) {
            /* A thread that never reported its stop can still be detached once it does;
             * PTRACE_DETACH of a running tracee fails, so interrupt-wait it first. */
            if (!s->t[i].stopped) {
                int st;
                ptrace(PTRACE_INTERRUPT, s->t[i].tid, 0, 0);
                for (int k = 0; k < 200 && waitpid((pid_t)s->t[i].tid, &st, __WALL | WNOHANG) == 0; k++)
                    usleep(1000);
            }
            ptrace(PTRACE_DETACH, s->t[i].tid, 0, (void *)(long)s->t[i].pending_sig);
            s->t[i].seized = 0;
        }
    free(s->t);
    s->t = NULL;
    s->n = s->cap = 0;
}

int64_t twa_pid_read(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    int pid = (int)(intptr_t)ctx;
    struct iovec l = {buf, len}, r = {(void *)(uintptr_t)addr, len};
    ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
    if (n > 0)
        return n;
    /* process_vm_readv refuses ranges straddling an unmapped page; /proc/PID/mem reads up to it. */
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/mem", pid);
    FILE *f = fopen(p, "re");
    if (!f)
        return -EFAULT;
    int fd = fileno(f);
    ssize_t got = pread(fd, buf, len, (off_t)addr);
    fclose(f);
    return got > 0 ? got : -EFAULT;
}
