/* decode.c — reading a region as untrusted bytes: the header, its table descriptors, the task
 * and resource tables (in big chunks: every read may be a debugger round trip), sites and
 * strings. Every offset is bounds-checked against the header's used_size, every loop is capped
 * by a declared count, and records whose seqlock counter is odd (or moved between two reads of
 * a live target) are marked torn instead of being decoded as if they were consistent. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define CHUNK (2u << 20)
#define MAX_USED (1ull << 40)   /* a region is a few MiB; anything near a TiB is garbage */
#define HDR_V1_SIZE offsetof(struct tw_header, events_lost)

int twc__src_read(struct twc_session *s, uint64_t off, void *buf, uint64_t len)
{
    if (s->have_hdr && (off > s->used || len > s->used - off)) return -ERANGE;
    uint8_t *p = buf;
    while (len) {
        uint64_t n = len > CHUNK ? CHUNK : len;
        int64_t got = s->rd(s->rctx, s->base + off, p, n);
        s->reads++;
        if (got < 0) return (int)got;
        s->bytes_read += (uint64_t)got;
        if ((uint64_t)got != n) return -EFAULT;
        p += n; off += n; len -= n;
    }
    return 0;
}

/* Before allocating len bytes to read [off, off + len): the last byte must be readable. The
 * table sizes come from the region itself, and a corrupt one (a damaged core) would otherwise
 * have a reader allocate gigabytes for a table that is not there. */
int twc__src_readable(struct twc_session *s, uint64_t off, uint64_t len)
{
    uint8_t last;
    return len ? twc__src_read(s, off + len - 1, &last, 1) : 0;
}

/* A double to ns, clamped: a hostile clock calibration must not make the conversion undefined. */
uint64_t twc__clamp_ns(double d)
{
    if (!(d > 0)) return 0;             /* also NaN */
    if (d >= 18446744073709549568.0) return UINT64_MAX;
    return (uint64_t)d;
}

uint64_t twc__raw_to_ns(const struct twc_session *s, uint64_t raw)
{
    if (s->facts) return raw;
    return twc__clamp_ns(((double)raw - (double)s->hdr.anchor_raw) * s->ns_per_raw + (double)s->hdr.anchor_ns);
}

uint64_t twc__mono_to_raw(const struct twc_session *s, double ns)
{
    double raw = (double)s->hdr.anchor_raw + (ns - (double)s->hdr.anchor_ns) / s->ns_per_raw;
    return raw > 0 && raw < 1.8e19 ? (uint64_t)raw : 0;
}

uint64_t twc__dur_ns(const struct twc_session *s, uint64_t raw)
{
    if (s->facts) return raw;
    return twc__clamp_ns((double)raw * s->ns_per_raw);
}

static int check_table(const struct twc_session *s, const struct tw_table_desc *t, size_t known,
                       const char *what, char *err, size_t errlen)
{
    if (t->count == 0 && t->offset == 0) return 0;
    if (t->stride < known) {
        MSG(err, errlen, "region corrupt: %s stride %u is smaller than a %s record (%zu bytes)", what, t->stride, what, known);
        return -1;
    }
    if (t->count > t->capacity) {
        MSG(err, errlen, "region corrupt: %s count %u exceeds capacity %u", what, t->count, t->capacity);
        return -1;
    }
    unsigned __int128 end = (unsigned __int128)t->offset + (unsigned __int128)t->count * t->stride;
    if (t->offset < s->hdr.header_size || end > s->used) {
        MSG(err, errlen, "region corrupt: %s table [%llu, +%u x %u) lies outside the %llu used bytes",
            what, (unsigned long long)t->offset, t->count, t->stride, (unsigned long long)s->used);
        return -1;
    }
    return 0;
}

int twc__decode_header(struct twc_session *s, char *err, size_t errlen)
{
    struct tw_header h;
    memset(&h, 0, sizeof h);
    s->have_hdr = 0;
    int64_t got = s->rd(s->rctx, s->base, &h, 24);
    s->reads++;
    if (got < 0 || got < 24) {
        MSG(err, errlen, "cannot read the region header at 0x%llx (region truncated or not readable)", (unsigned long long)s->base);
        return got < 0 && got == -EPERM ? TWC_EPERM : TWC_ECORRUPT;
    }
    s->bytes_read += (uint64_t)got;
    if (memcmp(h.magic, TW_MAGIC, 8) != 0) {
        MSG(err, errlen, "no TurboWish region at 0x%llx (magic is not TURBOWSH)", (unsigned long long)s->base);
        return TWC_ENOREGION;
    }
    if (h.byte_order != TW_BYTE_ORDER_MARK) {
        if (h.byte_order == __builtin_bswap32(TW_BYTE_ORDER_MARK))
            MSG(err, errlen, "region was written in the other byte order; this reader cannot decode it");
        else
            MSG(err, errlen, "region corrupt: byte order mark 0x%08x is not 0x%08x", h.byte_order, TW_BYTE_ORDER_MARK);
        return TWC_ECORRUPT;
    }
    if (h.abi_major != TW_ABI_MAJOR) {
        MSG(err, errlen, "region ABI %u.x is %s than this reader (%d.x)", h.abi_major,
            h.abi_major > TW_ABI_MAJOR ? "newer" : "older", TW_ABI_MAJOR);
        return TWC_ECORRUPT;
    }
    if (h.header_size < HDR_V1_SIZE || h.header_size > (1u << 20)) {
        MSG(err, errlen, "region corrupt: header size %u is not plausible", h.header_size);
        return TWC_ECORRUPT;
    }
    size_t hn = h.header_size < sizeof h ? h.header_size : sizeof h;
    memset(&h, 0, sizeof h);
    got = s->rd(s->rctx, s->base, &h, hn);
    s->reads++;
    if (got != (int64_t)hn) {
        MSG(err, errlen, "region truncated: its %zu-byte header cannot be read", hn);
        return TWC_ECORRUPT;
    }
    s->bytes_read += hn;
    if (h.used_size < h.header_size || h.used_size > MAX_USED || (h.region_size && h.used_size > h.region_size)) {
        MSG(err, errlen, "region corrupt: used size %llu does not fit (header %u, region %llu bytes)",
            (unsigned long long)h.used_size, h.header_size, (unsigned long long)h.region_size);
        return TWC_ECORRUPT;
    }
    s->hdr = h;
    s->used = h.used_size;
    if (check_table(s, &h.tasks, TW_TASK_REC_SIZE_1_3, "task", err, errlen) ||
        check_table(s, &h.resources, TW_RES_REC_SIZE_1_1, "resource", err, errlen) ||
        check_table(s, &h.sites, sizeof(struct tw_site_rec), "site", err, errlen) ||
        check_table(s, &h.stacks, sizeof(struct tw_stack_rec), "stack", err, errlen) ||
        check_table(s, &h.rings, sizeof(struct tw_ring_desc), "ring", err, errlen) ||
        check_table(s, &h.orders, sizeof(struct tw_order_rec), "lock-order", err, errlen))
        return TWC_ECORRUPT;
    if (h.arena_size && (h.arena_offset < h.header_size || h.arena_offset > s->used || h.arena_size > s->used - h.arena_offset)) {
        MSG(err, errlen, "region corrupt: string arena [%llu, +%llu) lies outside the used bytes",
            (unsigned long long)h.arena_offset, (unsigned long long)h.arena_size);
        return TWC_ECORRUPT;
    }
    if (h.control_offset && (h.control_offset > s->used || sizeof(struct tw_control) > s->used - h.control_offset)) {
        MSG(err, errlen, "region corrupt: control area at %llu lies outside the used bytes", (unsigned long long)h.control_offset);
        return TWC_ECORRUPT;
    }
    if (s->hdr.arena_used > s->hdr.arena_size) s->hdr.arena_used = s->hdr.arena_size; /* full arenas keep counting */
    s->ns_per_raw = (h.ns_per_raw_den && h.ns_per_raw_num) ? (double)h.ns_per_raw_num / (double)h.ns_per_raw_den : 1.0;
    s->long_poll_ms = h.long_poll_ms ? h.long_poll_ms : 50;
    s->have_hdr = 1;
    return 0;
}

void twc__task_from_rec(struct mtask *t, const struct tw_task_rec *r)
{
    memset(t, 0, sizeof *t);
    t->id = r->id; t->version = r->version; t->seq = r->seq; t->parent = r->parent;
    t->name = r->name; t->spawn_site = r->spawn_site; t->state = r->state; t->paused = r->paused;
    t->wait_kind = r->wait_kind; t->flags = r->flags; t->await_site = r->await_site;
    t->waiting_on = r->waiting_on; t->wakers_alive = r->wakers_alive; t->os_tid = r->os_tid;
    t->spawn_stack = r->spawn_stack; t->block_stack = r->block_stack;
    t->created_ts = r->created_ts; t->state_ts = r->state_ts; t->polls = r->polls; t->busy = r->busy;
    t->scheduled = r->scheduled; t->idle = r->idle; t->wakes = r->wakes; t->self_wakes = r->self_wakes;
    for (int e = 0; e < TW_MAX_EDGES; e++) {
        t->edges[e].res = r->edges[e].res; t->edges[e].role = r->edges[e].role;
        t->edges[e].dir = r->edges[e].dir; t->edges[e].count = r->edges[e].count;
        if (!t->edges[e].res) memset(&t->edges[e], 0, sizeof t->edges[e]);
    }
    for (int i = TW_HIST_BUCKETS; i > 0; i--) if (r->poll_hist[i - 1]) { t->hist_top = (uint8_t)i; break; }
    t->max_poll_us = r->max_poll_us;
    t->max_ran_us = r->max_ran_us;
    t->longest_ran_us = r->longest_ran_us;
    memcpy(t->attrs, r->attrs, sizeof t->attrs);
    if (r->seq & 1) t->torn = 1;
    if (t->state > TW_TASK_DONE) { t->torn = 1; t->state = TW_TASK_FREE; }
}

/* Bytes of a task record this reader knows and the region has: a record of an ABI before 1.4
 * is shorter, and what it lacks reads as zero, never as the next record's bytes. */
static size_t task_rec_size(const struct twc_session *s)
{
    return s->hdr.tasks.stride < sizeof(struct tw_task_rec) ? s->hdr.tasks.stride : sizeof(struct tw_task_rec);
}

/* The full record of a task (histograms, saved context): one small read by its slot. The id is
 * checked so a slot reused or rewritten since the model was read is not mistaken for it. */
int twc__read_task_rec(struct twc_session *s, const struct mtask *t, struct tw_task_rec *r)
{
    memset(r, 0, sizeof *r);
    if (s->facts || t->slot >= s->hdr.tasks.count) return -1;
    if (twc__src_read(s, s->hdr.tasks.offset + (uint64_t)t->slot * s->hdr.tasks.stride, r, task_rec_size(s))) return -1;
    if (r->id != t->id) { memset(r, 0, sizeof *r); return -1; }
    return 0;
}

int twc__read_res_rec(struct twc_session *s, const struct mres *x, struct tw_res_rec *r)
{
    uint8_t raw[sizeof *r];
    uint32_t stride = s->hdr.resources.stride;
    uint32_t n = stride < sizeof raw ? stride : (uint32_t)sizeof raw;
    memset(r, 0, sizeof *r);
    if (s->facts || x->slot >= s->hdr.resources.count) return -1;
    if (twc__src_read(s, s->hdr.resources.offset + (uint64_t)x->slot * stride, raw, n)) return -1;
    twc__res_rec_copy(r, raw, n);
    if (r->id != x->id) { memset(r, 0, sizeof *r); return -1; }
    return 0;
}

/* A resource record of a region written before ABI 1.2 is shorter (stride 64): what it lacks
 * reads as zero (no wakes in flight recorded), never as the next record's bytes. */
void twc__res_rec_copy(struct tw_res_rec *r, const void *src, uint32_t stride)
{
    memset(r, 0, sizeof *r);
    memcpy(r, src, stride < sizeof *r ? stride : sizeof *r);
}

static void res_from_rec(struct mres *m, const struct tw_res_rec *r)
{
    memset(m, 0, sizeof *m);
    m->id = r->id; m->version = r->version; m->seq = r->seq; m->name = r->name; m->kind = r->kind;
    m->class_ = r->class_; m->closed = r->closed; m->create_site = r->create_site;
    m->capacity = r->capacity; m->available = r->available; m->queued = r->queued;
    m->created_ts = r->created_ts; m->address = r->address;
    m->waiters = TW_WAKE_WAITERS(r->wake_state); m->wakes_pending = TW_WAKE_PENDING(r->wake_state);
    if (r->seq & 1) m->torn = 1;
}

/* twc__src_read as a twc_read_fn over region offsets. */
static int64_t src_reader(void *ctx, uint64_t off, void *buf, uint64_t len)
{
    int rc = twc__src_read(ctx, off, buf, len);
    return rc ? rc : (int64_t)len;
}

/* Read records [first, first+n) of a table with one read; on a live target, make each copy
 * whole (twc_whole_records: two more reads, then lone re-reads) or mark it torn. */
static int read_records(struct twc_session *s, const struct tw_table_desc *t, size_t first, size_t n,
                        uint8_t **buf, uint8_t **torn)
{
    size_t bytes = n * (size_t)t->stride;
    uint64_t start = t->offset + (uint64_t)first * t->stride;
    *buf = NULL; *torn = NULL;
    int rc = twc__src_readable(s, start, bytes);
    if (rc) return rc;
    *buf = malloc(bytes ? bytes : 1);
    *torn = calloc(n ? n : 1, 1);
    if (!*buf || !*torn) return -ENOMEM;
    rc = twc__src_read(s, start, *buf, bytes);
    if (!rc && (s->flags & TWC_LIVE))
        twc_whole_records(src_reader, s, start, t->stride, n, *buf, *torn, 4, 0);
    return rc;
}

static int tasks_chunk(struct twc_session *s, size_t first, size_t n, struct mtask *out, size_t *nout, int all)
{
    const struct tw_table_desc *t = &s->hdr.tasks;
    uint8_t *buf, *torn;
    int rc = read_records(s, t, first, n, &buf, &torn);
    if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            struct tw_task_rec r;
            memset(&r, 0, sizeof r);
            memcpy(&r, buf + i * t->stride, task_rec_size(s));
            if (r.id == 0) continue;
            struct mtask *m = &out[*nout];
            twc__task_from_rec(m, &r);
            if (torn[i]) m->torn = 1;
            if (!all && m->state == TW_TASK_DONE && !m->torn) continue;
            m->slot = (uint32_t)(first + i);
            (*nout)++;
        }
    }
    free(buf); free(torn);
    return rc;
}

static int fail_read(int rc, const char *what, char *err, size_t errlen)
{
    MSG(err, errlen, "cannot read the %s (%s)", what, rc == -ENOMEM ? "out of memory" : "region truncated or unreadable");
    return rc == -ENOMEM ? TWC_EINTERNAL : TWC_ECORRUPT;
}

int twc__load_strings(struct twc_session *s, char *err, size_t errlen)
{
    if (s->arena || s->facts) return 0;
    uint64_t n = s->hdr.arena_used;
    s->arena = malloc(n + 1);
    if (!s->arena) return fail_read(-ENOMEM, "string arena", err, errlen);
    int rc = n ? twc__src_read(s, s->hdr.arena_offset, s->arena, n) : 0;
    if (rc) { free(s->arena); s->arena = NULL; return fail_read(rc, "string arena", err, errlen); }
    s->arena[n] = 0;
    s->arena_len = n;
    if (!s->sites_loaded) {
        size_t ns = s->hdr.sites.count;
        struct tw_site_rec *sites = calloc(ns ? ns : 1, sizeof *sites);
        uint8_t *buf, *torn;
        if (!sites) return fail_read(-ENOMEM, "site table", err, errlen);
        rc = read_records(s, &s->hdr.sites, 0, ns, &buf, &torn);
        if (!rc) for (size_t i = 0; i < ns; i++) memcpy(&sites[i], buf + i * s->hdr.sites.stride, sizeof sites[i]);
        free(buf); free(torn);
        if (rc) { free(sites); return fail_read(rc, "site table", err, errlen); }
        free(s->sites);
        s->sites = sites; s->nsites = ns; s->sites_loaded = 1;
    }
    return 0;
}

int twc__load_model(struct twc_session *s, char *err, size_t errlen)
{
    if (s->model_loaded) return 0;
    int st = twc__load_strings(s, err, errlen);
    if (st) return st;
    struct model *m = &s->now;
    size_t nt = s->hdr.tasks.count, nr = s->hdr.resources.count;
    m->tasks = malloc((nt ? nt : 1) * sizeof *m->tasks);
    m->res = malloc((nr ? nr : 1) * sizeof *m->res);
    if (!m->tasks || !m->res) { twc__model_free(m); return fail_read(-ENOMEM, "task table", err, errlen); }
    size_t per = CHUNK / (s->hdr.tasks.stride ? s->hdr.tasks.stride : 1);
    if (per == 0) per = 1;
    for (size_t i = 0; i < nt; i += per) {
        size_t n = nt - i < per ? nt - i : per;
        int rc = tasks_chunk(s, i, n, m->tasks, &m->ntasks, 1);
        if (rc) { twc__model_free(m); return fail_read(rc, "task table", err, errlen); }
    }
    uint8_t *buf, *torn;
    int rc = read_records(s, &s->hdr.resources, 0, nr, &buf, &torn);
    if (rc) { free(buf); free(torn); twc__model_free(m); return fail_read(rc, "resource table", err, errlen); }
    for (size_t i = 0; i < nr; i++) {
        struct tw_res_rec r;
        twc__res_rec_copy(&r, buf + i * s->hdr.resources.stride, s->hdr.resources.stride);
        if (r.id == 0) continue;
        struct mres *x = &m->res[m->nres];
        res_from_rec(x, &r);
        if (torn[i]) x->torn = 1;
        x->slot = (uint32_t)i;
        m->nres++;
    }
    free(buf); free(torn);
    s->read_now = twc__reading_now_raw(s, m->tasks, m->ntasks);
    for (size_t i = 0; i < m->ntasks; i++) twc__add_time_in_progress(&m->tasks[i], s->read_now);
    for (size_t i = 0; i < m->ntasks; i++) m->torn_tasks += m->tasks[i].torn;
    for (size_t i = 0; i < m->nres; i++) m->torn_res += m->res[i].torn;
    twc__kernel_waits_apply(s, m);
    twc__user_names_apply(s, m);
    twc__kernel_waits_cxx(s, m);
    twc__model_index(m);
    m->task_ids_issued = s->hdr.next_task_id ? s->hdr.next_task_id - 1 : 0;
    m->res_ids_issued = s->hdr.next_res_id ? s->hdr.next_res_id - 1 : 0;
    s->model_loaded = 1;
    return 0;
}

/* `tasks --limit N`: read the task table front to back in small chunks and stop as soon as N
 * tasks to show are found, so a debugger transfers only what is printed. */
int twc__read_tasks_lazy(struct twc_session *s, size_t want, int all, struct mtask **out, size_t *n, size_t *scanned)
{
    size_t nt = s->hdr.tasks.count;
    *out = malloc((want ? want : 1) * sizeof **out + 64 * sizeof **out);
    *n = 0; *scanned = 0;
    if (!*out) return -ENOMEM;
    size_t i = 0;
    while (i < nt && *n < want) {
        size_t chunk = want - *n;
        if (chunk > 64) chunk = 64;
        if (chunk > nt - i) chunk = nt - i;
        struct mtask tmp[64];
        size_t got = 0;
        int rc = tasks_chunk(s, i, chunk, tmp, &got, all);
        if (rc) return rc;
        for (size_t k = 0; k < got && *n < want; k++) (*out)[(*n)++] = tmp[k];
        i += chunk;
    }
    *scanned = i;
    uint64_t now = twc__reading_now_raw(s, *out, *n);
    for (size_t k = 0; k < *n; k++) twc__add_time_in_progress(&(*out)[k], now);
    return 0;
}

/* A copy of str as a string of the session's own, at base + its index (readers of synthetic
 * names: kernel_waits.c, user_names.c): its offset, 0 when out of memory. */
uint32_t twc__lazy_copy(struct twc_session *s, uint32_t base, const char *str)
{
    char *c = strdup(str);
    if (!c) return 0;
    uint32_t off = base + (uint32_t)s->nlazy;
    twc__lazy_put(s, off, c);
    return off;
}

const char *twc__lazy_put(struct twc_session *s, uint32_t off, char *str)
{
    if (s->nlazy == s->caplazy) {
        size_t cap = s->caplazy ? s->caplazy * 2 : 64;
        struct lazystr *l = realloc(s->lazy, cap * sizeof *l);
        if (!l) { free(str); return "?"; }
        s->lazy = l; s->caplazy = cap;
    }
    s->lazy[s->nlazy].off = off;
    s->lazy[s->nlazy].s = str;
    s->nlazy++;
    return str;
}

#define MAX_STR 256
const char *twc__str_at(struct twc_session *s, uint32_t off)
{
    if (off == 0) return "";
    for (size_t i = 0; i < s->nlazy; i++) if (s->lazy[i].off == off) return s->lazy[i].s;
    if (s->arena) {
        if (off >= s->arena_len) return "?";
        const char *p = s->arena + off;
        size_t room = s->arena_len - off;
        const char *z = memchr(p, 0, room < MAX_STR ? room : MAX_STR);
        if (z) return p;
        char *c = malloc(MAX_STR + 1);
        if (!c) return "?";
        size_t n = room < MAX_STR ? room : MAX_STR;
        memcpy(c, p, n); c[n] = 0;
        return twc__lazy_put(s, off, c);
    }
    if (s->facts || !s->have_hdr || off >= s->hdr.arena_used) return "?";
    uint64_t room = s->hdr.arena_used - off;
    size_t n = room < MAX_STR ? (size_t)room : MAX_STR;
    char *c = malloc(n + 1);
    if (!c) return "?";
    size_t have = 0;
    /* small first read: most names are short */
    while (have < n) {
        size_t k = n - have < 64 ? n - have : (have ? n - have : 64);
        if (twc__src_read(s, s->hdr.arena_offset + off + have, c + have, k)) { free(c); return "?"; }
        if (memchr(c + have, 0, k)) { have += k; break; }
        have += k;
    }
    c[have] = 0;
    return twc__lazy_put(s, off, c);
}

const struct tw_site_rec *twc__site_at(struct twc_session *s, uint32_t idx)
{
    if (idx == 0) return NULL;
    if (s->sites_loaded) return idx < s->nsites ? &s->sites[idx] : NULL;
    if (!s->have_hdr || idx >= s->hdr.sites.count) return NULL;
    if (!s->sites) {
        s->sites = calloc(s->hdr.sites.count + 1, sizeof *s->sites);
        if (!s->sites) return NULL;
        s->nsites = s->hdr.sites.count;
    }
    struct tw_site_rec *r = &s->sites[idx];
    if (r->file == 0 && r->line == 0 && r->expr == 0) {
        if (twc__src_read(s, s->hdr.sites.offset + (uint64_t)idx * s->hdr.sites.stride, r, sizeof *r)) return NULL;
        if (r->file == 0 && r->line == 0 && r->expr == 0) r->line = 0;
    }
    return r;
}

uint32_t twc__stack_at(struct twc_session *s, uint32_t idx, uint64_t pc[TW_STACK_DEPTH])
{
    /* count <= capacity and the table's extent were checked with the header */
    if (idx == 0 || s->facts || !s->have_hdr || idx >= s->hdr.stacks.count) return 0;
    struct tw_stack_rec r;
    if (twc__src_read(s, s->hdr.stacks.offset + (uint64_t)idx * s->hdr.stacks.stride, &r, sizeof r)) return 0;
    uint32_t n = r.depth > TW_STACK_DEPTH ? TW_STACK_DEPTH : r.depth;
    memcpy(pc, r.pc, n * sizeof pc[0]);
    return n;
}

/* The lock-order table holds at most this many records for a reader: a corrupt count cannot
 * make it read (or analyse) without end. */
#define ORDER_READ_MAX (1u << 20)

/* The order table's records as published, at most ORDER_READ_MAX: *out malloc'd. */
static int read_order_table(struct twc_session *s, struct tw_order_rec **out, size_t *n)
{
    *out = NULL; *n = 0;
    if (s->facts || !s->have_hdr || s->hdr.header_size < TW_HDR_SIZE_1_3 || !s->hdr.orders.count) return 0;
    const struct tw_table_desc *t = &s->hdr.orders;
    size_t count = t->count < ORDER_READ_MAX ? t->count : ORDER_READ_MAX;
    uint8_t *buf = malloc((size_t)count * t->stride);
    struct tw_order_rec *recs = malloc(count * sizeof *recs);
    if (!buf || !recs) { free(buf); free(recs); return -ENOMEM; }
    int rc = twc__src_read(s, t->offset, buf, (uint64_t)count * t->stride);
    size_t k = 0;
    for (size_t i = 0; !rc && i < count; i++) {
        memcpy(&recs[k], buf + i * t->stride, sizeof recs[k]);
        if (recs[k].flags & TW_ORDER_PUBLISHED) k++;
    }
    free(buf);
    if (rc) { free(recs); return rc; }
    *out = recs; *n = k;
    return 0;
}

int twc__read_folded_classes(struct twc_session *s, uint64_t **out, size_t *n)
{
    struct tw_order_rec *recs; size_t nrec, k = 0;
    *out = NULL; *n = 0;
    int rc = read_order_table(s, &recs, &nrec);
    if (rc || !nrec) { free(recs); return rc; }
    uint64_t *keys = malloc(nrec * sizeof *keys);
    if (!keys) { free(recs); return -ENOMEM; }
    for (size_t i = 0; i < nrec; i++)
        if ((recs[i].flags & TW_ORDER_CLASS) && recs[i].task >= TW_ORDER_PER_CLASS) keys[k++] = recs[i].key;
    free(recs);
    *out = keys; *n = k;
    return 0;
}

int twc__read_order_edges(struct twc_session *s, struct tw_order_rec **out, size_t *n)
{
    struct tw_order_rec *recs; size_t nrec, k = 0;
    int rc = read_order_table(s, &recs, &nrec);
    if (rc) return rc;
    for (size_t i = 0; i < nrec; i++) {
        const struct tw_order_rec *r = &recs[i];
        /* a try (never an order edge) or a class record (ABI 1.4) */
        if (r->flags & (TW_ORDER_ACQ_TRY | TW_ORDER_CLASS)) continue;
        if (!TW_ORDER_HELD(r->key) || !TW_ORDER_ACQUIRED(r->key) || TW_ORDER_HELD(r->key) == TW_ORDER_ACQUIRED(r->key)) continue;
        recs[k++] = *r;
    }
    *out = recs; *n = k;
    return 0;
}
