/* regdump.c — test helper: prints the model of a live process's TurboWish region as simple
 * lines, read straight from its memfd (/proc/PID/fd/N -> "/memfd:turbowish"), so adapter tests
 * can check what the preload recorded without depending on libtwcore or `tw`.
 *   task ID STATE WAITKIND WAITING_ON NAME [hold:RES ...] [attr:KEY=VALUE ...]
 *   res ID KIND ADDRESS NAME
 *   site IDX FILE LINE EXPR FUNC
 * Usage: regdump PID. Exit 2 when the process has no region. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tw_region.h"

static const char *base;
static const struct tw_header *h;

static const char *str(uint32_t off)
{
    if (!off || off >= h->arena_size)
        return "";
    return base + h->arena_offset + off;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 1;
    char dir[64], path[600], link[256];
    snprintf(dir, sizeof dir, "/proc/%s/fd", argv[1]);
    DIR *d = opendir(dir);
    if (!d)
        return 2;
    int fd = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0) {
            link[n] = 0;
            if (strncmp(link, "/memfd:turbowish", 16) == 0) {
                fd = open(path, O_RDONLY);
                break;
            }
        }
    }
    closedir(d);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return 2;
    base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED)
        return 2;
    h = (const struct tw_header *)base;
    if (memcmp(h->magic, TW_MAGIC, 8) != 0)
        return 2;
    for (uint32_t i = 0; i < h->tasks.count && i < h->tasks.capacity; i++) {
        const struct tw_task_rec *t = (const void *)(base + h->tasks.offset + (size_t)i * h->tasks.stride);
        if (!t->id)
            continue;
        printf("task %u %u %u %u %s", t->id, t->state, t->wait_kind, t->waiting_on, str(t->name));
        for (int k = 0; k < TW_MAX_EDGES; k++)
            if (t->edges[k].res && (t->edges[k].role == TW_EDGE_HOLD || t->edges[k].role == TW_EDGE_HOLD_SHARED))
                printf(" hold:%u", t->edges[k].res);
        for (int k = 0; k < TW_MAX_ATTRS; k++)
            if (t->attrs[k].key)
                printf(" attr:%s=%s", str(t->attrs[k].key), str(t->attrs[k].value));
        printf(" site:%u\n", t->await_site);
    }
    for (uint32_t i = 0; i < h->resources.count && i < h->resources.capacity; i++) {
        const struct tw_res_rec *r = (const void *)(base + h->resources.offset + (size_t)i * h->resources.stride);
        if (r->id)
            printf("res %u %u 0x%llx %s\n", r->id, r->kind, (unsigned long long)r->address, str(r->name));
    }
    for (uint32_t i = 1; i < h->sites.count && i < h->sites.capacity; i++) {
        const struct tw_site_rec *s = (const void *)(base + h->sites.offset + (size_t)i * h->sites.stride);
        printf("site %u %s %u %s %s\n", i, str(s->file), s->line, str(s->expr), str(s->func));
    }
    for (uint32_t i = 0; h->header_size >= TW_HDR_SIZE_1_3 && i < h->orders.count && i < h->orders.capacity; i++) {
        const struct tw_order_rec *o = (const void *)(base + h->orders.offset + (size_t)i * h->orders.stride);
        if (o->flags & TW_ORDER_PUBLISHED)
            printf("order %u %u %u %u %u %u\n", TW_ORDER_HELD(o->key), TW_ORDER_ACQUIRED(o->key), o->held_site,
                   o->acquired_site, o->task, o->flags);
    }
    printf("counts tasks_full=%u resources_full=%u instr_errors=%llu events_lost=%llu\n", h->tasks.full,
           h->resources.full, (unsigned long long)h->instr_errors, (unsigned long long)h->events_lost);
    return 0;
}
