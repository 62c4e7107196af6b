/* Unit tests of the shim: what it writes into the region, observed the way a reader would.
 * Criterion runs each test in its own process, so each starts with no region. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "turbowish.h"

static char *base(void) { return (char *)tw_region; }
static struct tw_task_rec *task_slot(uint32_t i)
{
    return (struct tw_task_rec *)(base() + tw_region->tasks.offset + (size_t)i * tw_region->tasks.stride);
}
static struct tw_task_rec *task_by_handle(tw_task_t t) { return task_slot((uint32_t)(t >> 32) - 1); }
static struct tw_res_rec *res_by_handle(tw_res_t r)
{
    return (struct tw_res_rec *)(base() + tw_region->resources.offset + (size_t)((r >> 32) - 1) * tw_region->resources.stride);
}
static struct tw_ring_desc *ring(uint32_t i)
{
    return TW_RING_DESC(tw_region, i);
}
static struct tw_event *ring_event(struct tw_ring_desc *d, uint64_t n)
{
    return (struct tw_event *)(base() + d->offset) + (n % d->capacity);
}
static const char *str(uint32_t off) { return base() + tw_region->arena_offset + off; }

Test(region, is_created_lazily_with_magic_abi_and_name)
{
    cr_assert_null(tw_region, "no region before the first event");
    tw_task_t t = tw_task_spawn("first", TW_SITE("spawn"), 0);
    cr_assert_neq(t, 0);
    cr_assert_not_null(tw_region);
    cr_assert_eq(memcmp(tw_region->magic, "TURBOWSH", 8), 0);
    cr_assert_eq(tw_region->abi_major, TW_ABI_MAJOR);
    cr_assert_eq(tw_region->byte_order, TW_BYTE_ORDER_MARK);
    cr_assert_eq((uintptr_t)tw_region % 4096, 0, "region is page aligned");
    cr_assert_str_eq(str(task_by_handle(t)->name), "first");
    cr_assert_eq(task_by_handle(t)->state, TW_TASK_READY);
}

Test(ring, wraps_around_keeping_the_newest_events)
{
    setenv("TW_LOG_EVENTS", "16", 1);
    tw_task_t t = tw_task_spawn("looper", 0, 0);
    for (int i = 0; i < 20; i++) {
        tw_poll_begin(t);
        tw_poll_end(t, TW_POLL_READY);
    }
    struct tw_ring_desc *d = ring(0);
    cr_assert_eq(d->capacity, 16);
    cr_assert_eq(d->head, 41, "spawn + 40 poll events counted, got %lu", (unsigned long)d->head);
    /* the newest event is the last poll end, carrying the task's current version */
    struct tw_event *last = ring_event(d, d->head - 1);
    cr_assert_eq(last->type, TW_EV_POLL_END);
    cr_assert_eq(last->version, task_by_handle(t)->version);
    /* the oldest retained event is exactly head - capacity */
    struct tw_event *oldest = ring_event(d, d->head - 16);
    cr_assert_eq(oldest->version, task_by_handle(t)->version - 15);
    cr_assert_eq(tw_region->events_lost, 0);
}

static void *emit_some(void *arg)
{
    tw_task_t t = *(tw_task_t *)arg;
    for (int i = 0; i < 5; i++)
        tw_wake(t, 0);
    return NULL;
}

Test(ring, events_of_a_thread_without_a_ring_are_counted_as_lost)
{
    setenv("TW_MAX_THREADS", "1", 1);
    tw_task_t t = tw_task_spawn("t", 0, 0); /* main thread takes the only ring */
    pthread_t th;
    pthread_create(&th, NULL, emit_some, &t);
    pthread_join(th, NULL);
    cr_assert_eq(tw_region->events_lost, 5);
    cr_assert_eq(tw_region->rings.full, 1);
    cr_assert_eq(task_by_handle(t)->wakes, 5, "the model is still updated");
}

Test(ring, log_events_zero_keeps_the_model_without_history)
{
    setenv("TW_LOG_EVENTS", "0", 1);
    tw_task_t t = tw_task_spawn("t", 0, 0);
    tw_poll_begin(t);
    cr_assert_eq(task_by_handle(t)->state, TW_TASK_POLLING);
    /* the thread holds a directory entry without events: it counts what it did not keep */
    cr_assert_eq(tw_region->rings.count, 1);
    cr_assert_eq(ring(0)->capacity, 0);
    cr_assert_eq(ring(0)->head, 0);
    cr_assert_eq(ring(0)->dropped, 2, "spawn and poll begin counted, got %lu", (unsigned long)ring(0)->dropped);
    cr_assert_eq(tw_region->events_lost, 0, "nothing shared is written per event");
}

struct hammer { tw_res_t m; int n; };
static void *lock_unlock(void *arg)
{
    struct hammer *h = arg;
    tw_task_t t = tw_task_spawn("hammer", 0, 0);
    for (int i = 0; i < h->n; i++) {
        tw_acquire(t, h->m, 1);
        tw_release(t, h->m, 1);
    }
    return NULL;
}

Test(ordering, resource_versions_order_events_across_threads)
{
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "shared", 0, 0);
    struct hammer h = {m, 200};
    pthread_t a, b;
    pthread_create(&a, NULL, lock_unlock, &h);
    pthread_create(&b, NULL, lock_unlock, &h);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    uint32_t final = res_by_handle(m)->version;
    cr_assert_eq(final, 1 + 2 * 2 * 200);
    static char seen[1 + 801];
    unsigned n = 0;
    for (uint32_t i = 0; i < tw_region->rings.count; i++) {
        struct tw_ring_desc *d = ring(i);
        for (uint64_t k = 0; k < d->head; k++) {
            struct tw_event *e = ring_event(d, k);
            if ((e->flags & TW_EVF_RES_VERSION) && e->res == tw_res_id(m)) {
                cr_assert(e->version >= 1 && e->version <= final);
                cr_assert_eq(seen[e->version], 0, "version %u twice", e->version);
                seen[e->version] = 1;
                n++;
            }
        }
    }
    cr_assert_eq(n, final, "every version from 1 to %u exactly once (got %u)", final, n);
}

Test(model, edges_follow_acquire_release_and_handles)
{
    tw_task_t t = tw_task_spawn("holder", 0, 0);
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    tw_res_t c = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 4, "c", 0, 0);
    tw_acquire_request(t, m, 1, TW_SITE("lock(&m)"));
    struct tw_task_rec *r = task_by_handle(t);
    cr_assert_eq(r->wait_kind, TW_WAIT_ACQUIRE);
    cr_assert_eq(r->waiting_on, tw_res_id(m));
    tw_acquire(t, m, 1);
    cr_assert_eq(r->wait_kind, TW_WAIT_NONE, "acquiring ends the wait");
    cr_assert_eq(r->edges[0].res, tw_res_id(m));
    cr_assert_eq(r->edges[0].role, TW_EDGE_HOLD);
    cr_assert_eq(res_by_handle(m)->available, 0);
    tw_handle_add(t, c, TW_EDGE_SENDER);
    tw_handle_add(t, c, TW_EDGE_SENDER);
    cr_assert_eq(r->edges[1].count, 2);
    tw_release(t, m, 1);
    cr_assert_eq(r->edges[0].res, 0, "released edge is gone");
    cr_assert_eq(res_by_handle(m)->available, 1);
    tw_handle_drop(t, c, TW_EDGE_SENDER);
    tw_handle_drop(t, c, TW_EDGE_SENDER);
    cr_assert_eq(r->edges[1].res, 0);
    cr_assert_eq(tw_region->instr_errors, 0);
}

/* A lock whose real mutex orders its changes (TW_ACQ_OWNED, the pthread adapter's mutexes) is
 * written without locked instructions: the record and the events are the same as the general
 * path's, lock after lock, and a lock-order edge is still made when another lock is held. */
/* the edges of task record r, as (res, role, count) triples, in slot order */
static void edges_of(const struct tw_task_rec *r, uint32_t out[TW_MAX_EDGES][3])
{
    for (int i = 0; i < TW_MAX_EDGES; i++) {
        out[i][0] = r->edges[i].res;
        out[i][1] = r->edges[i].role;
        out[i][2] = r->edges[i].count;
    }
}

Test(model, owned_acquire_and_release_record_what_the_general_path_does)
{
    tw_task_t t = tw_task_spawn("holder", 0, 0);
    tw_res_t a = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "a", 0, 0);
    tw_res_t b = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "b", 0, 0);
    uint32_t site = TW_SITE("lock(&x)");
    /* the owned path takes the first free edge without looking further: with edges in use
     * before and after a hole, the task's edges are what the general path leaves */
    tw_res_t ch1 = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 4, "ch1", 0, 0);
    tw_res_t ch2 = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 4, "ch2", 0, 0);
    tw_task_t u = tw_task_spawn("general", 0, 0);
    for (int k = 0; k < 2; k++) {
        tw_task_t who = k ? t : u; /* t last: its record is the thread's hot one (the fast path) */
        tw_handle_add(who, ch1, TW_EDGE_SENDER);
        tw_handle_add(who, ch2, TW_EDGE_SENDER);
        tw_handle_drop(who, ch1, TW_EDGE_SENDER); /* a hole at edge 0, edge 1 in use */
    }
    uint32_t et[TW_MAX_EDGES][3], eu[TW_MAX_EDGES][3];
    tw_acquire_at(t, b, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
    tw_acquire_at(u, a, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE);
    edges_of(task_by_handle(t), et);
    edges_of(task_by_handle(u), eu);
    for (int i = 0; i < TW_MAX_EDGES; i++) {
        cr_assert_eq(et[i][0] == tw_res_id(b), eu[i][0] == tw_res_id(a), "edge %d: owned %u, general %u", i, et[i][0], eu[i][0]);
        cr_assert_eq(et[i][1], eu[i][1], "edge %d role", i);
        cr_assert_eq(et[i][2], eu[i][2], "edge %d count", i);
    }
    tw_release_how(t, b, 1, TW_ACQ_OWNED);
    tw_release(u, a, 1);
    edges_of(task_by_handle(t), et);
    edges_of(task_by_handle(u), eu);
    for (int i = 0; i < TW_MAX_EDGES; i++)
        cr_assert_eq(et[i][0] == 0, eu[i][0] == 0, "edge %d after release", i);
    for (int i = 0; i < 3; i++) {
        tw_acquire_at(t, a, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE);
        tw_release(t, a, 1);
        tw_acquire_at(t, b, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
        tw_release_how(t, b, 1, TW_ACQ_OWNED);
    }
    struct tw_res_rec *ra = res_by_handle(a), *rb = res_by_handle(b);
    cr_assert_eq(rb->available, ra->available);
    cr_assert_eq(rb->available, 1);
    cr_assert_eq(rb->version, ra->version, "owned %u, general %u", rb->version, ra->version);
    struct tw_ring_desc *d = ring(0);
    /* the last four events: a's acquire and release, then b's, alike but for the resource */
    for (int k = 0; k < 2; k++) {
        struct tw_event *ea = ring_event(d, d->head - 4 + k), *eb = ring_event(d, d->head - 2 + k);
        cr_assert_eq(eb->type, ea->type);
        cr_assert_eq(eb->flags, ea->flags);
        cr_assert_eq(eb->aux, ea->aux);
        cr_assert_eq(eb->version, ea->version);
        cr_assert_eq(eb->task, ea->task);
    }
    /* b taken while a is held: one order edge a -> b, whichever path took b */
    tw_acquire_at(t, a, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
    tw_acquire_at(t, b, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
    uint64_t key = (uint64_t)tw_res_id(a) << 32 | tw_res_id(b);
    int edges = 0;
    for (uint32_t i = 0; i < tw_region->orders.count; i++) {
        const struct tw_order_rec *o = (const void *)(base() + tw_region->orders.offset + (size_t)i * tw_region->orders.stride);
        edges += o->key == key;
    }
    cr_assert_eq(edges, 1, "lock-order edges a -> b: %d", edges);
    tw_release_how(t, b, 1, TW_ACQ_OWNED);
    tw_release_how(t, a, 1, TW_ACQ_OWNED);
    cr_assert_eq(ra->available, 1);
    /* an owned acquisition by a task that is not one of the thread's two cached ones takes the
     * general path: the same hold, count and event */
    tw_handle_add(u, ch1, TW_EDGE_SENDER);
    tw_task_t v = tw_task_spawn("third", 0, 0);
    tw_handle_add(v, ch1, TW_EDGE_SENDER);
    tw_acquire_at(t, b, 1, site, TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
    struct tw_event *cold = ring_event(d, d->head - 1), *hot = ring_event(d, d->head - 7);
    cr_assert_eq(cold->type, TW_EV_ACQUIRE);
    cr_assert_eq(cold->type, hot->type);
    cr_assert_eq(cold->flags, hot->flags);
    cr_assert_eq(cold->aux, hot->aux);
    cr_assert_eq(rb->available, 0);
    tw_release_how(t, b, 1, TW_ACQ_OWNED);
    cr_assert_eq(rb->available, 1);
    cr_assert_eq(tw_region->instr_errors, 0);
    /* an owned release of what the task does not hold is an error on the fast path too */
    tw_release_how(t, b, 1, TW_ACQ_OWNED);
    cr_assert_eq(rb->available, 1);
    cr_assert_eq(tw_region->instr_errors, 1);
}

/* A channel's sends and receives recorded under its own lock (tw_send_how / tw_recv_how with
 * TW_ACQ_OWNED, plain stores) leave the record, the waits and the events the general path
 * (tw_send / tw_recv, locked instructions) leaves. */
Test(model, owned_messages_record_what_the_general_path_does)
{
    tw_task_t rx[2] = { tw_task_spawn("receiver", 0, 0), tw_task_spawn("receiver", 0, 0) };
    tw_task_t u = tw_task_spawn("sender", 0, 0);
    tw_res_t a = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 2, "general", 0, 0);
    tw_res_t b = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 2, "owned", 0, 0);
    uint32_t site = TW_SITE("recv(&c)");
    struct tw_event ev[2][5];
    for (int k = 0; k < 2; k++) {
        tw_res_t c = k ? b : a;
        tw_task_t t = rx[k];
        tw_block_empty(t, c, site);
        if (k) tw_send_how(u, c, TW_ACQ_OWNED); else tw_send(u, c);
        if (k) tw_send_how(u, c, TW_ACQ_OWNED); else tw_send(u, c);
        cr_assert_eq(res_by_handle(c)->queued, 2, "%s: two queued", k ? "owned" : "general");
        if (k) tw_recv_how(t, c, TW_ACQ_OWNED); else tw_recv(t, c);   /* ends t's wait */
        if (k) tw_recv_how(t, c, TW_ACQ_OWNED); else tw_recv(t, c);
        struct tw_ring_desc *d = ring(0);
        for (int i = 0; i < 5; i++) ev[k][i] = *ring_event(d, d->head - 5 + i);
        cr_assert_eq(task_by_handle(t)->waiting_on, 0, "the receive ended the wait");
    }
    struct tw_res_rec *ra = res_by_handle(a), *rb = res_by_handle(b);
    cr_assert_eq(rb->queued, ra->queued);
    cr_assert_eq(rb->queued, 0);
    cr_assert_eq(rb->version, ra->version, "owned %u, general %u", rb->version, ra->version);
    for (int i = 0; i < 5; i++) {
        const struct tw_event *g = &ev[0][i], *o = &ev[1][i];
        cr_assert_eq(o->type, g->type, "event %d", i);
        cr_assert_eq(o->flags, g->flags, "event %d", i);
        cr_assert_eq(o->aux, g->aux, "event %d", i);
        cr_assert_eq(o->task == tw_task_id(rx[1]), g->task == tw_task_id(rx[0]), "event %d", i);
        cr_assert_eq(o->res, tw_res_id(b), "event %d", i);
        cr_assert_eq(TW_WAIT_KIND(o->old), TW_WAIT_KIND(g->old), "event %d: the wait it replaced", i);
        cr_assert_eq(TW_WAIT_ON(o->old) == tw_res_id(b), TW_WAIT_ON(g->old) == tw_res_id(a), "event %d", i);
        cr_assert_eq(o->version, g->version, "event %d", i);
    }
    tw_send_how(u, b, 0);   /* how 0: the general path */
    cr_assert_eq(rb->queued, 1);
    tw__message(u, b, TW_EV_ACQUIRE, TW_ACQ_OWNED);   /* not a message: an error, not applied */
    cr_assert_eq(rb->queued, 1);
    cr_assert_eq(tw_region->instr_errors, 1);
}

/* A wait's waker folded into its first and last events (TW_ACQ_WAKER, TW_AWAIT_WAKER) leaves
 * the record the unfolded calls leave (wait, wakers alive, queue), in one event each instead of
 * two: a blocking receive, a blocking send and a join, each both ways. */
struct wait_facts { uint32_t waiting_on, await_site; uint8_t wait_kind; int32_t wakers; int64_t queued; };
static struct wait_facts facts_of(tw_task_t t, tw_res_t c)
{
    const struct tw_task_rec *r = task_by_handle(t);
    return (struct wait_facts){ r->waiting_on, r->await_site, r->wait_kind, r->wakers_alive, c ? res_by_handle(c)->queued : 0 };
}
static void same_facts(struct wait_facts f, struct wait_facts u, uint32_t f_on, uint32_t u_on, const char *when)
{
    cr_assert_eq(f.waiting_on == f_on, u.waiting_on == u_on, "%s: waiting on", when);
    cr_assert_eq(f.await_site, u.await_site, "%s: site", when);
    cr_assert_eq(f.wait_kind, u.wait_kind, "%s: kind", when);
    cr_assert_eq(f.wakers, u.wakers, "%s: wakers alive folded %d, unfolded %d", when, f.wakers, u.wakers);
    cr_assert_eq(f.queued, u.queued, "%s: queued", when);
}

Test(model, a_waker_folded_into_its_wait_records_what_the_waker_events_do)
{
    uint32_t site = TW_SITE("recv(&c)");
    tw_task_t peer = tw_task_spawn("peer", 0, 0);
    for (int type = TW_EV_BLOCK_FULL; type <= TW_EV_BLOCK_EMPTY; type++) {
        tw_task_t f = tw_task_spawn("folded", 0, 0), u = tw_task_spawn("unfolded", 0, 0);
        tw_res_t cf = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "cf", 0, 0);
        tw_res_t cu = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "cu", 0, 0);
        int full = type == TW_EV_BLOCK_FULL;
        if (full) { tw_send(peer, cf); tw_send(peer, cu); }
        struct tw_ring_desc *d = ring(0);
        uint64_t h0 = d->head;
        if (full) tw_block_full(u, cu, site); else tw_block_empty(u, cu, site);
        tw_waker(u, TW_EV_WAKER_CREATE, 0);
        cr_assert_eq(d->head - h0, 2);
        h0 = d->head;
        if (full) tw_block_full_how(f, cf, site, TW_ACQ_WAKER); else tw_block_empty_how(f, cf, site, TW_ACQ_WAKER);
        cr_assert_eq(d->head - h0, 1, "one event for the wait and its waker");
        const struct tw_event *e = ring_event(d, d->head - 1);
        cr_assert_eq(e->type, type);
        cr_assert_eq(e->flags, TW_EVF_WAKER);
        same_facts(facts_of(f, cf), facts_of(u, cu), tw_res_id(cf), tw_res_id(cu), "blocked");
        cr_assert_eq(facts_of(f, cf).wakers, 1);
        /* the peer makes room / sends; the waiter's own event ends the wait */
        if (full) { tw_recv(peer, cf); tw_recv(peer, cu); } else { tw_send(peer, cf); tw_send(peer, cu); }
        h0 = d->head;
        tw_waker(u, TW_EV_WAKER_DROP, 0);
        if (full) tw_send_how(u, cu, TW_ACQ_OWNED); else tw_recv_how(u, cu, TW_ACQ_OWNED);
        cr_assert_eq(d->head - h0, 2);
        h0 = d->head;
        if (full) tw_send_how(f, cf, TW_ACQ_OWNED | TW_ACQ_WAKER); else tw_recv_how(f, cf, TW_ACQ_OWNED | TW_ACQ_WAKER);
        cr_assert_eq(d->head - h0, 1, "one event for the message and the waker's end");
        e = ring_event(d, d->head - 1);
        cr_assert_eq(e->flags, TW_EVF_RES_VERSION | TW_EVF_WAKER);
        cr_assert_eq(TW_WAIT_KIND(e->old), full ? TW_WAIT_SEND : TW_WAIT_RECV, "the wait it ended, for undo");
        same_facts(facts_of(f, cf), facts_of(u, cu), 0, 0, "resumed");
        cr_assert_eq(facts_of(f, cf).wakers, 0);
        cr_assert_eq(res_by_handle(cf)->version, res_by_handle(cu)->version);
        /* one task event fewer each way: the folded task's version is two behind */
        cr_assert_eq(task_by_handle(f)->version + 1, task_by_handle(u)->version - 1);
    }
    /* a join: AWAIT_BEGIN with TW_AWAIT_WAKER, AWAIT_END with TW_ACQ_WAKER */
    tw_task_t f = tw_task_spawn("folded", 0, 0), u = tw_task_spawn("unfolded", 0, 0);
    tw_await_begin(u, site, TW_WAIT_JOIN, tw_task_id(peer), 0);
    tw_waker(u, TW_EV_WAKER_CREATE, 0);
    tw_await_begin(f, site, TW_WAIT_JOIN, tw_task_id(peer), TW_AWAIT_WAKER);
    struct tw_ring_desc *d = ring(0);
    cr_assert_eq(ring_event(d, d->head - 1)->flags & (TW_EVF_WAKER | TW_EVF_TIMED), TW_EVF_WAKER);
    same_facts(facts_of(f, 0), facts_of(u, 0), tw_task_id(peer), tw_task_id(peer), "joining");
    cr_assert_eq(facts_of(f, 0).wakers, 1);
    tw_waker(u, TW_EV_WAKER_DROP, 0);
    tw_await_end(u);
    tw_await_end_how(f, TW_ACQ_WAKER);
    cr_assert_eq(ring_event(d, d->head - 1)->flags, TW_EVF_WAKER);
    same_facts(facts_of(f, 0), facts_of(u, 0), 0, 0, "joined");
    cr_assert_eq(facts_of(f, 0).wakers, 0);
    cr_assert_eq(tw_region->instr_errors, 0);
}

/* Events recorded at once after another of the same thread (TW_ACQ_SAME_TIME: a runtime's poll
 * end right after the block that suspended the task, the wake right after the send that
 * completes a wait, the next poll's start, the message that ends the wait) take that event's
 * time instead of reading the clock, and leave exactly the records and events the plain calls
 * leave: a blocked receive's whole cycle, once each way. */
static uint64_t head0(void) { return ring(0)->head; }
static const struct tw_event *ev_at(uint64_t n) { return ring_event(ring(0), n); }
static void one_cycle(tw_task_t x, tw_task_t peer, tw_res_t c, uint32_t site, int how)
{
    tw_poll_begin_how(x, how);
    tw_block_empty_how(x, c, site, TW_ACQ_WAKER);
    tw_poll_end_how(x, TW_POLL_PENDING, how);
    tw_send(peer, c);
    tw_wake_how(x, peer, how);
    tw_poll_begin_how(x, how);
    tw_recv_how(x, c, TW_ACQ_OWNED | TW_ACQ_WAKER | how);
}

Test(model, events_at_once_after_another_share_its_time_and_record_the_same_facts)
{
    uint32_t site = TW_SITE("recv(&c)");
    tw_task_t peer = tw_task_spawn("peer", 0, 0);
    tw_task_t f = tw_task_spawn("same-time", 0, 0), u = tw_task_spawn("own-clock", 0, 0);
    tw_res_t cf = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "cf", 0, 0);
    tw_res_t cu = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "cu", 0, 0);
    uint64_t hu = head0();
    one_cycle(u, peer, cu, site, 0);
    uint64_t hf = head0();
    one_cycle(f, peer, cf, site, TW_ACQ_SAME_TIME);
    cr_assert_eq(head0() - hf, hf - hu, "as many events each way");
    for (uint64_t i = 0; i < hf - hu; i++) {
        const struct tw_event *a = ev_at(hu + i), *b = ev_at(hf + i);
        cr_assert_eq(b->type, a->type, "event %lu", (unsigned long)i);
        cr_assert_eq(b->flags, a->flags, "event %lu", (unsigned long)i);
        cr_assert_eq(b->aux, a->aux, "event %lu", (unsigned long)i);
        cr_assert_eq(b->version, a->version, "event %lu", (unsigned long)i);
        if (b->type == TW_EV_RECV) { /* the wait it ended: on each its own channel */
            cr_assert_eq(b->old & ~0xffffffffull, a->old & ~0xffffffffull, "the wait the receive replaced");
            cr_assert_eq(TW_WAIT_ON(b->old), tw_res_id(cf));
            cr_assert_eq(TW_WAIT_ON(a->old), tw_res_id(cu));
        } else {
            cr_assert_eq(b->old, a->old, "event %lu: what it replaced", (unsigned long)i);
        }
        cr_assert_eq(b->task == tw_task_id(f), a->task == tw_task_id(u), "event %lu", (unsigned long)i);
        /* every event of the cycle but the block and the peer's send took the time before it */
        if (b->type != TW_EV_BLOCK_EMPTY && b->type != TW_EV_SEND && i > 0)
            cr_assert_eq(b->ts, ev_at(hf + i - 1)->ts, "event %lu (type %u) shares the time before it",
                         (unsigned long)i, b->type);
    }
    const struct tw_task_rec *rf = task_by_handle(f), *ru = task_by_handle(u);
    cr_assert_eq(rf->state, ru->state);
    cr_assert_eq(rf->state, TW_TASK_POLLING);
    cr_assert_eq(rf->version, ru->version);
    cr_assert_eq(rf->polls, 2);
    cr_assert_eq(rf->wakes, ru->wakes);
    cr_assert_eq(rf->wakers_alive, 0);
    cr_assert_eq(rf->wait_kind, TW_WAIT_NONE);
    cr_assert_eq(rf->await_site, ru->await_site);
    cr_assert_eq(res_by_handle(cf)->queued, 0);
    cr_assert_eq(res_by_handle(cf)->version, res_by_handle(cu)->version);
    /* the polls ended, one each way, in the histogram (its bucket is the host's to decide) */
    uint32_t pf = 0, pu = 0;
    for (int b = 0; b < TW_HIST_BUCKETS; b++) { pf += rf->poll_hist[b]; pu += ru->poll_hist[b]; }
    cr_assert_eq(pf, pu, "polls ended: %u and %u", pf, pu);
    cr_assert_eq(pf, 1);
    cr_assert_eq(tw_region->instr_errors, 0);
}

/* A block folded into the poll's end (tw_poll_end_blocked, ABI 1.6) leaves the record that the
 * block, the saved registers and the poll's end leave (wait, waker, state, context, polls), in one
 * event whose fields undo it; a task that already waits gets the two events instead. Both wait
 * kinds. */
Test(model, a_block_folded_into_the_polls_end_records_what_the_two_events_do)
{
    uint32_t site = TW_SITE("recv(&c)");
    struct tw_context ctx = { .rip = 0x1234, .rsp = 0x5678, .rbp = 0x9abc, .stack_lo = 0x1000, .stack_hi = 0x9000 };
    for (int kind = TW_WAIT_RECV; kind <= TW_WAIT_SEND; kind++) {
        tw_task_t f = tw_task_spawn("folded", 0, 0), u = tw_task_spawn("two-events", 0, 0);
        tw_res_t cf = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "cf", 0, 0);
        tw_res_t cu = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "cu", 0, 0);
        tw_poll_begin(u);
        if (kind == TW_WAIT_RECV) tw_block_empty_how(u, cu, site, TW_ACQ_WAKER); else tw_block_full_how(u, cu, site, TW_ACQ_WAKER);
        tw_task_context(u, &ctx);
        tw_poll_end(u, TW_POLL_PENDING);
        tw_poll_begin(f);
        uint64_t h0 = head0();
        tw_poll_end_blocked(f, cf, kind, site, TW_ACQ_WAKER, &ctx);
        cr_assert_eq(head0() - h0, 1, "one event");
        const struct tw_event *e = ev_at(head0() - 1);
        cr_assert_eq(e->type, TW_EV_POLL_END);
        cr_assert_eq(e->flags, (uint8_t)(kind << 4 | TW_EVF_WAKER));
        cr_assert_eq(e->res, tw_res_id(cf));
        cr_assert_eq(e->aux, TW_POLL_PENDING | TW_TASK_WAITING << 8);
        cr_assert_eq(e->old & 0xff, TW_TASK_POLLING, "the state it replaced");
        cr_assert_eq(TW_POLL_END_WAIT_SITE(e->old), site);
        const struct tw_task_rec *rf = task_by_handle(f), *ru = task_by_handle(u);
        cr_assert_eq(TW_POLL_END_PREV_SITE(e->old), 0, "no await before");
        cr_assert_eq(rf->state, ru->state);
        cr_assert_eq(rf->wait_kind, ru->wait_kind);
        cr_assert_eq(rf->wait_kind, kind);
        cr_assert_eq(rf->waiting_on, tw_res_id(cf));
        cr_assert_eq(ru->waiting_on, tw_res_id(cu));
        cr_assert_eq(rf->await_site, ru->await_site);
        cr_assert_eq(rf->wakers_alive, ru->wakers_alive);
        cr_assert_eq(rf->wakers_alive, 1);
        cr_assert_eq(rf->flags, ru->flags);
        cr_assert(rf->flags & TW_TF_CTX_VALID);
        cr_assert_eq(memcmp(&rf->ctx, &ru->ctx, sizeof ctx), 0, "the registers");
        cr_assert_eq(rf->polls, ru->polls);
        cr_assert_eq(rf->version + 1, ru->version, "one version step for both");
        /* a task that waits already: the two events, as the calls they stand for */
        tw_poll_begin(f);
        h0 = head0();
        tw_poll_end_blocked(f, cf, kind, site, TW_ACQ_WAKER, NULL);
        cr_assert_eq(head0() - h0, 2, "a block and a poll end");
        cr_assert_eq(ev_at(h0)->type, kind == TW_WAIT_RECV ? TW_EV_BLOCK_EMPTY : TW_EV_BLOCK_FULL);
        cr_assert_eq(ev_at(h0 + 1)->type, TW_EV_POLL_END);
        cr_assert_eq(ev_at(h0 + 1)->flags, 0);
        cr_assert_eq(rf->wakers_alive, 2);
    }
    cr_assert_eq(tw_region->instr_errors, 0);
}

static tw_task_t parker;
static void *park_elsewhere(void *arg)
{
    (void)arg;
    tw_poll_begin(parker);
    tw_poll_end(parker, TW_POLL_PENDING);
    return NULL;
}

/* The time shared is this thread's last event's: a waker that spun for the woken task's lock
 * may find it parked by another thread after its own send. The wake then reads the clock: it
 * never precedes the task's last state change (whose time the record's idle time counts from). */
Test(model, a_shared_time_never_precedes_the_woken_tasks_last_change)
{
    tw_task_t peer = tw_task_spawn("peer", 0, 0);
    parker = tw_task_spawn("parker", 0, 0);
    tw_res_t c = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 1, "c", 0, 0);
    tw_send(peer, c);   /* this thread's last event, before the task parks */
    uint64_t sent = ev_at(head0() - 1)->ts;
    pthread_t th;
    pthread_create(&th, NULL, park_elsewhere, NULL);
    pthread_join(th, NULL);
    const struct tw_task_rec *r = task_by_handle(parker);
    cr_assert_eq(r->state, TW_TASK_WAITING);
    cr_assert_gt(r->state_ts, sent, "parked after the send");
    uint64_t idle0 = r->idle;
    tw_wake_how(parker, peer, TW_ACQ_SAME_TIME);
    const struct tw_event *w = ev_at(head0() - 1);
    cr_assert_eq(w->type, TW_EV_WAKE);
    cr_assert_geq(w->ts, r->state_ts, "the wake is not before the park");
    cr_assert_lt(r->idle - idle0, 1000000000000ull, "idle time did not wrap: %lu", (unsigned long)(r->idle - idle0));
    cr_assert_eq(r->state, TW_TASK_READY);
}

Test(model, bad_calls_are_counted_never_applied)
{
    tw_task_t t = tw_task_spawn("t", 0, 0);
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    tw_release(t, m, 1);                        /* not held */
    tw_poll_begin(((uint64_t)77 << 32) | 99);   /* unknown handle */
    tw_poll_begin(0xdeadbeefdeadbeefull);       /* garbage handle */
    tw_task_name(t, NULL);                      /* NULL name */
    tw_handle_drop(t, m, TW_EDGE_SENDER);       /* no such handle */
    cr_assert_eq(tw_region->instr_errors, 5);
    cr_assert_eq(res_by_handle(m)->available, 1, "the model is untouched");
    cr_assert_eq(task_by_handle(t)->state, TW_TASK_READY);
}

Test(model, full_tables_are_counted_not_crashing)
{
    setenv("TW_MAX_TASKS", "4", 1);
    setenv("TW_MAX_RESOURCES", "2", 1);
    int got = 0;
    for (int i = 0; i < 10; i++)
        got += tw_task_spawn("t", 0, 0) != 0;
    for (int i = 0; i < 5; i++)
        tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    cr_assert_eq(got, 4);
    cr_assert_eq(tw_region->tasks.full, 6);
    cr_assert_eq(tw_region->resources.full, 3);
    cr_assert_eq(tw_region->resources.count, 2, "count never exceeds capacity");
    tw_poll_begin(0); /* the 0 handle a full table returns is accepted and ignored */
}

Test(model, done_slots_are_reused_when_the_table_is_full)
{
    setenv("TW_MAX_TASKS", "2", 1);
    tw_task_t a = tw_task_spawn("a", 0, 0);
    tw_task_spawn("b", 0, 0);
    tw_task_done(a, 0);
    tw_task_t c = tw_task_spawn("c", 0, 0);
    cr_assert_neq(c, 0);
    cr_assert_eq(tw_task_id(c), 3, "ids are never reused");
    cr_assert_str_eq(str(task_by_handle(c)->name), "c");
    /* the old handle is stale now — and it is this thread's cached last task, whose record is
     * c's now: the cache must not hand it out */
    tw_poll_begin(a);
    cr_assert_eq(tw_region->instr_errors, 1);
}

/* The same with the stale handle in the cache's older entry (a worker's two alternating tasks:
 * both stay cached): its slot holds another task now, and the entry must not hand it out. */
Test(model, a_reused_slot_is_not_handed_out_by_the_older_cache_entry)
{
    setenv("TW_MAX_TASKS", "2", 1);
    tw_task_t a = tw_task_spawn("a", 0, 0), b = tw_task_spawn("b", 0, 0);
    for (int i = 0; i < 3; i++) { /* alternating: both hit the cache */
        tw_poll_begin(a); tw_poll_end(a, TW_POLL_READY);
        tw_poll_begin(b); tw_poll_end(b, TW_POLL_READY);
    }
    cr_assert_eq(task_by_handle(a)->polls, 3);
    cr_assert_eq(task_by_handle(b)->polls, 3);
    tw_task_done(a, 0);   /* b stays the newest entry, a the older one */
    tw_poll_begin(b); tw_poll_end(b, TW_POLL_READY);
    tw_task_t c = tw_task_spawn("c", 0, 0);
    cr_assert_eq((uint32_t)(c >> 32), (uint32_t)(a >> 32), "c took a's slot");
    tw_poll_begin(a);
    cr_assert_eq(tw_region->instr_errors, 1, "the stale handle is an error");
    cr_assert_eq(task_by_handle(c)->polls, 0, "and c's record is untouched");
    cr_assert_eq(task_by_handle(c)->state, TW_TASK_READY);
}

/* pages of the region [off, off + len) that are in memory */
static size_t resident_pages(uint64_t off, uint64_t len)
{
    unsigned char v[64];
    uint64_t from = off & ~4095ull, n = (off + len - from + 4095) / 4096;
    cr_assert_leq(n, sizeof v);
    cr_assert_eq(mincore(base() + from, n * 4096, v), 0);
    size_t k = 0;
    for (uint64_t i = 0; i < n; i++) k += v[i] & 1;
    return k;
}

Test(model, fresh_records_are_populated_a_block_ahead)
{
    /* the first spawn populates the first two 64 KiB blocks of the task table, not a page at a
     * time as each record is first written; what lies beyond stays unallocated */
    tw_task_spawn("first", 0, 0);
    uint64_t off = tw_region->tasks.offset;
    uint64_t ahead = ((off / 65536) + 2) * 65536 - off;   /* bytes to the end of the next block */
    cr_assert_eq(resident_pages(off + ahead - 4096, 4096), 1, "the block after the first record's is populated");
    cr_assert_eq(resident_pages(off + ahead + 65536, 4096), 0, "two blocks ahead is not");
    /* taking the first record of the next block populates the one after it */
    uint32_t per = (uint32_t)((((off / 65536) + 1) * 65536 - off + tw_region->tasks.stride - 1) / tw_region->tasks.stride);
    for (uint32_t i = 1; i <= per; i++) tw_task_spawn("more", 0, 0);
    cr_assert_eq(resident_pages(off + ahead + 65536 - 4096, 4096), 1, "taking a block's first record populates the next");
}

Test(disable, tw_disable_records_nothing)
{
    setenv("TW_DISABLE", "1", 1);
    cr_assert_eq(tw_task_spawn("t", TW_SITE("x"), 0), 0);
    cr_assert_eq(tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0), 0);
    cr_assert_null(tw_region);
    cr_assert_eq(tw_state, -1);
}

Test(fork, child_never_writes_into_the_parent_region)
{
    tw_task_t t = tw_task_spawn("parent-task", 0, 0);
    struct tw_header *parent = tw_region;
    uint32_t tasks_before = parent->tasks.count;
    uint64_t head_before = ring(0)->head;
    pid_t p = fork();
    if (p == 0) {
        /* the parent's handle is meaningless here: counted in the child's own region */
        tw_poll_begin(t);
        tw_task_t c = tw_task_spawn("child-task", 0, 0);
        _exit(c != 0 && tw_region != NULL && tw_region->pid == getpid() ? 0 : 1);
    }
    int st;
    waitpid(p, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child got its own region");
    cr_assert_eq(parent->tasks.count, tasks_before);
    cr_assert_eq(ring(0)->head, head_before);
    cr_assert_eq(task_by_handle(t)->polls, 0);
}

/* A reader copying a record while its writer updates it must either see the seqlock odd or
 * changed (torn) or get a consistent record: version and polls always agree. */
static volatile int stop_writer;
static void *poll_forever(void *arg)
{
    tw_task_t t = *(tw_task_t *)arg;
    while (!stop_writer) {
        tw_poll_begin(t);
        tw_poll_end(t, TW_POLL_READY);
    }
    return NULL;
}

Test(seqlock, readers_detect_torn_records)
{
    tw_task_t t = tw_task_spawn("busy", 0, 0);
    struct tw_task_rec *live = task_by_handle(t);
    pthread_t w;
    pthread_create(&w, NULL, poll_forever, &t);
    unsigned consistent = 0, torn = 0;
    for (int i = 0; i < 200000; i++) {
        struct tw_task_rec copy;
        uint32_t s1 = __atomic_load_n(&live->seq, __ATOMIC_ACQUIRE);
        memcpy(&copy, live, sizeof copy);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t s2 = __atomic_load_n(&live->seq, __ATOMIC_RELAXED);
        if ((s1 & 1) || s1 != s2) {
            torn++;
            continue;
        }
        consistent++;
        /* spawn is version 1; each poll adds begin (+1) and end (+1) */
        uint64_t expect = copy.state == TW_TASK_POLLING ? 2 * copy.polls : 2 * copy.polls + 1;
        cr_assert_eq(copy.version, expect, "consistent read with version %u polls %lu state %u",
                     copy.version, (unsigned long)copy.polls, copy.state);
    }
    stop_writer = 1;
    pthread_join(w, NULL);
    cr_assert_gt(consistent, 0);
    cr_log_info("seqlock: %u consistent, %u torn reads", consistent, torn);
}

Test(control, only_well_formed_requests_for_live_tasks_are_taken)
{
    tw_task_t t = tw_task_spawn("t", 0, 0);
    struct tw_control *c = (struct tw_control *)(base() + tw_region->control_offset);
    uint32_t id;
    int op;
    cr_assert_eq(tw_control_take(&id, &op), 0);
    c->slot[0] = (typeof(c->slot[0])){TW_CTL_POSTED, 99, tw_task_id(t), 0};     /* bad op */
    c->slot[1] = (typeof(c->slot[1])){TW_CTL_POSTED, TW_CTL_PAUSE, 12345, 0};   /* unknown task */
    c->slot[2] = (typeof(c->slot[2])){TW_CTL_POSTED, TW_CTL_PAUSE, tw_task_id(t), 0};
    c->futex++;
    cr_assert_eq(tw_control_take(&id, &op), 1);
    cr_assert_eq(id, tw_task_id(t));
    cr_assert_eq(op, TW_CTL_PAUSE);
    cr_assert_eq(c->slot[0].state, TW_CTL_REJECTED);
    cr_assert_eq(c->slot[1].state, TW_CTL_REJECTED);
    cr_assert_eq(tw_control_take(&id, &op), 0, "each request is taken once");
}

/* ---- calling context (TW_BACKTRACE) ---- */

uint32_t tw__stack_intern(const uint64_t *pc, uint32_t depth); /* shim-internal, linked statically */

static struct tw_stack_rec *stack_rec(uint32_t i)
{
    return (struct tw_stack_rec *)(base() + tw_region->stacks.offset + (size_t)i * tw_region->stacks.stride);
}
/* Two call sites that block: their callers' stacks differ in the first return address. */
static __attribute__((noinline)) void block_here(tw_task_t t, tw_res_t m)
{
    tw_acquire_request(t, m, 1, 0);
    __asm__ volatile("" ::: "memory"); /* keep the call from becoming a tail call */
}
static __attribute__((noinline)) void block_there(tw_task_t t, tw_res_t m)
{
    tw_acquire_request(t, m, 1, 0);
    __asm__ volatile("" ::: "memory");
}
static int pc_in(uint64_t pc, void (*fn)(tw_task_t, tw_res_t))
{
    uintptr_t f = (uintptr_t)fn;
    return pc > f && pc < f + 128;
}

Test(backtrace, fp_the_same_stack_twice_is_one_id_in_the_callers_code)
{
    setenv("TW_BACKTRACE", "fp", 1);
    tw_task_t t = tw_task_spawn("t", 0, 0);
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    cr_assert_eq(tw_region->backtrace, TW_BT_FP);
    struct tw_task_rec *r = task_by_handle(t);
    cr_assert_neq(r->spawn_stack, 0, "spawn records the spawner's stack");
    uint32_t ids[3];
    for (int i = 0; i < 3; i++) {
        block_here(t, m);
        ids[i] = r->block_stack;
    }
    cr_assert_neq(ids[0], 0);
    cr_assert(ids[0] == ids[1] && ids[1] == ids[2], "one id for one stack (%u %u %u)", ids[0], ids[1], ids[2]);
    struct tw_stack_rec *s = stack_rec(ids[0]);
    cr_assert(s->depth >= 2 && s->depth <= TW_STACK_DEPTH, "depth %u", s->depth);
    cr_assert(pc_in(s->pc[0], block_here), "innermost frame is the caller's, not the shim's (pc 0x%llx, block_here %p)",
              (unsigned long long)s->pc[0], (void *)block_here);
    cr_assert_lt(ids[0], tw_region->stacks.count, "count is a high-water mark above every used index");
    block_there(t, m);
    cr_assert_neq(r->block_stack, ids[0], "another call site is another stack");
    cr_assert(pc_in(stack_rec(r->block_stack)->pc[0], block_there));
    tw_await_begin(t, 0, TW_WAIT_PARK, 0, 0);
    cr_assert_neq(r->block_stack, 0, "awaits record the blocking stack too");
    cr_assert_eq(tw_region->stacks.full, 0);
}

Test(backtrace, a_full_table_gives_0_and_counts_it)
{
    setenv("TW_BACKTRACE", "fp", 1);
    setenv("TW_MAX_STACKS", "2", 1); /* index 0 reserved: one slot */
    tw_task_t t = tw_task_spawn("t", 0, 0);
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    struct tw_task_rec *r = task_by_handle(t);
    uint32_t lost = (uint32_t)tw_region->stacks.full;   /* the spawn's stack took the slot */
    cr_assert_eq(r->spawn_stack, 1);
    block_here(t, m);
    cr_assert_eq(r->block_stack, 0, "no room: no stack, the event still recorded");
    cr_assert_eq(r->wait_kind, TW_WAIT_ACQUIRE);
    cr_assert_eq(tw_region->stacks.full, lost + 1);
    cr_assert_eq(tw_region->stacks.count, 2, "count never exceeds capacity");
}

Test(backtrace, interning_never_waits_for_a_slot_being_written)
{
    setenv("TW_BACKTRACE", "fp", 1);
    tw_task_spawn("t", 0, 0);
    uint64_t pc[3] = {0x401000, 0x402000, 0x403000};
    uint32_t a = tw__stack_intern(pc, 3);
    cr_assert_neq(a, 0);
    cr_assert_eq(tw__stack_intern(pc, 3), a);
    cr_assert_eq(stack_rec(a)->depth, 3);
    stack_rec(a)->depth = 0;                 /* as if another thread were still writing it */
    uint32_t b = tw__stack_intern(pc, 3);
    cr_assert(b != 0 && b != a, "probes on and stores a duplicate (a %u, b %u)", a, b);
    cr_assert_eq(tw__stack_intern(pc, 0), 0, "an empty stack is no stack");
}

Test(backtrace, off_by_default_records_no_stack)
{
    unsetenv("TW_BACKTRACE");
    tw_task_t t = tw_task_spawn("t", 0, 0);
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    block_here(t, m);
    tw_await_begin(t, 0, TW_WAIT_PARK, 0, 0);
    cr_assert_eq(tw_region->backtrace, TW_BT_OFF);
    cr_assert_eq(task_by_handle(t)->spawn_stack, 0);
    cr_assert_eq(task_by_handle(t)->block_stack, 0);
    cr_assert_eq(tw_region->stacks.count, 1, "nothing interned");
}

Test(backtrace, unwind_mode_records_the_same_caller_frame)
{
    setenv("TW_BACKTRACE", "unwind", 1);
    tw_task_t t = tw_task_spawn("t", 0, 0);
    tw_res_t m = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "m", 0, 0);
    cr_assert(tw_region->backtrace == TW_BT_UNWIND || tw_region->backtrace == TW_BT_FP);
    if (tw_region->backtrace != TW_BT_UNWIND)
        cr_log_warn("libunwind.so.8 not loadable here: fell back to fp (header.backtrace = 1)");
    block_here(t, m);
    uint32_t id = task_by_handle(t)->block_stack;
    cr_assert_neq(id, 0);
    cr_assert(pc_in(stack_rec(id)->pc[0], block_here), "the shim's and libunwind's own frames are left out");
    cr_assert_geq(stack_rec(id)->depth, 2);
}

/* Code built without frame pointers leaves anything in rbp: the walk must stop at the first link
 * it cannot trust, never follow it. A fake stack: frames are [caller's rbp, return address]. */
uint32_t tw__stack_capture(void *frame, uint64_t lo, uint64_t hi); /* shim-internal */
static uint32_t walk_depth(uintptr_t *frame, uint64_t lo, uint64_t hi)
{
    uint32_t id = tw__stack_capture(frame, lo, hi);
    return id ? stack_rec(id)->depth : 0;
}
Test(backtrace, fp_walk_stops_at_every_untrustworthy_link)
{
    setenv("TW_BACKTRACE", "fp", 1);
    tw_task_spawn("t", 0, 0); /* creates the region in fp mode */
    static uintptr_t stk[64] __attribute__((aligned(16)));
    uint64_t lo = (uintptr_t)stk, hi = (uintptr_t)(stk + 64);
    for (int i = 0; i < 64; i++) stk[i] = 0;
    /* a good chain of three frames ending at rbp 0 */
    stk[0] = (uintptr_t)&stk[4];  stk[1] = 0x401001;
    stk[4] = (uintptr_t)&stk[10]; stk[5] = 0x401002;
    stk[10] = 0;                  stk[11] = 0x401003;
    stk[2] = (uintptr_t)&stk[10]; stk[3] = 0x401009;   /* a frame-like pair off the chain */
    cr_assert_eq(walk_depth(&stk[0], lo, hi), 3);
    stk[4] = (uintptr_t)&stk[2];                       /* points down the stack */
    cr_assert_eq(walk_depth(&stk[0], lo, hi), 2);
    stk[4] = (uintptr_t)&stk[10] + 3;                  /* misaligned */
    cr_assert_eq(walk_depth(&stk[0], lo, hi), 2);
    stk[4] = (uintptr_t)&stk[10] + (2u << 20);         /* a jump of 2 MiB: no frame is that big */
    cr_assert_eq(walk_depth(&stk[0], lo, hi), 2);
    stk[4] = (uintptr_t)&stk[62];                      /* its return address would lie past hi */
    cr_assert_eq(walk_depth(&stk[0], lo, (uintptr_t)&stk[63]), 2);
    stk[4] = (uintptr_t)&stk[10]; stk[5] = 12;         /* a return address in the zero page */
    cr_assert_eq(walk_depth(&stk[0], lo, hi), 1);
    /* a cycle back to the first frame is "not strictly upwards" */
    stk[5] = 0x401002; stk[10] = (uintptr_t)&stk[0];
    cr_assert_eq(walk_depth(&stk[0], lo, hi), 3);
}

/* Every thread stores its ring's head on every event: two heads on one cache line make two
 * threads' events several times dearer (false sharing), so each directory entry has a line. */
Test(ring, every_ring_head_has_a_cache_line_of_its_own)
{
    tw_task_spawn("t", 0, 0); /* creates the region */
    cr_assert_eq(tw_region->rings.stride % 64, 0, "stride %u", tw_region->rings.stride);
    cr_assert_eq(tw_region->rings.offset % 64, 0);
    for (uint32_t i = 0; i + 1 < tw_region->rings.capacity; i++)
        cr_assert_neq((uintptr_t)&TW_RING_DESC(tw_region, i)->head / 64, (uintptr_t)&TW_RING_DESC(tw_region, i + 1)->head / 64,
                      "rings %u and %u share a line", i, i + 1);
}

/* Threads that intern their first strings at the same moment: each must find (or lose the race
 * to) one dedup table and never probe a table another thread threw away. Every round is a
 * fresh process, so every round is a first use. */
static pthread_barrier_t first_use;
static void *intern_at_once(void *arg)
{
    char file[32];
    snprintf(file, sizeof file, "racer-%d.c", (int)(intptr_t)arg);
    pthread_barrier_wait(&first_use);
    for (uint32_t line = 1; line <= 200; line++)
        if (!tw__site_register(line % 2 ? file : "shared.c", line, "x", ""))
            return (void *)1;
    return NULL;
}

Test(arena, first_interns_racing_in_many_threads_share_one_table)
{
    for (int round = 0; round < 200; round++) {
        pid_t p = fork();
        if (p == 0) {
            enum { N = 8 };
            pthread_t th[N];
            pthread_barrier_init(&first_use, NULL, N);
            for (intptr_t i = 0; i < N; i++)
                pthread_create(&th[i], NULL, intern_at_once, (void *)i);
            int bad = 0;
            for (int i = 0; i < N; i++) {
                void *r;
                pthread_join(th[i], &r);
                bad |= r != NULL;
            }
            _exit(bad);
        }
        int st;
        waitpid(p, &st, 0);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %d: child %s %d", round,
                  WIFSIGNALED(st) ? "killed by signal" : "exited with", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
}

/* A poll's first events on a thread take the slow path (lookup, tid, ring), the next ones the
 * call-free fast path: both must leave the same record and the same history. */
Test(poll, first_and_cached_polls_record_alike)
{
    tw_task_t t = tw_task_spawn("p", 0, 0);
    tw_poll_begin(0); /* the empty cache holds task 0: nothing to record, nothing to crash */
    tw_poll_end(0, TW_POLL_PENDING);
    for (int i = 0; i < 4; i++) {
        tw_poll_begin(t);
        tw_poll_end(t, TW_POLL_PENDING);
    }
    struct tw_task_rec *r = task_by_handle(t);
    cr_assert_eq(r->polls, 4);
    cr_assert_eq(r->state, TW_TASK_WAITING);
    cr_assert_eq(r->seq % 2, 0, "no update left open");
    cr_assert_eq(r->version, 9, "spawn + 8 poll events, got %u", r->version);
    cr_assert_eq(ring(0)->head, 9);
    for (uint64_t n = 1; n < 9; n++) {
        struct tw_event *e = ring_event(ring(0), n);
        cr_assert_eq(e->type, n % 2 ? TW_EV_POLL_BEGIN : TW_EV_POLL_END, "event %lu", (unsigned long)n);
        cr_assert_eq(e->version, n + 1);
        cr_assert_eq(e->task, tw_task_id(t));
        if (n % 2 && n > 1)
            cr_assert_eq(e->old & 0xff, TW_TASK_WAITING, "undo of poll begin %lu", (unsigned long)n);
    }
}

/* Destructors that run after the shim's own at thread exit still record: the ring is given
 * back by then, so their events are counted as lost — the fast path must not write into it. */
static pthread_key_t late_key;
static tw_task_t late_task, late_other;
static void poll_at_exit(void *v)
{
    (void)v;
    tw_poll_begin(late_task);
    tw_poll_end(late_task, TW_POLL_PENDING);
}
static void *poll_then_exit(void *arg)
{
    (void)arg;
    tw_poll_begin(late_task); /* attaches the ring (and the shim's exit key) first */
    tw_poll_end(late_task, TW_POLL_PENDING);
    tw_poll_begin(late_task); /* cached now */
    tw_poll_end(late_task, TW_POLL_PENDING);
    tw_wake(late_other, 0);   /* another task: late_task becomes the cache's older entry */
    pthread_key_create(&late_key, poll_at_exit);
    pthread_setspecific(late_key, &late_key);
    return NULL;
}

Test(poll, events_after_the_ring_is_given_back_are_counted_lost)
{
    late_task = tw_task_spawn("late", 0, 0);
    late_other = tw_task_spawn("other", 0, 0);
    pthread_t th;
    pthread_create(&th, NULL, poll_then_exit, NULL);
    pthread_join(th, NULL);
    struct tw_task_rec *r = task_by_handle(late_task);
    cr_assert_eq(r->polls, 3, "the model still follows the late poll");
    cr_assert_eq(tw_region->events_lost, 2, "late begin and end counted, got %lu", (unsigned long)tw_region->events_lost);
    cr_assert_eq(ring(1)->head, 5, "nothing written into the given-back ring");
}

/* A task that waits and is woken, round after round on one thread: the first round's events
 * look the task up, the later ones run on the fast path; the record must add up the same. */
Test(poll, a_wait_and_wake_cycle_records_alike_on_both_paths)
{
    tw_task_t t = tw_task_spawn("w", 0, 0);
    for (int i = 0; i < 3; i++) {
        tw_poll_begin(t);
        if (i)
            tw_await_end(t);
        tw_waker(t, TW_EV_WAKER_CREATE, 0);
        tw_await_begin(t, 0, TW_WAIT_RECV, 7, i == 2);
        tw_poll_end(t, TW_POLL_PENDING);
        cr_assert_eq(task_by_handle(t)->state, TW_TASK_WAITING, "round %d", i);
        tw_wake(t, t);
        cr_assert_eq(task_by_handle(t)->state, TW_TASK_READY, "round %d", i);
    }
    struct tw_task_rec *r = task_by_handle(t);
    cr_assert_eq(r->polls, 3);
    cr_assert_eq(r->wakes, 3);
    cr_assert_eq(r->self_wakes, 3);
    cr_assert_eq(r->wakers_alive, 3);
    cr_assert_eq(r->wait_kind, TW_WAIT_RECV);
    cr_assert_eq(r->waiting_on, 7);
    cr_assert(r->flags & TW_TF_TIMED);
    cr_assert_eq(r->seq % 2, 0);
    cr_assert_eq(r->version, 1 + 3 * 5 + 2, "spawn, 5 events a round, 2 await ends: %u", r->version);
    cr_assert_eq(ring(0)->head, r->version, "one event per version, all in the ring");
    static const uint8_t round[] = { TW_EV_POLL_BEGIN, TW_EV_AWAIT_END, TW_EV_WAKER_CREATE, TW_EV_AWAIT_BEGIN,
                                     TW_EV_POLL_END, TW_EV_WAKE };
    for (uint64_t n = 1, k = 0; n < ring(0)->head; n++, k++) {
        if (k == 1 && n < 3)
            k++; /* the first round has no await end */
        struct tw_event *e = ring_event(ring(0), n);
        cr_assert_eq(e->type, round[k % 6], "event %lu: type %u", (unsigned long)n, e->type);
        cr_assert_eq(e->version, n + 1);
    }
}

Test(wakes, in_flight_are_counted_per_resource_never_above_its_waiters)
{
    tw_res_t cv = tw_res_create(TW_RES_CONDVAR, TW_CLASS_CONSUMABLE, 0, "cv", 0, 0);
    struct tw_res_rec *r = res_by_handle(cv);
    cr_assert_not_null(r);
    tw_res_wake(cv, 0);   /* a signal nobody waits for wakes nobody */
    cr_assert_eq(r->wake_state, 0);
    tw_res_waiter(cv, +1);
    tw_res_waiter(cv, +1);
    tw_res_waiter(cv, +1);
    tw_res_wake(cv, 0);
    cr_assert_eq(TW_WAKE_WAITERS(r->wake_state), 3);
    cr_assert_eq(TW_WAKE_PENDING(r->wake_state), 1);
    tw_res_wake(cv, 1);   /* a broadcast: every waiter has a wake on its way */
    cr_assert_eq(TW_WAKE_PENDING(r->wake_state), 3);
    tw_res_wake(cv, 0);
    cr_assert_eq(TW_WAKE_PENDING(r->wake_state), 3, "never more wakes than waiters");
    tw_res_waiter(cv, -1);  /* a waiter returns and takes one with it */
    cr_assert_eq(TW_WAKE_WAITERS(r->wake_state), 2);
    cr_assert_eq(TW_WAKE_PENDING(r->wake_state), 2);
    tw_res_waiter(cv, -1);
    tw_res_waiter(cv, -1);
    tw_res_waiter(cv, -1);  /* one too many (a bad caller) never goes below zero */
    cr_assert_eq(r->wake_state, 0);
}

/* tw_polling_task names the runtime task whose poll is in progress on this thread (what the
 * pthread adapter records a lock inside a poll for), on both the first and the cached path; a
 * thread's own task (TW_TF_ROOT) never takes its place, and poll end and done clear it. */
Test(poll, the_polling_task_is_the_runtime_task_in_its_poll_only)
{
    tw_task_t thread = tw_thread_task("worker", 0);
    tw_task_t a = tw_task_spawn("a", 0, 0), b = tw_task_spawn("b", 0, 0);
    cr_assert_eq(tw_polling_task, 0, "a thread task polls from birth, yet is no runtime task's poll");
    for (int pass = 0; pass < 2; pass++) {   /* the first poll looks up, the second is cached */
        tw_poll_begin(a);
        cr_assert_eq(tw_polling_task, a);
        tw_poll_end(thread, TW_POLL_PENDING);   /* the thread's own park inside it changes nothing */
        tw_poll_begin(thread);
        cr_assert_eq(tw_polling_task, a);
        tw_poll_end(a, TW_POLL_PENDING);
        cr_assert_eq(tw_polling_task, 0);
    }
    tw_poll_begin(b);
    cr_assert_eq(tw_polling_task, b);
    tw_task_done(a, 0);   /* another task's end leaves b's poll alone */
    cr_assert_eq(tw_polling_task, b);
    tw_task_done(b, 0);
    cr_assert_eq(tw_polling_task, 0);
}

/* A stop whose reader timed it (tw: control.stopped_us, ABI 1.7) comes off a long poll's time
 * not preempted; one nobody timed (a debugger: reader_stops alone) leaves the poll unmeasured.
 * Before the timed count, any look by `tw` in the middle of a long poll erased its figure. */
static struct tw_control *control(void) { return (struct tw_control *)(base() + tw_region->control_offset); }
static void reader_stop(uint32_t timed_us)
{
    struct tw_control *c = control();
    __atomic_fetch_add(&c->reader_stops, 1, __ATOMIC_ACQ_REL);
    if (timed_us) {
        __atomic_fetch_add(&c->stopped_us, timed_us, __ATOMIC_ACQ_REL);
        __atomic_fetch_add(&c->timed_stops, 1, __ATOMIC_ACQ_REL);
    }
    __atomic_fetch_add(&c->reader_stops, 1, __ATOMIC_ACQ_REL);
}

Test(poll, a_timed_stop_comes_off_the_poll_and_an_untimed_one_leaves_it_unmeasured)
{
    tw_task_t t = tw_task_spawn("p", 0, 0);
    struct tw_task_rec *r = task_by_handle(t);
    tw_poll_begin(t);
    usleep(30000);
    reader_stop(20000);
    tw_poll_end(t, TW_POLL_PENDING);
    cr_assert_geq(r->max_poll_us, 30000);
    cr_assert_gt(r->longest_ran_us, 0, "a timed stop left the poll unmeasured");
    cr_assert_leq(r->longest_ran_us, r->max_poll_us - 20000, "the stop counted as the poll's: %u of %u us",
                  r->longest_ran_us, r->max_poll_us);
    cr_assert_eq(r->max_ran_us, r->longest_ran_us);
    struct tw_control *c = control();
    cr_assert_eq(ring(0)->stops_base, c->reader_stops, "readers find the thread's baselines");
    cr_assert_eq(ring(0)->timed_base, c->timed_stops);
    cr_assert_eq(ring(0)->stopped_us_base, c->stopped_us);
    uint32_t first = r->max_ran_us;
    tw_poll_begin(t);
    usleep(45000);
    reader_stop(0);
    tw_poll_end(t, TW_POLL_PENDING);
    cr_assert_geq(r->max_poll_us, 45000);
    cr_assert_eq(r->longest_ran_us, 0, "a stop nobody timed: the longest poll is not measured");
    cr_assert_eq(r->max_ran_us, first, "the figure of the poll before stays");
}

/* TW_POLL_IN_CALL (the pthread adapter parking a runtime task inside its poll) leaves the task
 * waiting with TW_TF_IN_CALL until its next poll begins; a thread's own task never takes it. */
Test(poll, a_poll_parked_in_a_call_is_flagged_until_the_next_poll)
{
    tw_task_t t = tw_task_spawn("in-call", 0, 0);
    struct tw_task_rec *r = task_by_handle(t);
    tw_poll_begin(t);
    tw_poll_end_how(t, TW_POLL_PENDING, TW_POLL_IN_CALL);
    cr_assert_eq(r->state, TW_TASK_WAITING);
    cr_assert(r->flags & TW_TF_IN_CALL, "flags 0x%x", r->flags);
    tw_poll_begin(t);
    cr_assert_not(r->flags & TW_TF_IN_CALL, "cleared by the poll that resumes: 0x%x", r->flags);
    tw_poll_end(t, TW_POLL_PENDING);
    cr_assert_not(r->flags & TW_TF_IN_CALL, "an ordinary poll end: 0x%x", r->flags);
    tw_task_t th = tw_thread_task("thread", 0);
    tw_poll_end_how(th, TW_POLL_PENDING, TW_POLL_IN_CALL);
    cr_assert_not(task_by_handle(th)->flags & TW_TF_IN_CALL, "a thread's own task");
}

/* A timed stop whose reader has let the threads go but not yet added their time (reader_stops
 * still odd): a poll that slept through it ends at once, and is measured against the stop's
 * start (stop_began_ns) instead of being left unmeasured. Seen in a clean run: long-poll's
 * 200 ms sleeps, looked at near their end, all went unmeasured. */
static uint64_t mono_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

Test(poll, a_poll_ending_before_its_stop_is_accounted_is_bounded_by_the_stops_start)
{
    tw_task_t t = tw_task_spawn("p", 0, 0);
    struct tw_task_rec *r = task_by_handle(t);
    struct tw_control *c = control();
    tw_poll_begin(t);
    usleep(30000);
    __atomic_store_n(&c->stop_began_ns, mono_now_ns() - 25000000ull, __ATOMIC_RELEASE);
    __atomic_fetch_add(&c->reader_stops, 1, __ATOMIC_ACQ_REL);   /* under way, not accounted */
    tw_poll_end(t, TW_POLL_PENDING);
    cr_assert_gt(r->longest_ran_us, 0, "left unmeasured");
    cr_assert_leq(r->longest_ran_us, r->max_poll_us - 25000, "%u of %u us", r->longest_ran_us, r->max_poll_us);
    __atomic_fetch_add(&c->stopped_us, 25000, __ATOMIC_ACQ_REL);  /* the reader accounts for it */
    __atomic_fetch_add(&c->timed_stops, 1, __ATOMIC_ACQ_REL);
    __atomic_fetch_add(&c->reader_stops, 1, __ATOMIC_ACQ_REL);
    uint32_t first = r->max_ran_us;
    tw_poll_begin(t);
    usleep(60000);
    tw_poll_end(t, TW_POLL_PENDING);
    cr_assert_geq(r->max_poll_us, 60000);
    cr_assert_gt(r->longest_ran_us, 0, "the next poll is measured too");
    cr_assert_gt(r->max_ran_us, first);
}
