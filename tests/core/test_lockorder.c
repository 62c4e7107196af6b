/* Lock-order inversions from the region's order table (core/lockorder.c): cycles of any
 * length, tries never closing one, folding by lock class with a count, bounded search, regions
 * without the table, and instrumentation_overflow. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "region_builder.h"

static struct rb R;
static const struct rb_sizes SZ = { 32, 2100, 32, 1, 64, 1 << 16 };

static char *run(const char *cmd)
{
    char *o = rb_run(&R, cmd);
    cr_assert_not_null(o, "%s failed", cmd);
    return o;
}

Test(lock_order, a_two_lock_inversion_that_did_not_hang_names_both_orders_and_sites)
{
    rb_init(&R, &SZ);
    rb_res(&R, 1, "a", TW_RES_MUTEX, 1); rb_res(&R, 2, "b", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "t1", TW_TASK_READY); rb_task(&R, 2, "t2", TW_TASK_READY);
    uint32_t s1 = rb_site(&R, "x.c", 10, "lock(a)"), s2 = rb_site(&R, "x.c", 11, "lock(b)");
    uint32_t s3 = rb_site(&R, "y.c", 20, "lock(b)"), s4 = rb_site(&R, "y.c", 21, "lock(a)");
    /* t1 took a then b, t2 b then a (at different times): both orders in the order table */
    rb_order(&R, 1, 2, s1, s2, 1, 0, 0);
    rb_order(&R, 2, 1, s3, s4, 2, 0, 0);
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"lock_order\""), 1, "%s", o);
    cr_assert(strstr(o, "a (x.c:10) then b (x.c:11) by t1 1; b (y.c:20) then a (y.c:21) by t2 2"), "%s", o);
    cr_assert(strstr(o, "\"resources\":[{\"resource\":1,\"name\":\"a\"},{\"resource\":2,\"name\":\"b\"}]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, a_try_never_closes_an_inversion)
{
    rb_init(&R, &SZ);
    rb_res(&R, 1, "table", TW_RES_MUTEX, 1); rb_res(&R, 2, "entry", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "sweeper", TW_TASK_READY); rb_task(&R, 2, "writer", TW_TASK_READY);
    rb_order(&R, 1, 2, 1, 1, 1, TW_ORDER_ACQ_TRY, 0);   /* table, then TRY entry */
    rb_order(&R, 2, 1, 1, 1, 2, 0, 0);                  /* entry, then table */
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "lock_order"), 0, "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, an_edge_still_being_written_is_not_read)
{
    rb_init(&R, &SZ);
    rb_res(&R, 1, "a", TW_RES_MUTEX, 1); rb_res(&R, 2, "b", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "t", TW_TASK_READY);
    rb_order(&R, 1, 2, 1, 1, 1, 0, 0);
    rb_order(&R, 2, 1, 0, 0, 0, 0, 1);   /* key claimed, flags not yet published */
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "lock_order"), 0, "%s", o);
    free(o);
    rb_free(&R);
}

static void ring(int n, int first_id)
{
    char nm[32];
    uint32_t s1 = rb_site(&R, "ring.c", 15, "pthread_mutex_lock"), s2 = rb_site(&R, "ring.c", 16, "pthread_mutex_lock");
    for (int i = 0; i < n; i++) { snprintf(nm, sizeof nm, "ring[%d]", i); rb_res(&R, first_id + i, nm, TW_RES_MUTEX, 1); }
    for (int i = 0; i < n; i++) {
        snprintf(nm, sizeof nm, "link-%d", i);
        rb_task(&R, 1 + i, nm, TW_TASK_DONE);
        rb_order(&R, first_id + i, first_id + (i + 1) % n, s1, s2, 1 + i, 0, 0);
    }
}

Test(lock_order, a_five_lock_ring_is_one_alert_naming_every_lock_in_order)
{
    rb_init(&R, &SZ);
    ring(5, 1);
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"lock_order\""), 1, "%s", o);
    cr_assert(strstr(o, "a cycle of 5 locks"), "%s", o);
    cr_assert(strstr(o, "ring[4] (ring.c:15) then ring[0] (ring.c:16) by link-4 5"), "%s", o);
    cr_assert(strstr(o, "\"resources\":[{\"resource\":1,\"name\":\"ring[0]\"},{\"resource\":2,\"name\":\"ring[1]\"},"
                        "{\"resource\":3,\"name\":\"ring[2]\"},{\"resource\":4,\"name\":\"ring[3]\"},{\"resource\":5,\"name\":\"ring[4]\"}]"), "%s", o);
    cr_assert(strstr(o, " 1 instance cycle of"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, a_three_lock_ring_is_found_too)
{
    rb_init(&R, &SZ);
    ring(3, 1);
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"lock_order\""), 1, "%s", o);
    cr_assert(strstr(o, "a cycle of 3 locks"), "%s", o);
    free(o);
    rb_free(&R);
}

/* a global lock before and after each of n hashed element locks: n instance cycles, one class sequence */
static void hashed(int n)
{
    char nm[32];
    rb_res(&R, 1, "lru", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "maintainer", TW_TASK_READY); rb_task(&R, 2, "worker", TW_TASK_READY);
    for (int i = 0; i < n; i++) {
        snprintf(nm, sizeof nm, "item_locks[%d]", i);
        rb_res(&R, 2 + i, nm, TW_RES_MUTEX, 1);
        rb_order(&R, 1, 2 + i, 1, 1, 1, 0, 0);
        rb_order(&R, 2 + i, 1, 1, 1, 2, 0, 0);
    }
}

Test(lock_order, a_hashed_array_in_both_orders_with_a_global_is_one_alert_with_a_count)
{
    rb_init(&R, &SZ);
    hashed(2000);
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"lock_order\""), 1, "%s", o);
    cr_assert(strstr(o, "2000 instance cycles"), "%s", o);
    cr_assert(strstr(o, "\"name\":\"lru\"},{\"resource\":2,\"name\":\"item_locks[0]\"}]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, distinct_named_locks_are_distinct_alerts)
{
    rb_init(&R, &SZ);
    const char *names[] = { "a", "b", "c", "d" };
    for (int i = 0; i < 4; i++) rb_res(&R, 1 + i, names[i], TW_RES_MUTEX, 1);
    rb_task(&R, 1, "t", TW_TASK_READY);
    rb_order(&R, 1, 2, 1, 1, 1, 0, 0); rb_order(&R, 2, 1, 1, 1, 1, 0, 0);
    rb_order(&R, 3, 4, 1, 1, 1, 0, 0); rb_order(&R, 4, 3, 1, 1, 1, 0, 0);
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"lock_order\""), 2, "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, address_named_locks_created_at_one_site_are_one_class)
{
    rb_init(&R, &SZ);
    uint32_t made = rb_site(&R, "items.c", 7, "pthread_mutex_lock");
    rb_res(&R, 1, "lru", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "t", TW_TASK_READY);
    for (int i = 0; i < 3; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "0x7fb4982fe3%02x", i * 40);
        rb_res(&R, 2 + i, nm, TW_RES_MUTEX, 1)->create_site = made;
        rb_order(&R, 1, 2 + i, 1, 1, 1, 0, 0);
        rb_order(&R, 2 + i, 1, 1, 1, 1, 0, 0);
    }
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"lock_order\""), 1, "%s", o);
    cr_assert(strstr(o, "3 instance cycles"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, a_trylock_held_lock_still_makes_real_edges_and_says_so)
{
    rb_init(&R, &SZ);
    rb_res(&R, 1, "a", TW_RES_MUTEX, 1); rb_res(&R, 2, "b", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "t", TW_TASK_READY);
    rb_order(&R, 1, 2, 1, 1, 1, TW_ORDER_HELD_TRY, 0);   /* a taken by trylock, then b locked */
    rb_order(&R, 2, 1, 1, 1, 1, 0, 0);
    char *o = run("alerts");
    cr_assert(strstr(o, "by trylock"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, a_certain_deadlock_is_not_also_a_lock_order_alert)
{
    rb_init(&R, &SZ);
    rb_res(&R, 1, "a", TW_RES_MUTEX, 1)->available = 0; rb_res(&R, 2, "b", TW_RES_MUTEX, 1)->available = 0;
    struct tw_task_rec *t1 = rb_task(&R, 1, "one", TW_TASK_WAITING), *t2 = rb_task(&R, 2, "two", TW_TASK_WAITING);
    rb_edge(t1, 1, TW_EDGE_HOLD, 1); rb_wait(t1, TW_WAIT_ACQUIRE, 2, 0);
    rb_edge(t2, 2, TW_EDGE_HOLD, 1); rb_wait(t2, TW_WAIT_ACQUIRE, 1, 0);
    char *o = run("alerts --json");
    cr_assert(strstr(o, "\"kind\":\"deadlock\""), "%s", o);
    cr_assert_eq(rb_count(o, "lock_order"), 0, "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, a_region_without_the_table_is_read_and_silent)
{
    rb_init(&R, &SZ);
    ring(2, 1);
    struct tw_header *h = rb_hdr(&R);
    h->abi_minor = 1;
    h->header_size = (uint32_t)offsetof(struct tw_header, orders);   /* an ABI 1.1 header */
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "lock_order"), 0, "%s", o);
    free(o);
    rb_free(&R);
}

Test(lock_order, a_corrupt_order_count_is_refused)
{
    rb_init(&R, &SZ);
    rb_hdr(&R)->orders.count = rb_hdr(&R)->orders.capacity + 1;
    int st; char err[256];
    twc_session *s = twc_open_region(rb_read, &R, 0, 0, &st, err, sizeof err);
    cr_assert_null(s);
    cr_assert(strstr(err, "lock-order"), "%s", err);
    rb_free(&R);
}

Test(lock_order, a_dense_graph_is_searched_within_bounds)
{
    /* every order between 40 locks: more elementary cycles than atoms in the sky */
    rb_init(&R, &SZ);
    char nm[16];
    for (int i = 0; i < 40; i++) { snprintf(nm, sizeof nm, "m%d", i); rb_res(&R, 1 + i, nm, TW_RES_MUTEX, 1); }
    rb_task(&R, 1, "t", TW_TASK_READY);
    for (int i = 0; i < 40; i++)
        for (int j = 0; j < 40; j++)
            if (i != j) rb_order(&R, 1 + i, 1 + j, 1, 1, 1, 0, 0);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    char *o = run("alerts --json");
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    cr_assert(s < 120.0, "took %.1f s", s);   /* a guard against an unbounded search, not a timing goal */
    cr_assert(strstr(o, "search bounded"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(alerts, full_tables_are_instrumentation_overflow_with_the_fix)
{
    rb_init(&R, &SZ);
    struct tw_header *h = rb_hdr(&R);
    h->orders.full = 7;
    h->overflow[TW_OVF_OBJECTS] = 3;
    h->overflow[TW_OVF_HELD] = 2;
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "\"kind\":\"instrumentation_overflow\""), 1, "%s", o);
    cr_assert(strstr(o, "7 lock-order edges not recorded (the table holds 4096: raise TW_MAX_LOCK_ORDERS)"), "%s", o);
    cr_assert(strstr(o, "3 synchronisation objects not tracked"), "%s", o);
    cr_assert(strstr(o, "2 acquisitions not recorded"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(alerts, no_full_table_no_overflow_alert)
{
    rb_init(&R, &SZ);
    char *o = run("alerts --json");
    cr_assert_eq(rb_count(o, "instrumentation_overflow"), 0, "%s", o);
    free(o);
    rb_free(&R);
}
