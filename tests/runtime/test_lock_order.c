/* test_lock_order.c — the runtime's locks feed the region's lock-order table: a blocking lock
 * taken while holding another makes an edge with both sites, a trylock makes none, and a lock
 * taken by trylock is still held (edges from it are real, flagged HELD_TRY). */
#include <criterion/criterion.h>
#include <string.h>
#include "twrt.h"

/* resource id of the (first) resource named `name`, 0 if none */
static uint32_t res_named(const struct tw_header *h, const char *name)
{
    const char *base = (const char *)h;
    for (uint32_t i = 0; i < h->resources.count; i++) {
        const struct tw_res_rec *r = (const void *)(base + h->resources.offset + (size_t)i * h->resources.stride);
        if (r->id && r->name && !strcmp(base + h->arena_offset + r->name, name))
            return r->id;
    }
    return 0;
}

/* the published order edge held -> acquired, or NULL */
static const struct tw_order_rec *edge(const struct tw_header *h, uint32_t held, uint32_t acquired)
{
    const struct tw_order_rec *t = (const void *)((const char *)h + h->orders.offset);
    for (uint32_t i = 0; i < h->orders.count; i++)
        if (t[i].key == ((uint64_t)held << 32 | acquired) && (t[i].flags & TW_ORDER_PUBLISHED))
            return &t[i];
    return NULL;
}

static twrt_mutex *a, *b, *c;

static void *nested(void *arg)
{
    (void)arg;
    twrt_mutex_lock(a);
    twrt_mutex_lock(b);            /* a -> b */
    twrt_mutex_unlock(b);
    cr_assert_eq(twrt_mutex_trylock(c), 0);   /* a, then TRY c: no edge */
    twrt_mutex_lock(b);            /* held: a and c (by trylock) -> b */
    twrt_mutex_unlock(b);
    twrt_mutex_unlock(c);
    twrt_mutex_unlock(a);
    return NULL;
}

Test(lock_order, blocking_locks_make_edges_with_sites_and_trylocks_do_not)
{
    a = twrt_mutex_new("order-a"); b = twrt_mutex_new("order-b"); c = twrt_mutex_new("order-c");
    twrt_join(twrt_spawn("nested", nested, NULL));
    const struct tw_header *h = tw_region;
    cr_assert_not_null(h, "instrumentation is on: the region exists");
    cr_assert_geq(h->header_size, TW_HDR_SIZE_1_3);
    uint32_t ia = res_named(h, "order-a"), ib = res_named(h, "order-b"), ic = res_named(h, "order-c");
    cr_assert(ia && ib && ic);
    const struct tw_order_rec *ab = edge(h, ia, ib), *cb = edge(h, ic, ib);
    cr_assert_not_null(ab, "a -> b recorded");
    cr_assert(ab->held_site && ab->acquired_site, "both sites known");
    cr_assert_eq(ab->flags & TW_ORDER_HELD_TRY, 0);
    cr_assert_null(edge(h, ia, ic), "a trylock makes no edge");
    cr_assert_not_null(cb, "a lock taken by trylock is held: c -> b is an edge");
    cr_assert(cb->flags & TW_ORDER_HELD_TRY);
    cr_assert_eq(h->orders.full, 0);
}
