/* test_chan.c — channels, oneshot and select: order, backpressure, end of stream, select
 * cancellation. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>
#include "twrt.h"

static void *count_until_closed(void *arg)
{
    twrt_receiver *rx = arg;
    intptr_t n = 0, expect = 1;
    void *m;
    while (twrt_recv(rx, &m) == 0) {
        cr_assert_eq((intptr_t)m, expect++, "messages in order");
        n++;
    }
    twrt_receiver_drop(rx);
    return (void *)n;
}

static void *produce(void *arg)
{
    twrt_sender *tx = arg;
    for (intptr_t i = 1; i <= 1000; i++) cr_assert_eq(twrt_send(tx, (void *)i), 0);
    twrt_sender_drop(tx);
    return NULL;
}

Test(chan, bounded_channel_keeps_order_and_last_sender_drop_ends_the_stream)
{
    twrt_sender *tx;
    twrt_receiver *rx;
    cr_assert_eq(twrt_channel("c", 4, &tx, &rx), 0);
    twrt_task *c = twrt_spawn_moving("consumer", count_until_closed, rx, rx);
    twrt_task *p = twrt_spawn_moving("producer", produce, tx, tx);
    twrt_join(p);
    cr_assert_eq((intptr_t)twrt_join(c), 1000);
}

static void *wait_then_report(void *arg)
{
    twrt_receiver *rx = arg;
    void *m;
    int rc = twrt_recv(rx, &m);
    twrt_receiver_drop(rx);
    return (void *)(intptr_t)rc;
}

Test(chan, a_blocked_receiver_gets_end_of_stream_when_the_last_of_many_senders_drops)
{
    twrt_sender *tx;
    twrt_receiver *rx;
    twrt_channel("c", 0, &tx, &rx);
    twrt_sender *tx2 = twrt_sender_clone(tx);
    twrt_task *r = twrt_spawn_moving("receiver", wait_then_report, rx, rx);
    usleep(30000);
    twrt_sender_drop(tx);
    usleep(30000);
    twrt_sender_drop(tx2);
    cr_assert_eq((intptr_t)twrt_join(r), -EPIPE);
}

Test(chan, full_channel_refuses_try_send_and_dropped_receiver_fails_sends)
{
    twrt_sender *tx;
    twrt_receiver *rx;
    twrt_channel("c", 2, &tx, &rx);
    cr_assert_eq(twrt_try_send(tx, (void *)1), 0);
    cr_assert_eq(twrt_try_send(tx, (void *)2), 0);
    cr_assert_eq(twrt_try_send(tx, (void *)3), -EAGAIN);
    void *m;
    cr_assert_eq(twrt_try_recv(rx, &m), 0);
    cr_assert_eq((intptr_t)m, 1);
    twrt_receiver_drop(rx);
    cr_assert_eq(twrt_try_send(tx, (void *)4), -EPIPE);
    cr_assert_eq(twrt_send(tx, (void *)5), -EPIPE);
    twrt_sender_drop(tx);
}

Test(chan, unbounded_channel_never_blocks)
{
    twrt_sender *tx;
    twrt_receiver *rx;
    twrt_channel("u", 0, &tx, &rx);
    for (intptr_t i = 1; i <= 100000; i++) cr_assert_eq(twrt_try_send(tx, (void *)i), 0);
    twrt_sender_drop(tx);
    void *m;
    for (intptr_t i = 1; i <= 100000; i++) {
        cr_assert_eq(twrt_try_recv(rx, &m), 0);
        cr_assert_eq((intptr_t)m, i);
    }
    cr_assert_eq(twrt_try_recv(rx, &m), -EPIPE);
    twrt_receiver_drop(rx);
}

static void *oneshot_reply(void *arg)
{
    twrt_sender *tx = arg;
    twrt_sleep_ms(10);
    twrt_send(tx, (void *)42);
    twrt_sender_drop(tx);
    return NULL;
}

static void *oneshot_wait(void *arg)
{
    twrt_receiver *rx = arg;
    void *m = NULL;
    int rc = twrt_recv(rx, &m);
    twrt_receiver_drop(rx);
    return rc ? (void *)(intptr_t)rc : m;
}

Test(chan, oneshot_delivers_once_or_reports_a_dropped_sender)
{
    twrt_sender *tx;
    twrt_receiver *rx;
    twrt_oneshot("answer", &tx, &rx);
    cr_assert_null(twrt_sender_clone(tx), "a oneshot sender is unique");
    twrt_task *w = twrt_spawn_moving("wait", oneshot_wait, rx, rx);
    twrt_detach(twrt_spawn_moving("reply", oneshot_reply, tx, tx));
    cr_assert_eq((intptr_t)twrt_join(w), 42);
    twrt_oneshot("never", &tx, &rx);
    w = twrt_spawn_moving("wait", oneshot_wait, rx, rx);
    usleep(20000);
    twrt_sender_drop(tx);
    cr_assert_eq((intptr_t)twrt_join(w), -EPIPE);
}

static atomic_int dropped;
static void count_drop(void *msg) { (void)msg; atomic_fetch_add(&dropped, 1); }

struct sel_ends { twrt_receiver *in; twrt_sender *out; };

static void *selector(void *arg)
{
    struct sel_ends *e = arg;
    intptr_t got = 0;
    for (;;) {
        struct twrt_select_op ops[2] = {
            { .kind = TWRT_SEL_RECV, .rx = e->in },
            { .kind = TWRT_SEL_SEND, .tx = e->out, .msg = (void *)99, .drop = count_drop },
        };
        int w = twrt_select(ops, 2);
        cr_assert(w == 0 || w == 1);
        if (w == 1) continue;
        if (ops[0].status == -EPIPE) break;
        got += (intptr_t)ops[0].msg;
    }
    return (void *)got;
}

Test(chan, select_takes_the_ready_branch_and_cancels_the_other)
{
    twrt_sender *in_tx, *out_tx;
    twrt_receiver *in_rx, *out_rx;
    twrt_channel("in", 1, &in_tx, &in_rx);
    twrt_channel("out", 1, &out_tx, &out_rx);
    cr_assert_eq(twrt_try_send(out_tx, (void *)1), 0, "out is full: its send branch can never win");
    static struct sel_ends e;
    e.in = in_rx;
    e.out = out_tx;
    twrt_task *s = twrt_spawn_moving("selector", selector, &e, in_rx, out_tx);
    for (intptr_t i = 1; i <= 100; i++) {
        while (twrt_try_send(in_tx, (void *)i) == -EAGAIN) usleep(100);
    }
    twrt_sender_drop(in_tx);
    cr_assert_eq((intptr_t)twrt_join(s), 5050, "every message arrived once");
    cr_assert_geq(atomic_load(&dropped), 101, "each round dropped the losing send's message");
    twrt_receiver_drop(out_rx);
}

static void *drain(void *arg)
{
    twrt_receiver *rx = arg;
    void *m;
    intptr_t n = 0;
    while (twrt_recv(rx, &m) == 0) n++;
    return (void *)n;
}

static void *two_way(void *arg)
{
    twrt_sender **tx = arg;
    int wins[2] = { 0, 0 };
    for (int i = 0; i < 2000; i++) {
        struct twrt_select_op ops[2] = {
            { .kind = TWRT_SEL_SEND, .tx = tx[0], .msg = (void *)1 },
            { .kind = TWRT_SEL_SEND, .tx = tx[1], .msg = (void *)1 },
        };
        int w = twrt_select(ops, 2);
        cr_assert(w == 0 || w == 1);
        wins[w]++;
    }
    twrt_sender_drop(tx[0]);
    twrt_sender_drop(tx[1]);
    return (void *)(intptr_t)(wins[0] + wins[1]);
}

Test(chan, concurrent_selects_complete_exactly_one_branch_each)
{
    static twrt_sender *tx[2];
    twrt_receiver *rx[2];
    twrt_channel("a", 1, &tx[0], &rx[0]);
    twrt_channel("b", 1, &tx[1], &rx[1]);
    twrt_task *d0 = twrt_spawn_moving("drain-a", drain, rx[0], rx[0]);
    twrt_task *d1 = twrt_spawn_moving("drain-b", drain, rx[1], rx[1]);
    twrt_task *s = twrt_spawn_moving("two-way", two_way, tx, tx[0], tx[1]);
    cr_assert_eq((intptr_t)twrt_join(s), 2000);
    intptr_t n = (intptr_t)twrt_join(d0) + (intptr_t)twrt_join(d1);
    cr_assert_eq(n, 2000, "every winning send delivered exactly once, no loser delivered");
}

/* ---- what a blocked receive and a finished task record (docs/events.md "Folded events") ---- */

/* Every retained event of every ring, each with the one before it in its ring (NULL first). */
static void each_event(void (*fn)(const struct tw_event *prev, const struct tw_event *e, void *arg), void *arg)
{
    struct tw_header *h = tw_region;
    for (uint32_t i = 0; i < h->rings.count; i++) {
        struct tw_ring_desc *d = TW_RING_DESC(h, i);
        uint64_t head = __atomic_load_n(&d->head, __ATOMIC_ACQUIRE);
        const struct tw_event *ev = (const void *)((char *)h + d->offset);
        uint64_t first = head > d->capacity ? head - d->capacity : 0;
        for (uint64_t k = first; d->capacity && k < head; k++)
            fn(k > first ? &ev[(k - 1) % d->capacity] : NULL, &ev[k % d->capacity], arg);
    }
}

struct folded_counts { uint32_t task; int done, waker_events, waker_flags, completed_polls; };
static void count_folded(const struct tw_event *prev, const struct tw_event *e, void *arg)
{
    struct folded_counts *n = arg;
    (void)prev;
    if (e->task != n->task) return;
    n->done += e->type == TW_EV_DONE;
    n->waker_events += e->type == TW_EV_WAKER_CREATE || e->type == TW_EV_WAKER_DROP;
    n->waker_flags += (e->flags & TW_EVF_WAKER) && e->type != TW_EV_ACQUIRE && e->type != TW_EV_RELEASE;
    n->completed_polls += e->type == TW_EV_POLL_END && (e->aux & 0xff) == TW_POLL_COMPLETED;
}
static struct folded_counts events_of(uint32_t task)
{
    struct folded_counts n = { .task = task };
    each_event(count_folded, &n);
    return n;
}

static twrt_receiver *fold_rx;
static void *fold_receiver(void *arg)
{
    (void)arg;
    void *m = NULL;
    twrt_recv(fold_rx, &m);   /* blocks: the sender waits for this task to be waiting */
    return m;
}

static twrt_task *fold_joined;
static void *fold_joiner(void *arg)
{
    (void)arg;
    return twrt_join(fold_joined);   /* blocks: the receiver is waiting for a message */
}

Test(chan, a_blocked_receive_and_a_join_record_their_wakers_in_their_own_events)
{
    twrt_sender *tx;
    twrt_channel("fold", 1, &tx, &fold_rx);
    cr_assert_not_null(tw_region, "instrumentation is on: the channel made the region");
    twrt_task *rx = fold_joined = twrt_spawn("receiver", fold_receiver, NULL);
    (void)rx;   /* joined by the joiner: a handle is joined once */
    uint32_t id = twrt_task_id(rx);
    /* the receiver blocks on the empty channel, its joiner on it, before anything is sent */
    for (int i = 0; i < 2000 && !events_of(id).waker_flags; i++) usleep(1000);
    cr_assert_eq(events_of(id).waker_flags, 1, "BLOCK_EMPTY made the wait's waker");
    twrt_task *joiner = twrt_spawn("joiner", fold_joiner, NULL);
    uint32_t jid = twrt_task_id(joiner);
    for (int i = 0; i < 2000 && !events_of(jid).waker_flags; i++) usleep(1000);
    cr_assert_eq(events_of(jid).waker_flags, 1, "AWAIT_BEGIN of the join made the wait's waker");
    twrt_send(tx, (void *)7);
    cr_assert_eq(twrt_join(joiner), (void *)7, "the joiner returns what the receiver took");
    struct folded_counts j = events_of(jid);
    cr_assert_eq(j.waker_flags, 2, "the join's AWAIT_BEGIN and AWAIT_END: %d", j.waker_flags);
    cr_assert_eq(j.waker_events, 0, "no WAKER_CREATE / WAKER_DROP events of the joiner's own");
    struct folded_counts n = events_of(id);
    cr_assert_eq(n.waker_flags, 2, "BLOCK_EMPTY made the waker, RECV gave it back: %d", n.waker_flags);
    cr_assert_eq(n.waker_events, 0, "no WAKER_CREATE / WAKER_DROP events of their own");
    cr_assert_eq(n.completed_polls, 1);
    cr_assert_eq(n.done, 0, "the completed poll ended the task: no DONE after it");
    twrt_sender_drop(tx);
    twrt_receiver_drop(fold_rx);
}

/* ---- a round trip's events that follow another at once share its time (TW_ACQ_SAME_TIME) ----
 * On a worker's thread: the wake right after the send (or receive) that completes the woken
 * task's wait, and the message that ends a wait right after the poll that resumed it began. The
 * block itself is recorded with the poll's end, as one event (tw_poll_end_blocked, ABI 1.6). */
static twrt_sender *pp_tx[2];
static twrt_receiver *pp_rx[2];
static void *pp_ponger(void *arg)
{
    (void)arg;
    void *m;
    while (twrt_recv(pp_rx[0], &m) == 0)
        if (twrt_send(pp_tx[1], m) != 0) break;
    return NULL;
}
static void *pp_pinger(void *arg)
{
    (void)arg;
    void *m;
    for (int i = 0; i < 200; i++) {
        cr_assert_eq(twrt_send(pp_tx[0], (void *)1), 0);
        cr_assert_eq(twrt_recv(pp_rx[1], &m), 0);
    }
    return NULL;   /* the main thread ends the ponger: its close wakes it, right after no send */
}

struct shared_times { uint32_t a, b; int pairs, shared, blocks_ended, separate_blocks, resumed, resumed_shared; };
static void count_shared(const struct tw_event *p, const struct tw_event *e, void *arg)
{
    struct shared_times *n = arg;
    if (!p || !(e->task == n->a || e->task == n->b) || !(p->task == n->a || p->task == n->b)) return;
    if (e->type == TW_EV_WAKE && (p->type == TW_EV_SEND || p->type == TW_EV_RECV)) {
        n->pairs++;
        n->shared += e->ts == p->ts;
    }
    if (e->type == TW_EV_POLL_END && TW_EVF_KIND(e->flags) && (e->flags & TW_EVF_WAKER))
        n->blocks_ended++;   /* the block folded into the poll's end (ABI 1.6) */
    n->separate_blocks += e->type == TW_EV_BLOCK_EMPTY || e->type == TW_EV_BLOCK_FULL;
    if ((e->type == TW_EV_RECV || e->type == TW_EV_SEND) && (e->flags & TW_EVF_WAKER) && p->type == TW_EV_POLL_BEGIN &&
        e->task == p->task) {
        n->resumed++;
        n->resumed_shared += e->ts == p->ts;
    }
}
static struct shared_times shared_times_of(uint32_t a, uint32_t b)
{
    struct shared_times n = { .a = a, .b = b };
    each_event(count_shared, &n);
    return n;
}

Test(chan, a_round_trips_events_share_times_and_its_blocks_end_their_polls)
{
    /* one worker: with two, a waker may find the woken task parked after its send (by the other
     * worker), and the wake then reads the clock (tests/shim: never before the task's park) */
    struct twrt_config cfg = { .workers = 1 };
    cr_assert_eq(twrt_init(&cfg), 0);
    twrt_channel("ping", 1, &pp_tx[0], &pp_rx[0]);
    twrt_channel("pong", 1, &pp_tx[1], &pp_rx[1]);
    twrt_task *po = twrt_spawn("ponger", pp_ponger, NULL), *pi = twrt_spawn("pinger", pp_pinger, NULL);
    uint32_t a = twrt_task_id(po), b = twrt_task_id(pi);
    twrt_join(pi);
    twrt_sender_drop(pp_tx[0]);
    twrt_join(po);
    struct shared_times n = shared_times_of(a, b);
    cr_assert_gt(n.pairs, 50, "sends that woke the other side: %d", n.pairs);
    cr_assert_eq(n.shared, n.pairs, "each wake takes its send's time: %d of %d", n.shared, n.pairs);
    cr_assert_gt(n.blocks_ended, 50, "blocks folded into their polls' ends: %d", n.blocks_ended);
    cr_assert_eq(n.separate_blocks, 0, "no BLOCK_EMPTY / BLOCK_FULL events of their own: %d", n.separate_blocks);
    cr_assert_gt(n.resumed, 50, "%d", n.resumed);
    cr_assert_eq(n.resumed_shared, n.resumed, "each wait's message takes its poll's start: %d of %d", n.resumed_shared,
                 n.resumed);
    twrt_receiver_drop(pp_rx[0]);
    twrt_receiver_drop(pp_rx[1]);
    twrt_sender_drop(pp_tx[1]);
}
