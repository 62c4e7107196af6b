/* target_pid.c — a live process: its region is the memfd behind /proc/PID/fd/N whose link is
 * "/memfd:turbowish (deleted)". Opening it needs the same kernel permission as ptrace, which
 * is exactly who may look. Without a region, fall back to attach-only facts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tw.h"
#include "twattach.h"
#include "tw_region.h"

#define PF_KTHREAD 0x00200000u

int64_t fd_pread_reader(void *ctx, uint64_t addr, void *buf, uint64_t len) {
    int fd = *(int *)ctx;
    uint64_t done = 0;
    if (addr > (uint64_t)INT64_MAX) return -EFAULT;
    while (done < len) {
        ssize_t k = pread(fd, (char *)buf + done, len - done, (off_t)(addr + done));
        if (k < 0) {
            if (errno == EINTR) continue;
            return done ? (int64_t)done : -errno;
        }
        if (k == 0) break;
        done += (uint64_t)k;
    }
    return (int64_t)done;
}

static int is_kernel_thread(int pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = 0;
    /* comm may hold spaces and parentheses: fields restart after the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    unsigned long flags = 0;
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1) return 0;
    return (flags & PF_KTHREAD) != 0;
}

/* The region among the open files listed in `fddir`: 0 with *fd_out, TWC_ENOREGION, or
 * TWC_EPERM (with a sentence) when it is there but may not be opened. */
static int region_in_fd_dir(const char *fddir, int pid, int *fd_out, int wr, char *err, size_t n) {
    DIR *d = opendir(fddir);
    if (!d) return TWC_ENOREGION;
    int status = TWC_ENOREGION;
    struct dirent *e;
    while (status != 0 && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[320], link[256];
        snprintf(path, sizeof path, "%s/%s", fddir, e->d_name);
        ssize_t k = readlink(path, link, sizeof link - 1);
        if (k <= 0) continue;
        link[k] = 0;
        if (strncmp(link, "/memfd:turbowish", 16) != 0) continue;
        int fd = open(path, (wr ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (fd < 0) {
            if (errno == EACCES || errno == EPERM) {
                status = TWC_EPERM;
                snprintf(err, n, "permission refused: cannot open the TurboWish region of process %d (%s)",
                         pid, strerror(errno));
            }
            continue;
        }
        char magic[8];
        if (pread(fd, magic, 8, 0) != 8 || memcmp(magic, TW_MAGIC, 8) != 0) {
            /* a region still being created, or another memfd by that name: keep looking */
            close(fd);
            continue;
        }
        *fd_out = fd;
        status = 0;
    }
    closedir(d);
    return status;
}

int pid_find_region(int pid, int *fd_out, int wr, char *err, size_t n) {
    char path[320];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", pid);
    if (stat(path, &st) < 0) {
        snprintf(err, n, "no process with pid %d", pid);
        return TWC_ENOTFOUND;
    }
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR *d = opendir(path);
    if (!d) {
        if (errno == ENOENT) { snprintf(err, n, "no process with pid %d", pid); return TWC_ENOTFOUND; }
        snprintf(err, n, "permission refused: cannot look at the open files of process %d (%s); run as its user or root",
                 pid, strerror(errno));
        return TWC_EPERM;
    }
    closedir(d);
    int status = region_in_fd_dir(path, pid, fd_out, wr, err, n);
    if (status == TWC_ENOREGION) {
        /* A main thread that called pthread_exit is a zombie whose fd list reads empty while
         * the other threads run on: their own views of the same table still show the region. */
        snprintf(path, sizeof path, "/proc/%d/task", pid);
        DIR *tasks = opendir(path);
        struct dirent *e;
        while (tasks && status == TWC_ENOREGION && (e = readdir(tasks))) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == pid) continue;
            snprintf(path, sizeof path, "/proc/%d/task/%s/fd", pid, e->d_name);
            status = region_in_fd_dir(path, pid, fd_out, wr, err, n);
        }
        if (tasks) closedir(tasks);
    }
    if (status == TWC_ENOREGION) snprintf(err, n, "process %d has no TurboWish region", pid);
    return status;
}

static int attach_only(struct tw_target *t, char *err, size_t n) {
    if (is_kernel_thread(t->pid)) {
        snprintf(err, n, "process %d is a kernel thread: it has no TurboWish region and no user threads to attach to",
                 t->pid);
        return TWC_ENOREGION;
    }
    struct twc_facts f;
    void *storage = NULL;
    memset(&f, 0, sizeof f);
    int st = twa_collect_pid(t->pid, 2, &f, &storage, err, n);
    return tgt_open_facts(t, st, &f, storage, err, n);
}

/* What a live session of ours knows beyond the region: how to let the process run (a second
 * sample), and what the kernel says of its threads (by the pid as we see it). */
void tgt_pid_sources(struct tw_target *t)
{
    twc_set_runner(t->s, tgt_pid_runner, &t->pid);
    twc_set_thread_source(t->s, twc_proc_kthread, twc_proc_kthreads, &t->pid);
}

int pid_open(struct tw_target *t, int flags, char *err, size_t n) {
    int fd = -1;
    /* Read-write when allowed, so pause/resume can map the control area later; reading
     * never writes. Fall back to read-only where only that is granted. */
    int st = pid_find_region(t->pid, &fd, 1, err, n);
    if (st == TWC_EPERM && !(flags & TGT_WRITABLE)) st = pid_find_region(t->pid, &fd, 0, err, n);
    if (st == TWC_ENOREGION) return attach_only(t, err, n);
    if (st) return st;
    t->region_fd = fd;
    t->region_addr = 0;
    t->s = twc_open_region(fd_pread_reader, &t->region_fd, 0, TWC_LIVE, &st, err, n);
    if (!t->s) return st ? st : TWC_EINTERNAL;
    tgt_pid_sources(t);
    tgt_lend_frames(t);
    return 0;
}
