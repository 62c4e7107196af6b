/* control.c — pause/resume on a live process. libtwcore writes the request into the control
 * area through the writer we give it; we write into our own MAP_SHARED mapping of the same
 * memfd, so the target sees the bytes at once, then FUTEX_WAKE the control futex word.
 * Shared (not FUTEX_PRIVATE) on purpose: the futex key is then the memfd page, the same key
 * the target's idle workers wait on through their own mapping. Never SIGSTOP, never ptrace. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "tw.h"
#include "tw_region.h"

static int64_t ctl_write(void *ctx, uint64_t addr, const void *buf, uint64_t len) {
    struct tw_target *t = ctx;
    if (!t->ctl_map || addr < t->ctl_base || len > t->ctl_len || addr - t->ctl_base > t->ctl_len - len)
        return -EPERM; /* only the control area is ever written */
    char *dst = (char *)t->ctl_map + (addr - t->ctl_base);
    /* Aligned words as single atomic stores: the runtime reads `state` while we write. */
    if (len == 4 && ((uintptr_t)dst & 3) == 0) {
        uint32_t v;
        memcpy(&v, buf, 4);
        __atomic_store_n((uint32_t *)dst, v, __ATOMIC_RELEASE);
    } else {
        memcpy(dst, buf, len);
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
    return (int64_t)len;
}

/* Map the control area read-write (once per target). */
static int ctl_map_area(struct tw_target *t, char *err, size_t n) {
    if (t->ctl_map) return 0;
    struct tw_header h;
    if (tgt_read_region(t, 0, &h, sizeof h) != (int64_t)sizeof h || memcmp(h.magic, TW_MAGIC, 8) != 0) {
        snprintf(err, n, "the region header cannot be read");
        return TWC_ECORRUPT;
    }
    struct stat st;
    if (fstat(t->region_fd, &st) < 0) {
        snprintf(err, n, "cannot stat the region: %s", strerror(errno));
        return TWC_EINTERNAL;
    }
    uint64_t end = h.control_offset + sizeof(struct tw_control);
    if (h.control_offset == 0 || end < h.control_offset || end > (uint64_t)st.st_size || (h.control_offset & 3)) {
        snprintf(err, n, "the region's control area lies outside the region (corrupt header)");
        return TWC_ECORRUPT;
    }
    long pg = sysconf(_SC_PAGESIZE);
    uint64_t base = h.control_offset & ~(uint64_t)(pg - 1);
    size_t len = (size_t)(end - base);
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, t->region_fd, (off_t)base);
    if (m == MAP_FAILED) {
        snprintf(err, n, "cannot map the control area: %s", strerror(errno));
        return errno == EACCES || errno == EPERM ? TWC_EPERM : TWC_EINTERNAL;
    }
    t->ctl_map = m;
    t->ctl_len = len;
    t->ctl_base = base;
    t->control_offset = h.control_offset;
    t->ctl_abi_minor = h.abi_minor;
    return 0;
}

int ctl_attach(struct tw_target *t, char *err, size_t n) {
    if (t->kind != TGT_PID || t->attach_only || t->region_fd < 0) {
        snprintf(err, n, "pause and resume need a live process with a TurboWish region (--pid)");
        return TWC_EUSAGE;
    }
    int st = ctl_map_area(t, err, n);
    if (st) return st;
    twc_set_writer(t->s, ctl_write, t);
    return 0;
}

/* The counts of stops in the control area (tw_region.h), by atomic adds on our mapping: two
 * consoles looking at once must not lose each other's adds (a lost stopped_us would let the shim
 * count a stop as the poll's own time). Best effort: a region we cannot map keeps its counts. */
static void *control_at(struct tw_target *t, size_t field) {
    return (void *)((char *)t->ctl_map + (t->control_offset - t->ctl_base) + field);
}

void ctl_stop_begins(struct tw_target *t, uint64_t began_ns) {
    char err[TW_ERRLEN];
    if (t->region_fd < 0 || ctl_map_area(t, err, sizeof err) || t->ctl_abi_minor < 4) return;
    if (t->ctl_abi_minor >= 7)
        __atomic_store_n((uint64_t *)control_at(t, offsetof(struct tw_control, stop_began_ns)), began_ns, __ATOMIC_RELEASE);
    __atomic_fetch_add((uint32_t *)control_at(t, offsetof(struct tw_control, reader_stops)), 1, __ATOMIC_ACQ_REL);
}

void ctl_stop_ends(struct tw_target *t, uint64_t stopped_ns) {
    if (!t->ctl_map || t->ctl_abi_minor < 4) return;
    if (t->ctl_abi_minor >= 7) {
        /* rounded up, and a microsecond more: an understated stop would be counted as the poll's */
        uint32_t us = (uint32_t)(stopped_ns / 1000 + 2);
        __atomic_fetch_add((uint32_t *)control_at(t, offsetof(struct tw_control, stopped_us)), us, __ATOMIC_ACQ_REL);
        __atomic_fetch_add((uint32_t *)control_at(t, offsetof(struct tw_control, timed_stops)), 1, __ATOMIC_ACQ_REL);
    }
    __atomic_fetch_add((uint32_t *)control_at(t, offsetof(struct tw_control, reader_stops)), 1, __ATOMIC_ACQ_REL);
}

void ctl_detach(struct tw_target *t) {
    if (t->ctl_map) munmap(t->ctl_map, t->ctl_len);
    t->ctl_map = NULL;
}

static uint32_t *futex_word(struct tw_target *t) {
    return (uint32_t *)((char *)t->ctl_map + (t->control_offset - t->ctl_base));
}

uint32_t ctl_generation(struct tw_target *t) {
    return t->ctl_map ? __atomic_load_n(futex_word(t), __ATOMIC_ACQUIRE) : 0;
}

void ctl_kick(struct tw_target *t, uint32_t before) {
    if (!t->ctl_map) return;
    uint32_t *w = futex_word(t);
    /* The protocol says the requester bumps the generation; do it if core did not, so a
     * worker comparing generations notices. A second bump would be harmless. */
    if (__atomic_load_n(w, __ATOMIC_ACQUIRE) == before) __atomic_fetch_add(w, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int ctl_request(struct tw_target *t, const char *op, uint32_t id, int json, char **out, char *err, size_t n) {
    int st;
    if ((st = ctl_attach(t, err, n))) return st;
    char line[64];
    snprintf(line, sizeof line, "%s %u%s", op, id, json ? " --json" : "");
    uint32_t g = ctl_generation(t);
    st = twc_exec(t->s, line, out, err, n);
    if (st == 0) ctl_kick(t, g);
    return st;
}
