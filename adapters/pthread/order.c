/* order.c — the lock-acquisition order graph, for inversions that did not hang (yet).
 *
 * Like helgrind's "lock order violated" and TSan's lock-order-inversion: when a thread holding
 * A blocks-acquires B (lock, not trylock or timedlock, which cannot hang forever), the edge
 * A -> B is recorded once, with the sites where A and B were taken and the task. A new edge
 * A -> B that closes a path B -> ... -> X -> A is an inversion: two orders that can deadlock.
 * It is reported once, as the task attribute (untrusted, readers render the alert
 * `lock_order`):
 *
 *     lock_order = "rA@sSA>rB@sSB tT:rX@sSX>rA@sSA2"
 *
 * this task took resource A at site SA then resource B at site SB, while task T took resource
 * X at site SX then A at site SA2 (X = B for a two-lock inversion). Ids are resource ids and
 * site indexes of the region. Further inversions by the same task use keys "lock_order.2" and
 * "lock_order.3". All storage is fixed (an edge hash table, successor lists in the object
 * table); what does not fit is counted in twp_stats.order_full. */
#include <sys/mman.h>
#include "twp.h"

#define EDGE_SLOTS 16384 /* power of two */
struct edge {
    uint64_t key;        /* pack(a, b); 0 = empty */
    uint32_t site_a, site_b, task;
    uint32_t ready;      /* fields above are written */
};
static struct edge edges[EDGE_SLOTS] __attribute__((aligned(4096)));

static uint64_t pack(uint32_t a, uint32_t b)
{
    return ((uint64_t)a << 44) | ((uint64_t)(twp_obj_gen(a) & 0xfff) << 32) | ((uint64_t)(b & 0xfffff) << 12) |
           (twp_obj_gen(b) & 0xfff);
}

/* The edge a -> b; with create, claim it. *fresh = 1 when this call created it. */
static struct edge *edge(uint32_t a, uint32_t b, int create, int *fresh)
{
    uint64_t key = pack(a, b);
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 50;
    *fresh = 0;
    for (unsigned probe = 0; probe < 64; probe++) {
        struct edge *e = &edges[(h + probe) & (EDGE_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&e->key, __ATOMIC_ACQUIRE);
        if (k == key)
            return e;
        if (k != 0)
            continue;
        if (!create)
            return NULL;
        if (__atomic_compare_exchange_n(&e->key, &k, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            *fresh = 1;
            return e;
        }
        if (k == key)
            return e;
    }
    if (create)
        __atomic_add_fetch(&twp_stats.order_full, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void add_succ(uint32_t a, uint32_t b)
{
    uint32_t *count, *succ = twp_obj_succ(a, &count);
    uint32_t i = __atomic_fetch_add(count, 1, __ATOMIC_ACQ_REL);
    if (i < TWP_SUCC)
        __atomic_store_n(&succ[i], b, __ATOMIC_RELEASE);
    else
        __atomic_add_fetch(&twp_stats.order_full, 1, __ATOMIC_RELAXED);
}

/* Breadth-first from `from` looking for `to`; returns the node whose edge enters `to`, or 0. */
static uint32_t path_into(uint32_t from, uint32_t to)
{
    uint32_t seen[256];
    unsigned n = 0;
    seen[n++] = from;
    for (unsigned q = 0; q < n; q++) {
        uint32_t u = seen[q], *count, *succ = twp_obj_succ(u, &count);
        uint32_t m = __atomic_load_n(count, __ATOMIC_ACQUIRE);
        for (uint32_t i = 0; i < m && i < TWP_SUCC; i++) {
            uint32_t v = __atomic_load_n(&succ[i], __ATOMIC_ACQUIRE);
            int fresh;
            if (!v || !edge(u, v, 0, &fresh)) /* stale: the object was destroyed since */
                continue;
            if (v == to)
                return u;
            unsigned j;
            for (j = 0; j < n && seen[j] != v; j++) {
            }
            if (j == n && n < sizeof seen / sizeof seen[0])
                seen[n++] = v;
        }
    }
    return 0;
}

/* "r<res>@s<site>" */
static char *hold(char *p, uint32_t obj, uint32_t site)
{
    *p++ = 'r';
    p = twp_dec(p, tw_res_id(twp_obj_res(obj)));
    *p++ = '@';
    *p++ = 's';
    return twp_dec(p, site);
}

static void report(tw_task_t t, uint32_t a, uint32_t b, const struct edge *ab, uint32_t x, const struct edge *xa)
{
    char v[160], *p = v;
    p = hold(p, a, ab->site_a);
    *p++ = '>';
    p = hold(p, b, ab->site_b);
    *p++ = ' ';
    *p++ = 't';
    p = twp_dec(p, xa->task);
    *p++ = ':';
    p = hold(p, x, xa->site_a);
    *p++ = '>';
    hold(p, a, xa->site_b);
    static const char *const keys[] = {"lock_order", "lock_order.2", "lock_order.3"};
    __atomic_add_fetch(&twp_stats.order_reports, 1, __ATOMIC_RELAXED);
    if (twp_me.order_reports < 3)
        tw_attr(t, keys[twp_me.order_reports++], v);
}

void twp_order_acquired(tw_task_t t, uint32_t b, tw_res_t res, uint32_t site)
{
    (void)res;
    if (!b)
        return;
    for (int i = 0; i < twp_me.nheld; i++) {
        uint32_t a = twp_me.held[i].obj;
        int fresh;
        if (!a || a == b)
            continue;
        struct edge *e = edge(a, b, 1, &fresh);
        if (!e || !fresh)
            continue;
        e->site_a = twp_me.held[i].site;
        e->site_b = site;
        e->task = tw_task_id(t);
        __atomic_store_n(&e->ready, 1, __ATOMIC_RELEASE);
        add_succ(a, b);
        uint32_t x = path_into(b, a);
        if (x) {
            struct edge *xa = edge(x, a, 0, &fresh);
            if (xa && __atomic_load_n(&xa->ready, __ATOMIC_ACQUIRE))
                report(t, a, b, e, x, xa);
        }
    }
}

void twp_order_reset(void)
{
    madvise(edges, sizeof edges, MADV_DONTNEED);
}
