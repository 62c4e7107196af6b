/* region_builder.c — see region_builder.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

struct tw_header *rb_hdr(struct rb *r) { return (struct tw_header *)r->buf; }

void rb_init(struct rb *r, const struct rb_sizes *sz)
{
    memset(r, 0, sizeof *r);
    uint64_t off = (sizeof(struct tw_header) + 63) & ~63ull;
    struct tw_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, TW_MAGIC, 8);
    h.byte_order = TW_BYTE_ORDER_MARK;
    h.abi_major = TW_ABI_MAJOR; h.abi_minor = TW_ABI_MINOR;
    h.header_size = sizeof h;
    h.pid = 4242;
    h.clock_kind = 2; h.ns_per_raw_num = 1; h.ns_per_raw_den = 1;
    h.long_poll_ms = 50;
    strcpy(h.exe, "unit");
#define TABLE(d, n, st) do { d.offset = off; d.stride = (uint32_t)(st); d.capacity = (n); d.count = 0; off += (uint64_t)(n) * (st); off = (off + 63) & ~63ull; } while (0)
    TABLE(h.rings, sz->rings, sizeof(struct tw_ring_desc));
    TABLE(h.tasks, sz->tasks, sizeof(struct tw_task_rec));
    TABLE(h.resources, sz->res, sizeof(struct tw_res_rec));
    TABLE(h.sites, sz->sites, sizeof(struct tw_site_rec));
    TABLE(h.stacks, 8, sizeof(struct tw_stack_rec));
    TABLE(h.orders, RB_ORDERS, sizeof(struct tw_order_rec));
    h.sites.count = 1;   /* index 0 reserved */
    h.stacks.count = 1;
    h.arena_offset = off; h.arena_size = sz->arena; h.arena_used = 1; off += sz->arena; off = (off + 63) & ~63ull;
    h.control_offset = off; off += sizeof(struct tw_control); off = (off + 63) & ~63ull;
    h.ring_events = sz->ring_events;
    uint64_t rings_at = off;
    off += (uint64_t)sz->rings * sz->ring_events * sizeof(struct tw_event);
    h.used_size = h.region_size = off;
    r->size = off;
    r->buf = calloc(1, off);
    memcpy(r->buf, &h, sizeof h);
    struct tw_header *H = rb_hdr(r);
    for (uint32_t i = 0; i < sz->rings; i++) {
        struct tw_ring_desc *d = (struct tw_ring_desc *)(r->buf + H->rings.offset + i * sizeof *d);
        d->seq = 1; d->os_tid = 100 + i; d->capacity = sz->ring_events;
        d->offset = rings_at + (uint64_t)i * sz->ring_events * sizeof(struct tw_event);
    }
    H->rings.count = sz->rings;
    r->limit = UINT64_MAX;
}

void rb_free(struct rb *r) { free(r->buf); memset(r, 0, sizeof *r); }

uint32_t rb_str(struct rb *r, const char *s)
{
    struct tw_header *h = rb_hdr(r);
    size_t n = strlen(s) + 1;
    if (h->arena_used + n > h->arena_size) return 0;
    uint32_t off = (uint32_t)h->arena_used;
    memcpy(r->buf + h->arena_offset + off, s, n);
    h->arena_used += n;
    return off;
}

uint32_t rb_site(struct rb *r, const char *file, uint32_t line, const char *expr)
{
    struct tw_header *h = rb_hdr(r);
    uint32_t idx = h->sites.count++;
    struct tw_site_rec *s = (struct tw_site_rec *)(r->buf + h->sites.offset + (uint64_t)idx * h->sites.stride);
    s->file = rb_str(r, file); s->line = line; s->expr = rb_str(r, expr); s->func = rb_str(r, "fn");
    return idx;
}

uint32_t rb_stack(struct rb *r, const uint64_t *pc, uint32_t depth)
{
    struct tw_header *h = rb_hdr(r);
    uint32_t idx = h->stacks.count++;
    struct tw_stack_rec *st = (struct tw_stack_rec *)(r->buf + h->stacks.offset + (uint64_t)idx * h->stacks.stride);
    st->hash = 1;
    st->depth = depth;
    memcpy(st->pc, pc, (depth > TW_STACK_DEPTH ? TW_STACK_DEPTH : depth) * sizeof *pc);
    return idx;
}

struct tw_task_rec *rb_task(struct rb *r, uint32_t id, const char *name, int state)
{
    struct tw_header *h = rb_hdr(r);
    uint32_t idx = h->tasks.count++;
    struct tw_task_rec *t = (struct tw_task_rec *)(r->buf + h->tasks.offset + (uint64_t)idx * h->tasks.stride);
    memset(t, 0, sizeof *t);
    t->id = id; t->name = rb_str(r, name); t->state = (uint8_t)state; t->version = 1; t->wakers_alive = 1;
    return t;
}

struct tw_res_rec *rb_res(struct rb *r, uint32_t id, const char *name, int kind, int64_t capacity)
{
    struct tw_header *h = rb_hdr(r);
    uint32_t idx = h->resources.count++;
    struct tw_res_rec *x = (struct tw_res_rec *)(r->buf + h->resources.offset + (uint64_t)idx * h->resources.stride);
    memset(x, 0, sizeof *x);
    x->id = id; x->name = rb_str(r, name); x->kind = (uint8_t)kind; x->capacity = capacity; x->version = 1;
    x->class_ = (kind == TW_RES_MUTEX || kind == TW_RES_RWLOCK || kind == TW_RES_SEMAPHORE) ? TW_CLASS_REUSABLE : TW_CLASS_CONSUMABLE;
    x->available = x->class_ == TW_CLASS_REUSABLE ? capacity : 0;
    return x;
}

struct tw_order_rec *rb_order(struct rb *r, uint32_t held, uint32_t acquired, uint32_t held_site, uint32_t acquired_site,
                              uint32_t task, uint32_t flags, int raw)
{
    struct tw_header *h = rb_hdr(r);
    uint32_t idx = h->orders.count++;
    struct tw_order_rec *o = (struct tw_order_rec *)(r->buf + h->orders.offset + (uint64_t)idx * h->orders.stride);
    o->key = (uint64_t)held << 32 | acquired;
    o->held_site = held_site; o->acquired_site = acquired_site; o->task = task;
    o->flags = raw ? flags : flags | TW_ORDER_PUBLISHED;
    return o;
}

void rb_edge(struct tw_task_rec *t, uint32_t res, int role, int count)
{
    for (int i = 0; i < TW_MAX_EDGES; i++)
        if (!t->edges[i].res) { t->edges[i].res = res; t->edges[i].role = (uint8_t)role; t->edges[i].count = (uint16_t)count; return; }
}

void rb_wait(struct tw_task_rec *t, int kind, uint32_t on, uint32_t site)
{
    t->state = TW_TASK_WAITING; t->wait_kind = (uint8_t)kind; t->waiting_on = on; t->await_site = site;
}

void rb_event(struct rb *r, int ring, uint64_t ts, int type, uint32_t task, uint32_t res, uint32_t version, uint64_t old,
              uint16_t aux, uint8_t flags)
{
    struct tw_header *h = rb_hdr(r);
    struct tw_ring_desc *d = (struct tw_ring_desc *)(r->buf + h->rings.offset + (uint64_t)ring * h->rings.stride);
    struct tw_event *e = (struct tw_event *)(r->buf + d->offset) + (d->head % d->capacity);
    e->ts = ts; e->type = (uint8_t)type; e->flags = flags; e->aux = aux; e->task = task; e->res = res;
    e->version = version; e->old = old;
    d->head++;
}

int64_t rb_read(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    struct rb *r = ctx;
    r->reads++;
    if (addr >= r->size || addr >= r->limit) return -14;
    uint64_t end = addr + len;
    if (end > r->size) end = r->size;
    if (end > r->limit) end = r->limit;
    memcpy(buf, r->buf + addr, end - addr);
    r->bytes_read += end - addr;
    if (r->tear_next_task_copy) {
        struct tw_header *h = rb_hdr(r);
        for (uint32_t i = 0; i < h->tasks.count; i++) {
            uint64_t o = h->tasks.offset + (uint64_t)i * h->tasks.stride;
            if (o >= addr && o + sizeof(struct tw_task_rec) <= end) {
                ((struct tw_task_rec *)((uint8_t *)buf + (o - addr)))->edges[0].role = TW_EDGE_NONE;
                r->tear_next_task_copy = 0;
            }
        }
    }
    if (r->flip_seq_on_reread) {
        /* every read of the task table sees each task's seq advanced by 2: a record rewritten */
        struct tw_header *h = rb_hdr(r);
        for (uint32_t i = 0; i < h->tasks.count; i++) {
            uint64_t o = h->tasks.offset + (uint64_t)i * h->tasks.stride;
            if (o >= addr && o + 4 <= end) ((struct tw_task_rec *)(r->buf + o))->seq += 2;
        }
    }
    return (int64_t)(end - addr);
}

int64_t rb_write(void *ctx, uint64_t addr, const void *buf, uint64_t len)
{
    struct rb *r = ctx;
    if (addr + len > r->size) return -14;
    memcpy(r->buf + addr, buf, len);
    return (int64_t)len;
}

twc_session *rb_open(struct rb *r, int flags)
{
    int st; char err[256];
    return twc_open_region(rb_read, r, 0, flags, &st, err, sizeof err);
}

char *rb_exec(twc_session *s, const char *cmd, int *st)
{
    char *out = NULL; char err[256];
    int rc = twc_exec(s, cmd, &out, err, sizeof err);
    if (st) *st = rc;
    return out;
}

char *rb_ok(twc_session *s, const char *cmd)
{
    char *out = NULL, err[256] = "";
    int rc = twc_exec(s, cmd, &out, err, sizeof err);
    cr_assert(rc == 0 && out, "%s failed with %d: %s", cmd, rc, err);
    return out;
}

char *rb_run(struct rb *r, const char *cmd)
{
    twc_session *s = rb_open(r, 0);
    char *out = NULL, err[256] = "cannot open the region";
    int rc = s ? twc_exec(s, cmd, &out, err, sizeof err) : -1;
    if (s) twc_close(s);
    if (rc == 0 && out) return out;
    free(out);
    out = malloc(512);
    if (out) snprintf(out, 512, "rb_run: '%s' failed (%d): %s", cmd, rc, err);
    return out;
}

int rb_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++) n++;
    return n;
}
