/* inspect.c — a test-only reader: opens a live process's TurboWish region through
 * /proc/PID/fd (the memfd), and prints every task and resource record as one JSON object per
 * line. The runtime's model checks use it to assert waits, holds and edges without depending
 * on the console. Trusts the region (it is a test of our own writer, not a hardened reader).
 * `inspect PID pause|resume ID` posts a control request the way `tw pause` does: fill a slot,
 * mark it POSTED, bump the futex word and FUTEX_WAKE it (shared: we are another process). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include "tw_region.h"

static const char *str(const char *base, const struct tw_header *h, uint32_t off)
{
    if (!off || off >= h->arena_size) return "";
    return base + h->arena_offset + off;
}

static void site(const char *base, const struct tw_header *h, uint32_t s)
{
    if (!s || s >= h->sites.capacity) { printf("null"); return; }
    const struct tw_site_rec *r = (const void *)(base + h->sites.offset + (uint64_t)s * h->sites.stride);
    printf("{\"file\":\"%s\",\"line\":%u,\"expr\":\"", str(base, h, r->file), r->line);
    for (const char *p = str(base, h, r->expr); *p; p++) printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    printf("\"}");
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 4) { fprintf(stderr, "usage: inspect PID [pause|resume ID]\n"); return 1; }
    char dir[64], link[256], path[300];
    snprintf(dir, sizeof dir, "/proc/%s/fd", argv[1]);
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 2; }
    int fd = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0) { link[n] = 0; if (strstr(link, "memfd:turbowish")) { fd = open(path, argc == 4 ? O_RDWR : O_RDONLY); break; } }
    }
    closedir(d);
    if (fd < 0) { fprintf(stderr, "no region\n"); return 3; }
    struct stat st;
    fstat(fd, &st);
    char *base = mmap(NULL, (size_t)st.st_size, PROT_READ | (argc == 4 ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 4; }
    const struct tw_header *h = (const void *)base;
    if (argc == 4) {
        struct tw_control *c = (void *)(base + h->control_offset);
        for (int i = 0; i < TW_CONTROL_SLOTS; i++) {
            uint32_t s = __atomic_load_n(&c->slot[i].state, __ATOMIC_ACQUIRE);
            if (s == TW_CTL_POSTED) continue;
            c->slot[i].task = (uint32_t)atoi(argv[3]);
            c->slot[i].op = strcmp(argv[2], "pause") == 0 ? TW_CTL_PAUSE : TW_CTL_RESUME;
            __atomic_store_n(&c->slot[i].state, TW_CTL_POSTED, __ATOMIC_RELEASE);
            __atomic_add_fetch(&c->futex, 1, __ATOMIC_RELEASE);
            syscall(SYS_futex, &c->futex, FUTEX_WAKE, 64, NULL, NULL, 0);
            return 0;
        }
        fprintf(stderr, "no free control slot\n");
        return 5;
    }
    for (uint32_t i = 0; i < h->tasks.count; i++) {
        const struct tw_task_rec *t = (const void *)(base + h->tasks.offset + (uint64_t)i * h->tasks.stride);
        if (!t->id) continue;
        printf("{\"task\":%u,\"name\":\"%s\",\"state\":%u,\"paused\":%u,\"wait_kind\":%u,\"waiting_on\":%u,"
               "\"wakers_alive\":%d,\"polls\":%llu,\"flags\":%u,\"await\":",
               t->id, str(base, h, t->name), t->state, t->paused, t->wait_kind, t->waiting_on, t->wakers_alive,
               (unsigned long long)t->polls, t->flags);
        site(base, h, t->await_site);
        printf(",\"edges\":[");
        int first = 1;
        for (int k = 0; k < TW_MAX_EDGES; k++) {
            if (!t->edges[k].res) continue;
            printf("%s[%u,%u,%u]", first ? "" : ",", t->edges[k].res, t->edges[k].role, t->edges[k].count);
            first = 0;
        }
        printf("],\"ctx\":{\"rip\":%llu,\"rsp\":%llu,\"rbp\":%llu,\"lo\":%llu,\"hi\":%llu}}\n",
               (unsigned long long)t->ctx.rip, (unsigned long long)t->ctx.rsp, (unsigned long long)t->ctx.rbp,
               (unsigned long long)t->ctx.stack_lo, (unsigned long long)t->ctx.stack_hi);
    }
    for (uint32_t i = 0; i < h->resources.count; i++) {
        const struct tw_res_rec *r = (const void *)(base + h->resources.offset + (uint64_t)i * h->resources.stride);
        if (!r->id) continue;
        printf("{\"resource\":%u,\"name\":\"%s\",\"kind\":%u,\"available\":%lld,\"queued\":%lld,\"closed\":%u}\n", r->id,
               str(base, h, r->name), r->kind, (long long)r->available, (long long)r->queued, r->closed);
    }
    printf("{\"instr_errors\":%llu,\"tasks_full\":%u}\n", (unsigned long long)h->instr_errors, h->tasks.full);
    return 0;
}
