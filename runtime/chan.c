/* chan.c — channels (bounded, unbounded, oneshot): multi-producer, multi-consumer queues of
 * pointers, with sender and receiver handles whose holders are recorded as edges, and select.
 *
 * A message goes straight to a waiting receiver when there is one; otherwise into the buffer.
 * A receiver that frees a slot moves the oldest blocked sender's message in. Completing a select
 * branch first claims the select (a CAS on `fired`), so exactly one branch of a select completes.
 * Channel events are recorded under the channel lock so the queue length a reader sees never goes
 * below zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sched.h"

#define TX_MAGIC 0x54575458u /* "TWTX" */
#define RX_MAGIC 0x54575258u /* "TWRX" */
enum { DONE_OK = 1, DONE_CLOSED = 2 };
enum { W_RECV = 1, W_SEND = 2 };

struct twrt_chan {
    twrt_spin lk;
    void **buf;
    size_t cap;             /* 0 = unbounded */
    size_t bufcap, head, len;
    int nsenders, nreceivers, handles;
    int oneshot;
    struct twrt__wq recvq, sendq;
    tw_res_t res;
};

struct twrt__handle { uint32_t magic; int role; struct twrt_chan *c; tw_task_t owner; };
struct twrt_sender { struct twrt__handle h; };
struct twrt_receiver { struct twrt__handle h; };

/* ---- buffer ---- */

static int buf_push(struct twrt_chan *c, void *m)
{
    if (c->len == c->bufcap) {
        size_t nc = c->bufcap ? c->bufcap * 2 : 16;
        void **nb = malloc(nc * sizeof *nb);
        if (!nb) return -ENOMEM;
        for (size_t i = 0; i < c->len; i++) nb[i] = c->buf[(c->head + i) % c->bufcap];
        free(c->buf);
        c->buf = nb;
        c->bufcap = nc;
        c->head = 0;
    }
    c->buf[(c->head + c->len) % c->bufcap] = m;
    c->len++;
    return 0;
}

static void *buf_pop(struct twrt_chan *c)
{
    void *m = c->buf[c->head];
    c->head = (c->head + 1) % c->bufcap;
    c->len--;
    return m;
}

static int has_room(struct twrt_chan *c) { return c->cap == 0 || c->len < c->cap; }

/* Claim the right to complete waiter w (always, unless it is a branch of a select that another
 * branch already completed). */
static int claim(struct twrt__waiter *w)
{
    if (!w->sel) return 1;
    int expect = -1;
    return atomic_compare_exchange_strong(&w->sel->fired, &expect, w->branch);
}

/* Wake waiter w with outcome `how`; `at_once`: the message event that completes it was just
 * recorded (the wake shares its time, TW_ACQ_SAME_TIME). */
static void complete(struct twrt__wq *q, struct twrt__waiter *w, int how, int at_once)
{
    (void)q;
    w->done = how;
    twrt__wake_how(w->task, at_once ? TW_ACQ_SAME_TIME : 0);
}

/* ---- creation and handles ---- */

static struct twrt__handle *handle_new(struct twrt_chan *c, int role, tw_task_t owner)
{
    struct twrt__handle *h = malloc(sizeof *h);
    if (!h) return NULL;
    h->magic = role == TW_EDGE_SENDER ? TX_MAGIC : RX_MAGIC;
    h->role = role;
    h->c = c;
    h->owner = owner;
    tw_handle_add(owner, c->res, role);
    return h;
}

static int chan_new(const char *name, size_t cap, int oneshot, twrt_sender **tx, twrt_receiver **rx)
{
    struct twrt_chan *c = calloc(1, sizeof *c);
    if (!c) return -ENOMEM;
    c->cap = cap;
    c->oneshot = oneshot;
    c->nsenders = c->nreceivers = 1;
    c->handles = 2;
    c->res = tw_res_create(oneshot ? TW_RES_ONESHOT : TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, cap ? (int64_t)cap : -1,
                           name ? name : "channel", 0, (uintptr_t)c);
    tw_task_t me = twrt__current_tw();
    *tx = (twrt_sender *)handle_new(c, TW_EDGE_SENDER, me);
    *rx = (twrt_receiver *)handle_new(c, TW_EDGE_RECEIVER, me);
    if (!*tx || !*rx) abort();   /* a handful of bytes; failing here leaves no sane channel */
    return 0;
}

int twrt_channel(const char *name, size_t capacity, twrt_sender **tx, twrt_receiver **rx)
{
    return chan_new(name, capacity, 0, tx, rx);
}

int twrt_oneshot(const char *name, twrt_sender **tx, twrt_receiver **rx) { return chan_new(name, 1, 1, tx, rx); }

static void chan_unref(struct twrt_chan *c)
{
    twrt__spin_lock(&c->lk);
    int last = --c->handles == 0;
    twrt__spin_unlock(&c->lk);
    if (!last) return;
    tw_res_close(c->res);
    free(c->buf);
    free(c);
}

static struct twrt__handle *handle_clone(struct twrt__handle *h)
{
    struct twrt_chan *c = h->c;
    twrt__spin_lock(&c->lk);
    c->handles++;
    if (h->role == TW_EDGE_SENDER) c->nsenders++; else c->nreceivers++;
    twrt__spin_unlock(&c->lk);
    return handle_new(c, h->role, twrt__current_tw());
}

twrt_sender *twrt_sender_clone(twrt_sender *tx)
{
    if (!tx || tx->h.c->oneshot) { errno = EINVAL; return NULL; }
    return (twrt_sender *)handle_clone(&tx->h);
}

twrt_receiver *twrt_receiver_clone(twrt_receiver *rx)
{
    if (!rx) { errno = EINVAL; return NULL; }
    return (twrt_receiver *)handle_clone(&rx->h);
}

/* Only the holder may record the drop of its edge (it owns its record); a handle dropped by a
 * task that never became its holder leaves the holder's edge in place (see docs/runtime.md). */
static void drop_edge(struct twrt__handle *h)
{
    tw_task_t me = twrt__current_tw();
    if (h->owner && h->owner == me) tw_handle_drop(me, h->c->res, h->role);
}

/* The other side is gone: every waiter of queue q completes with DONE_CLOSED. Caller holds c->lk. */
static void close_waiters(struct twrt__wq *q)
{
    struct twrt__waiter *w;
    while ((w = q->head)) {
        twrt__wq_remove(q, w);
        if (claim(w)) complete(q, w, DONE_CLOSED, 0);
    }
}

void twrt_sender_drop(twrt_sender *tx)
{
    if (!tx) return;
    struct twrt_chan *c = tx->h.c;
    drop_edge(&tx->h);
    twrt__spin_lock(&c->lk);
    if (--c->nsenders == 0) {
        /* End of stream: every waiting receiver learns it now (once the queue is empty, which it
         * is whenever receivers wait). */
        close_waiters(&c->recvq);
    }
    twrt__spin_unlock(&c->lk);
    tx->h.magic = 0;
    free(tx);
    chan_unref(c);
}

void twrt_receiver_drop(twrt_receiver *rx)
{
    if (!rx) return;
    struct twrt_chan *c = rx->h.c;
    drop_edge(&rx->h);
    twrt__spin_lock(&c->lk);
    if (--c->nreceivers == 0) {
        close_waiters(&c->sendq);
        c->len = 0;
    }
    twrt__spin_unlock(&c->lk);
    rx->h.magic = 0;
    free(rx);
    chan_unref(c);
}

/* Hand a handle to a task that has not started yet (spawn): the edge moves from the spawner. */
void twrt__handle_move(void *handle, struct twrt_task *to)
{
    struct twrt__handle *h = handle;
    if (h->magic != TX_MAGIC && h->magic != RX_MAGIC) return;
    drop_edge(h);
    h->owner = to->tw;
    tw_handle_add(to->tw, h->c->res, h->role);
}

/* ---- the operations, with c->lk held ----
 * Every send and receive of a channel is recorded under its lock, so the lock orders every
 * change of its record: the shim counts them without locked instructions (TW_ACQ_OWNED). */

/* Try to send now. Returns 0 sent, -EPIPE no receiver, -EAGAIN full. */
static int send_now(struct twrt_chan *c, void *msg, tw_task_t me)
{
    if (c->nreceivers == 0) return -EPIPE;
    struct twrt__waiter *w;
    while ((w = c->recvq.head)) {
        twrt__wq_remove(&c->recvq, w);
        if (!claim(w)) continue;
        tw_send_how(me, c->res, TW_ACQ_OWNED);
        w->msg = msg;
        complete(&c->recvq, w, DONE_OK, 1);
        return 0;
    }
    if (!has_room(c)) return -EAGAIN;
    if (buf_push(c, msg)) return -ENOMEM;
    tw_send_how(me, c->res, TW_ACQ_OWNED);
    return 0;
}

/* Try to receive now. Returns 0, -EPIPE end of stream, -EAGAIN empty. */
static int recv_now(struct twrt_chan *c, void **msg, tw_task_t me)
{
    if (c->len == 0) return c->nsenders == 0 ? -EPIPE : -EAGAIN;
    *msg = buf_pop(c);
    tw_recv_how(me, c->res, TW_ACQ_OWNED);
    struct twrt__waiter *w;
    while ((w = c->sendq.head)) {   /* a slot is free: the oldest blocked sender's message goes in */
        twrt__wq_remove(&c->sendq, w);
        if (!claim(w)) continue;
        buf_push(c, w->msg);
        complete(&c->sendq, w, DONE_OK, 1);
        break;
    }
    return 0;
}

int twrt_try_send(twrt_sender *tx, void *msg)
{
    struct twrt_chan *c = tx->h.c;
    twrt__spin_lock(&c->lk);
    int rc = send_now(c, msg, twrt__current_tw());
    twrt__spin_unlock(&c->lk);
    return rc;
}

int twrt_try_recv(twrt_receiver *rx, void **msg)
{
    struct twrt_chan *c = rx->h.c;
    twrt__spin_lock(&c->lk);
    int rc = recv_now(c, msg, twrt__current_tw());
    twrt__spin_unlock(&c->lk);
    return rc;
}

int twrt__send(twrt_sender *tx, void *msg, uint32_t site)
{
    struct twrt_chan *c = tx->h.c;
    struct twrt_task *t = twrt__current();
    tw_task_t me = t ? t->tw : 0;
    twrt__spin_lock(&c->lk);
    int rc = send_now(c, msg, me);
    if (rc == -EAGAIN && !t) rc = -EPERM;
    if (rc == -EAGAIN) {
        struct twrt__waiter w = { .task = t, .msg = msg, .kind = W_SEND };
        twrt__wq_push(&c->sendq, &w);
        /* the wait and its waker in one event (with the poll's end: twrt__block_later), the
         * message and the waker's end in one */
        twrt__block_later(t, c->res, TW_WAIT_SEND, site);
        twrt__block_until(&c->lk, &w.done);
        if (w.done == DONE_OK) {
            /* at once after the poll that resumed it began: its time */
            tw_send_how(me, c->res, TW_ACQ_OWNED | TW_ACQ_WAKER | TW_ACQ_SAME_TIME);
            rc = 0;
        } else {
            tw_waker(me, TW_EV_WAKER_DROP, 0);
            tw_await_end(me);
            rc = -EPIPE;
        }
    }
    twrt__spin_unlock(&c->lk);
    return rc;
}

int twrt__recv(twrt_receiver *rx, void **msg, uint32_t site)
{
    struct twrt_chan *c = rx->h.c;
    struct twrt_task *t = twrt__current();
    tw_task_t me = t ? t->tw : 0;
    twrt__spin_lock(&c->lk);
    int rc = recv_now(c, msg, me);
    if (rc == -EAGAIN && !t) rc = -EPERM;
    if (rc == -EAGAIN) {
        struct twrt__waiter w = { .task = t, .kind = W_RECV };
        twrt__wq_push(&c->recvq, &w);
        twrt__block_later(t, c->res, TW_WAIT_RECV, site); /* as in twrt__send */
        twrt__block_until(&c->lk, &w.done);
        if (w.done == DONE_OK) {
            *msg = w.msg;
            tw_recv_how(me, c->res, TW_ACQ_OWNED | TW_ACQ_WAKER | TW_ACQ_SAME_TIME); /* as in twrt__send */
            rc = 0;
        } else {
            tw_waker(me, TW_EV_WAKER_DROP, 0);
            tw_await_end(me);
            rc = -EPIPE;
        }
    }
    twrt__spin_unlock(&c->lk);
    return rc;
}

/* ---- select ---- */

#define MAX_SELECT 32

static struct twrt_chan *op_chan(struct twrt_select_op *op)
{
    if (op->kind == TWRT_SEL_SEND) return op->tx ? op->tx->h.c : NULL;
    if (op->kind == TWRT_SEL_RECV) return op->rx ? op->rx->h.c : NULL;
    return NULL;
}

int twrt__select(struct twrt_select_op *ops, int n, uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    if (n <= 0 || n > MAX_SELECT) return -EINVAL;
    for (int i = 0; i < n; i++) if (!op_chan(&ops[i])) return -EINVAL;
    tw_task_t me = t->tw;
    struct twrt__select sel = { .task = t };
    atomic_init(&sel.fired, -1);
    struct twrt__waiter w[MAX_SELECT];
    int registered = 0, winner = -1;

    /* Lock every channel of the select (in address order, once each): while we hold them nobody
     * can complete one of our branches, so trying the branches in order and then registering a
     * waiter on each is atomic with respect to other tasks. */
    struct twrt_chan *locks[MAX_SELECT];
    int nl = 0;
    for (int i = 0; i < n; i++) {
        struct twrt_chan *c = op_chan(&ops[i]);
        int j = nl;
        while (j > 0 && (uintptr_t)locks[j - 1] > (uintptr_t)c) j--;
        if (j > 0 && locks[j - 1] == c) continue;
        memmove(&locks[j + 1], &locks[j], (size_t)(nl - j) * sizeof locks[0]);
        locks[j] = c;
        nl++;
    }
    for (int i = 0; i < nl; i++) twrt__spin_lock(&locks[i]->lk);
    for (int i = 0; i < n && winner < 0; i++) {
        struct twrt_chan *c = op_chan(&ops[i]);
        int rc = ops[i].kind == TWRT_SEL_SEND ? send_now(c, ops[i].msg, me) : recv_now(c, &ops[i].msg, me);
        if (rc != -EAGAIN) {
            winner = i;
            ops[i].status = rc;
            atomic_store(&sel.fired, i);
        }
    }
    if (winner < 0) {
        for (int i = 0; i < n; i++) {
            struct twrt_chan *c = op_chan(&ops[i]);
            w[i] = (struct twrt__waiter){ .task = t, .sel = &sel, .branch = i, .msg = ops[i].msg,
                                          .kind = ops[i].kind == TWRT_SEL_SEND ? W_SEND : W_RECV };
            twrt__wq_push(ops[i].kind == TWRT_SEL_SEND ? &c->sendq : &c->recvq, &w[i]);
        }
        registered = n;
        /* every branch, so readers know who can wake the select (core/select.c) */
        for (int i = 0; i < n; i++)
            tw_intent_set(me, op_chan(&ops[i])->res, TW_EDGE_INTENT_COND, ops[i].kind == TWRT_SEL_SEND ? TW_DIR_SEND : TW_DIR_RECV);
        tw_await_begin(me, site, TW_WAIT_SELECT, tw_res_id(op_chan(&ops[0])->res), 0);
        tw_waker(me, TW_EV_WAKER_CREATE, 0);
    }
    for (int i = nl - 1; i >= 0; i--) twrt__spin_unlock(&locks[i]->lk);

    if (winner < 0) {
        while (atomic_load(&sel.fired) < 0) twrt__suspend();
        tw_waker(me, TW_EV_WAKER_DROP, 0);
    }

    /* Deregister every branch; taking each lock also waits out a completer still waking us. */
    for (int i = 0; i < registered; i++) {
        struct twrt_chan *c = op_chan(&ops[i]);
        struct twrt__wq *q = w[i].kind == W_SEND ? &c->sendq : &c->recvq;
        twrt__spin_lock(&c->lk);
        if (twrt__wq_linked(q, &w[i])) twrt__wq_remove(q, &w[i]);
        if (winner < 0 && i == atomic_load(&sel.fired)) {
            winner = i;
            ops[i].status = w[i].done == DONE_OK ? 0 : -EPIPE;
            if (ops[i].kind == TWRT_SEL_RECV && w[i].done == DONE_OK) ops[i].msg = w[i].msg;
            if (w[i].done == DONE_OK) {
                if (ops[i].kind == TWRT_SEL_SEND) tw_send_how(me, c->res, TW_ACQ_OWNED); else tw_recv_how(me, c->res, TW_ACQ_OWNED);
            }
        }
        twrt__spin_unlock(&c->lk);
    }
    if (winner >= 0 && ops[winner].status != 0 && registered) tw_await_end(me);
    for (int i = 0; i < registered; i++) tw_intent_clear(me, op_chan(&ops[i])->res);

    /* Cancel the losers: a send branch drops the message it carried. */
    for (int i = 0; i < n; i++) {
        if (i == winner) continue;
        struct twrt_chan *c = op_chan(&ops[i]);
        int lost = ops[i].kind == TWRT_SEL_SEND;
        tw_cancel(me, c->res, lost);
        if (lost && ops[i].drop) ops[i].drop(ops[i].msg);
    }
    return winner;
}
