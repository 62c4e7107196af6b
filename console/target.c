/* target.c — which target the command line names (exactly one of --pid, --file, --core) and
 * the byte sources behind it: the region (for core and snapshot) and target memory (for bt). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tw.h"
#include "twattach.h"

int tgt_parse(const struct tw_args *a, struct tw_target *t, char *err, size_t n) {
    memset(t, 0, sizeof *t);
    t->region_fd = t->mem_fd = -1;
    int count = !!a->pid_s + !!a->file + !!a->core;
    if (count == 0) {
        snprintf(err, n, "no target: give --pid PID, --file SNAPSHOT or --core CORE [--exe EXE]");
        return TWC_EUSAGE;
    }
    if (count > 1) {
        snprintf(err, n, "give only one target: --pid, --file or --core");
        return TWC_EUSAGE;
    }
    if (a->exe && !a->core) {
        snprintf(err, n, "--exe goes with --core");
        return TWC_EUSAGE;
    }
    if (a->pid_s) {
        char *end;
        errno = 0;
        long p = strtol(a->pid_s, &end, 10);
        if (errno || *end || p <= 0 || p > 0x3fffffff) {
            snprintf(err, n, "bad pid '%s': expected a positive number", a->pid_s);
            return TWC_EUSAGE;
        }
        t->kind = TGT_PID;
        t->pid = (int)p;
    } else if (a->file) {
        t->kind = TGT_FILE;
        t->path = a->file;
    } else {
        t->kind = TGT_CORE;
        t->path = a->core;
        t->exe = a->exe;
    }
    return 0;
}

int tgt_open(struct tw_target *t, int flags, char *err, size_t n) {
    int st;
    err[0] = 0;
    switch (t->kind) {
    case TGT_PID: st = pid_open(t, flags, err, n); break;
    case TGT_FILE: st = file_open(t, err, n); break;
    case TGT_CORE: st = core_open(t, err, n); break;
    default: snprintf(err, n, "no target"); return TWC_EUSAGE;
    }
    if (st) {
        if (!err[0]) snprintf(err, n, "cannot open the target");
        return st;
    }
    twc_set_target_label(t->s, t->kind == TGT_PID ? "live process" : t->kind == TGT_CORE ? "core file" : "snapshot file");
    tgt_lend_symbolizer(t);
    return 0;
}

void tgt_close(struct tw_target *t) {
    ctl_detach(t);
    if (t->s) twc_close(t->s);
    t->s = NULL;
    tgt_drop_symbolizer(t);
    core_close(t);
    if (t->region_fd >= 0) close(t->region_fd);
    if (t->mem_fd >= 0) close(t->mem_fd);
    t->region_fd = t->mem_fd = -1;
}

int64_t tgt_read_region(struct tw_target *t, uint64_t off, void *buf, uint64_t len) {
    if (t->region_fd >= 0) return fd_pread_reader(&t->region_fd, off, buf, len);
    if (t->core) return core_read_mem(t, t->region_addr + off, buf, len);
    return -ENODATA;
}

int64_t tgt_read_mem(struct tw_target *t, uint64_t addr, void *buf, uint64_t len) {
    if (t->kind == TGT_CORE) return core_read_mem(t, addr, buf, len);
    if (t->kind != TGT_PID) return -ENODATA;
    if (t->mem_fd < 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/mem", t->pid);
        t->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t->mem_fd < 0) return -errno;
    }
    return fd_pread_reader(&t->mem_fd, addr, buf, len);
}

static int64_t facts_reader(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    return tgt_read_mem(ctx, addr, buf, len);
}

int tgt_open_facts(struct tw_target *t, int collected, const struct twc_facts *f, void *storage, char *err, size_t n) {
    int st = collected;
    if (!st) {
        t->s = twc_open_facts(f, &st, err, n);
        if (t->s) t->attach_only = 1;
        /* the target's memory: readers of a std::shared_mutex whose guard a blocked thread's
         * frame keeps in memory (-O0) are read there */
        if (t->s) twc_set_stack_reader(t->s, facts_reader, t);
        else if (!st) st = TWC_EINTERNAL;
    }
    if (storage) twa_release(storage);
    return st;
}
