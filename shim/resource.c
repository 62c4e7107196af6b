/* resource.c — resources and the edges tasks have to them.
 *
 * A resource record holds only the resource's own state (units, queue, version), updated with
 * atomics because any task may use it. Who holds, waits, sends or receives is written into the
 * task's own record (one writer per fact) and derived by readers. */
#define _GNU_SOURCE
#include <string.h>
#include "internal.h"

struct tw_res_rec *tw__res_rec_unknown(tw_res_t rh)
{
    tw_instr_error(TW_ERR_UNKNOWN_RES, 0, (uint32_t)rh);
    return NULL;
}

static uint32_t reuse_cursor;
/* A closed resource's slot is reused: a long-running server that makes and destroys locks,
 * condvars or pipes per request never fills the table. Acquire: pairs with the release that
 * closes it, so the closer's last writes to the record come before the new occupant's. */
static int closed(const void *rec) { return __atomic_load_n(&((const struct tw_res_rec *)rec)->closed, __ATOMIC_ACQUIRE); }

tw_res_t tw__res_create(int kind, int class_, int64_t capacity, const char *name, uint32_t site, uint64_t address)
{
    if (!tw__region_ensure())
        return 0;
    struct tw_header *h = tw__hdr();
    uint32_t slot;
    struct tw_res_rec *r = tw__slot_take(&h->resources, tw__base(), closed, &reuse_cursor, &slot);
    if (!r)
        return 0;
    uint32_t id = __atomic_fetch_add(&h->next_res_id, 1, __ATOMIC_RELAXED);
    uint64_t now = tw__now();
    uint32_t seq = r->seq; /* odd: tw__slot_take left it to us */
    __atomic_store_n(&r->id, id, __ATOMIC_RELAXED);
    r->closed = 0;
    r->name = tw__intern(name ? name : "?");
    r->kind = (uint8_t)kind;
    r->class_ = (uint8_t)class_;
    r->create_site = site;
    r->capacity = capacity;
    r->available = capacity < 0 ? 0 : capacity;
    r->queued = 0;
    r->created_ts = now;
    r->address = address;
    r->wake_state = 0;
    r->version = 1;
    __atomic_store_n(&r->seq, seq + 1, __ATOMIC_RELEASE);
    if (!name)
        tw_instr_error(TW_ERR_NULL_NAME, 0, id);
    tw__emit(now, TW_EV_RES_CREATE, TW_EVF_RES_VERSION, (uint16_t)kind, 0, id, 1, (uint64_t)capacity);
    return ((uint64_t)(slot + 1) << 32) | id;
}

void tw__res_close(tw_res_t rh)
{
    struct tw_res_rec *r = tw_res_rec(rh);
    if (!r)
        return;
    /* Closing is the last write: from then on another thread may take the slot for a new
     * resource, so the event carries the id read before, never the new occupant's, and the
     * version bump cannot land in the new record. */
    uint32_t id = r->id;
    uint32_t v = __atomic_add_fetch(&r->version, 1, __ATOMIC_RELAXED);
    uint8_t old = __atomic_exchange_n(&r->closed, 1, __ATOMIC_RELEASE);
    tw__emit(tw__now(), TW_EV_RES_CLOSE, TW_EVF_RES_VERSION, 0, 0, id, v, old);
}

/* The edge of task record t for (res, role), or a free one when create is set. */
static struct tw_edge *find_edge(struct tw_task_rec *t, uint32_t res, int role, int create)
{
    struct tw_edge *free_e = NULL;
    for (unsigned i = 0; i < TW_MAX_EDGES; i++) {
        struct tw_edge *e = &t->edges[i];
        if (e->res == res && e->role == role)
            return e;
        if (!free_e && e->res == 0)
            free_e = e;
    }
    return create ? free_e : NULL;
}

/* The first free edge of t. An owned acquisition (TW_ACQ_OWNED) is of an exclusive lock the
 * caller has just taken, so it held none of it: there is no edge of it to add to, and the
 * search stops at the first free slot instead of looking at all TW_MAX_EDGES (3 ns of an
 * uncontended pthread lock + unlock's 39). */
static inline struct tw_edge *free_edge(struct tw_task_rec *t)
{
    for (unsigned i = 0; i < TW_MAX_EDGES; i++)
        if (t->edges[i].res == 0)
            return &t->edges[i];
    return NULL;
}

static int is_intent(int role) { return role == TW_EDGE_INTENT_COND || role == TW_EDGE_INTENT_UNCOND; }

/* Adds delta to a count of r's (its available units, or its queued messages) and bumps its
 * version; returns the new version. `owned`: the caller's own lock orders this change with
 * every other (TW_ACQ_OWNED), so plain loads and stores do, without the two locked
 * instructions that were a third of an uncontended lock's cost. */
static inline __attribute__((always_inline)) uint32_t count_change(struct tw_res_rec *r, int64_t *count, int64_t delta,
                                                                   int owned)
{
    if (owned) {
        __atomic_store_n(count, __atomic_load_n(count, __ATOMIC_RELAXED) + delta, __ATOMIC_RELAXED);
        uint32_t v = __atomic_load_n(&r->version, __ATOMIC_RELAXED) + 1;
        __atomic_store_n(&r->version, v, __ATOMIC_RELAXED);
        return v;
    }
    __atomic_add_fetch(count, delta, __ATOMIC_RELAXED);
    return __atomic_add_fetch(&r->version, 1, __ATOMIC_RELAXED);
}
#define units_change(r, delta, owned) count_change((r), &(r)->available, (delta), (owned))

/* Task t (may be NULL) queued (TW_EV_SEND) or took (TW_EV_RECV) a message of r; a wait of
 * t's on r is over. `owned` as for count_change: the channel's own lock orders them all.
 * `waker`: the wait gives back its waker too (TW_ACQ_WAKER; t's own record, like its wait). */
static inline __attribute__((always_inline)) void message(struct tw_task_rec *t, struct tw_res_rec *r, int type, int owned,
                                                          int waker, uint64_t now, int attached)
{
    uint64_t old = 0;
    waker = waker && t;
    if (t && (t->waiting_on == r->id || waker)) {
        tw__seq_begin(&t->seq);
        old = tw__wait_of(t);
        if (t->waiting_on == r->id)
            tw__wait_clear(t);
        t->wakers_alive -= waker;
        tw__seq_end(&t->seq);
    } else if (t) {
        old = tw__wait_of(t);
    }
    uint32_t v = count_change(r, &r->queued, type == TW_EV_SEND ? 1 : -1, owned);
    tw__emit_as(attached, now, type, TW_EVF_RES_VERSION | (waker ? TW_EVF_WAKER : 0), 1, t ? t->id : 0, r->id, v, old);
}

/* Task t (may be NULL: outside any task) now holds units of r, taken at `site` (0: its pending
 * request's) as `how` (enum tw_acquire_how); feeds the lock-order graph (order.c). */
static inline __attribute__((always_inline)) void acquire(tw_task_t th, struct tw_task_rec *t, struct tw_res_rec *r, int64_t units, uint32_t site, int how,
                    uint64_t now)
{
    int shared = units < 0;
    uint16_t u = (uint16_t)(shared ? 1 : units);
    int at_once = (how & TW_ACQ_AT_ONCE) && u == 1 && site <= 0xffff, owned = (how & TW_ACQ_OWNED) && !shared;
    how &= ~(TW_ACQ_AT_ONCE | TW_ACQ_OWNED);
    uint64_t old = 0;
    if (t) {
        int role = shared ? TW_EDGE_HOLD_SHARED : TW_EDGE_HOLD;
        struct tw_edge *e = owned ? free_edge(t) : find_edge(t, r->id, role, 1);
        if (!e) {
            tw_instr_error(TW_ERR_EDGES_FULL, t->id, r->id);
            return;
        }
        if (!site && t->waiting_on == r->id)
            site = t->await_site;
        tw__seq_begin(&t->seq);
        old = tw__wait_of(t);
        e->res = r->id;
        e->role = (uint8_t)role;
        e->count = (uint16_t)(e->count + u);
        if (t->waiting_on == r->id)
            tw__wait_clear(t);
        tw__seq_end(&t->seq);
        tw__order_acquired(th, t, (unsigned)(e - t->edges), r, site, how, shared);
    }
    uint32_t v = units_change(r, -(int64_t)u, owned);
    int flags = TW_EVF_RES_VERSION | (shared ? TW_EVF_SHARED : 0) | (how == TW_ACQ_TRY ? TW_EVF_TRY : 0) |
                (how == TW_ACQ_TIMED ? TW_EVF_TIMED_LOCK : 0) | (at_once ? TW_EVF_AT_SITE : 0);
    tw__emit(now, TW_EV_ACQUIRE, flags, at_once ? (uint16_t)site : u, t ? t->id : 0, r->id, v, old);
}

/* Task t (may be NULL) gives back units of r (-1: a shared hold). */
static inline __attribute__((always_inline)) void release(struct tw_task_rec *t, struct tw_res_rec *r, int64_t units, int how, uint64_t now)
{
    int shared = units < 0;
    uint16_t u = (uint16_t)(shared ? 1 : units);
    uint32_t tid = t ? t->id : 0;
    if (t) {
        int role = shared ? TW_EDGE_HOLD_SHARED : TW_EDGE_HOLD;
        struct tw_edge *e = find_edge(t, r->id, role, 0);
        if (!e || e->count < u) {
            tw_instr_error(TW_ERR_RELEASE_UNHELD, tid, r->id);
            return;
        }
        tw__seq_begin(&t->seq);
        e->count = (uint16_t)(e->count - u);
        if (e->count == 0)
            memset(e, 0, sizeof *e);
        tw__seq_end(&t->seq);
    }
    uint32_t v = units_change(r, u, (how & TW_ACQ_OWNED) && !shared);
    tw__emit(now, TW_EV_RELEASE, TW_EVF_RES_VERSION | (shared ? TW_EVF_SHARED : 0), u, tid, r->id, v, 0);
}

/* What nearly every unlock is: one unit of an exclusive lock the caller still holds for real
 * (TW_ACQ_OWNED), given back by a cached task (tw__task_hot). release()'s facts without
 * decoding units and flags or looking the task up: its hold of r loses its unit (the edge is
 * cleared at zero), r's count and version change with plain stores, and one event is written
 * into the attached ring. tests/shim compares both paths' records and events. */
static inline __attribute__((always_inline)) void release_owned(struct tw_task_rec *t, struct tw_res_rec *r)
{
    uint64_t now = tw__now();
    uint32_t id = r->id;
    struct tw_edge *e = NULL;
    for (unsigned i = 0; i < TW_MAX_EDGES; i++)
        if (t->edges[i].res == id && t->edges[i].role == TW_EDGE_HOLD) {
            e = &t->edges[i];
            break;
        }
    if (TW_UNLIKELY(!e) || TW_UNLIKELY(e->count == 0)) {
        tw_instr_error(TW_ERR_RELEASE_UNHELD, t->id, id);
        return;
    }
    tw__seq_begin(&t->seq);
    if (--e->count == 0)
        memset(e, 0, sizeof *e);
    tw__seq_end(&t->seq);
    uint32_t v = units_change(r, 1, 1);
    tw__emit_attached(&tw_tls_, now, TW_EV_RELEASE, TW_EVF_RES_VERSION, 1, t->id, id, v, 0);
}

/* A slow path's records: resource rh's, and task th's unless th is 0 (outside any task). 0 when
 * either handle names nothing (the lookups count it). */
static inline int records_of(tw_task_t th, tw_res_t rh, struct tw_task_rec **t, struct tw_res_rec **r)
{
    *r = tw_res_rec(rh);
    *t = th ? tw_task_rec(th) : NULL;
    return *r && (!th || *t);
}

/* tw__release when the fast path cannot take it: any task (or none), any units and flags */
__attribute__((noinline, cold)) static void release_slow(tw_task_t th, tw_res_t rh, int64_t units, int how)
{
    struct tw_res_rec *r;
    struct tw_task_rec *t;
    if (!records_of(th, rh, &t, &r))
        return;
    release(t, r, units, how, tw__now());
}

void tw__release(tw_task_t th, tw_res_t rh, int64_t units, int how)
{
    /* the fast path makes no call (its slow path is one tail call), so it saves no registers */
    struct tw_task_rec *t = tw__task_hot(&tw_tls_, th);
    struct tw_res_rec *r = t && rh ? tw__res_at_handle(tw__hdr(), rh) : NULL;
    if (TW_LIKELY(r != NULL) && TW_LIKELY(units == 1) && TW_LIKELY(how & TW_ACQ_OWNED)) {
        release_owned(t, r);
        return;
    }
    release_slow(th, rh, units, how);
}

/* What nearly every lock a program takes is: an exclusive lock its caller has just taken
 * without waiting (TW_ACQ_AT_ONCE | TW_ACQ_OWNED, one unit, a site), by the thread's hot task
 * (tw__task_hot: its record cached, its ring attached). The facts acquire() records for it,
 * without decoding units and flags: the task held none of r (owned), so its first free edge
 * becomes a hold of one, and r's count and version change with plain stores. tests/shim
 * checks that both paths leave the same records and events. */
static inline __attribute__((always_inline)) void acquire_at_once(tw_task_t th, struct tw_task_rec *t, struct tw_res_rec *r,
                                                                  uint32_t site, int how)
{
    uint64_t now = tw__now();
    struct tw_edge *e = free_edge(t);
    if (TW_UNLIKELY(!e)) {
        tw_instr_error(TW_ERR_EDGES_FULL, t->id, r->id);
        return;
    }
    tw__seq_begin(&t->seq);
    uint64_t old = tw__wait_of(t);
    *e = (struct tw_edge){.res = r->id, .role = TW_EDGE_HOLD, .count = 1}; /* one store */
    if (t->waiting_on == r->id)
        tw__wait_clear(t);
    tw__seq_end(&t->seq);
    uint32_t v = units_change(r, -1, 1);
    tw__emit_attached(&tw_tls_, now, TW_EV_ACQUIRE,
                      TW_EVF_RES_VERSION | TW_EVF_AT_SITE | (how == TW_ACQ_TRY ? TW_EVF_TRY : 0), (uint16_t)site,
                      t->id, r->id, v, old);
    /* last, so that its scan of the other held locks (a call, seldom made) is a tail call and
     * the path saves no registers */
    tw__order_acquired(th, t, (unsigned)(e - t->edges), r, site, how, 0);
}

__attribute__((noinline, cold)) static void acquire_slow(tw_task_t th, tw_res_t rh, int64_t units, uint32_t site, int how)
{
    struct tw_res_rec *r;
    struct tw_task_rec *t;
    if (!records_of(th, rh, &t, &r))
        return;
    acquire(th, t, r, units, site, how, tw__now());
}

void tw__acquire(tw_task_t th, tw_res_t rh, int64_t units, uint32_t site, int how)
{
    struct tw_task_rec *hot = tw__task_hot(&tw_tls_, th);
    struct tw_res_rec *r = hot && rh ? tw__res_at_handle(tw__hdr(), rh) : NULL;
    if (TW_LIKELY(r != NULL) && TW_LIKELY(units == 1) && TW_LIKELY(site - 1 < 0xffffu) &&
        TW_LIKELY((how & ~TW_ACQ_TRY) == (TW_ACQ_LOCK | TW_ACQ_AT_ONCE | TW_ACQ_OWNED))) {
        acquire_at_once(th, hot, r, site, how & ~(TW_ACQ_AT_ONCE | TW_ACQ_OWNED));
        return;
    }
    acquire_slow(th, rh, units, site, how);
}

/* tw__message when the fast path cannot take it: any task (or none), any handle, errors counted */
__attribute__((noinline, cold)) static void message_slow(tw_task_t th, tw_res_t rh, int type, int how)
{
    struct tw_res_rec *r;
    struct tw_task_rec *t;
    if (!records_of(th, rh, &t, &r))
        return;
    if (type != TW_EV_SEND && type != TW_EV_RECV) {
        tw_instr_error(TW_ERR_BAD_STATE, t ? t->id : 0, r->id);
        return;
    }
    message(t, r, type, how & TW_ACQ_OWNED, how & TW_ACQ_WAKER, tw__now_after(how & TW_ACQ_SAME_TIME, t ? t->state_ts : 0), 0);
}

void tw__message(tw_task_t th, tw_res_t rh, int type, int how)
{
    /* a runtime task's own message: its record cached, its ring attached (no lookup, no call,
     * and no slow path inlined here to make this one save registers) */
    struct tw_task_rec *t = tw__task_hot(&tw_tls_, th);
    struct tw_res_rec *r = t ? tw__res_at_handle(tw__hdr(), rh) : NULL;
    if (TW_LIKELY(r != NULL) && TW_LIKELY(type == TW_EV_SEND || type == TW_EV_RECV)) {
        message(t, r, type, how & TW_ACQ_OWNED, how & TW_ACQ_WAKER, tw__now_after(how & TW_ACQ_SAME_TIME, t->state_ts), 1);
        return;
    }
    message_slow(th, rh, type, how);
}

/* Task t asks for r or blocks on it (ACQUIRE_REQ, BLOCK_FULL, BLOCK_EMPTY): its wait begins.
 * units 1 on a block: the wait holds a new waker (tw_block_*_how, TW_ACQ_WAKER). */
static inline __attribute__((always_inline)) void wait_begins(struct tw_task_rec *t, struct tw_res_rec *r, int type,
                                                              int64_t units, uint32_t site, uint64_t now, int attached,
                                                              void *frame)
{
    int kind = type == TW_EV_ACQUIRE_REQ ? TW_WAIT_ACQUIRE : type == TW_EV_BLOCK_FULL ? TW_WAIT_SEND : TW_WAIT_RECV;
    uint32_t stack = TW_CALLER_STACK_AT(frame, t->ctx.stack_lo, t->ctx.stack_hi);
    tw__seq_begin(&t->seq);
    uint64_t old = tw__wait_of(t);
    tw__wait_set(t, site, kind, r->id, stack);
    t->flags &= (uint8_t)~TW_TF_TIMED;
    int waker = units == 1 && type != TW_EV_ACQUIRE_REQ;
    t->wakers_alive += waker;
    uint32_t v = ++t->version;
    tw__seq_end(&t->seq);
    tw__emit_as(attached, now, type, waker ? TW_EVF_WAKER : 0, (uint16_t)site, t->id, r->id, v, old);
}

static void res_event_slow(tw_task_t th, tw_res_t rh, int type, int64_t units, uint32_t site, void *frame);

void tw__res_event(tw_task_t th, tw_res_t rh, int type, int64_t units, uint32_t site)
{
    /* a runtime task's own block: its record cached, its ring attached (no lookup, no call) */
    struct tw_task_rec *t = tw__task_hot(&tw_tls_, th);
    struct tw_res_rec *r = t ? tw__res_at_handle(tw__hdr(), rh) : NULL;
    if (TW_LIKELY(r != NULL) && (type == TW_EV_BLOCK_EMPTY || type == TW_EV_BLOCK_FULL)) {
        wait_begins(t, r, type, units, site, tw__now(), 1, __builtin_frame_address(0));
        return;
    }
    /* this frame: a stack taken below (TW_BACKTRACE) starts at the caller's code */
    res_event_slow(th, rh, type, units, site, __builtin_frame_address(0));
}

/* Every other resource event, and blocks of tasks that are not cached. */
__attribute__((noinline)) static void res_event_slow(tw_task_t th, tw_res_t rh, int type, int64_t units, uint32_t site,
                                                     void *frame)
{
    struct tw_res_rec *r;
    struct tw_task_rec *t;
    if (!records_of(th, rh, &t, &r))
        return;
    uint32_t tid = t ? t->id : 0;
    uint64_t now = tw__now();
    switch (type) {
    case TW_EV_ACQUIRE_REQ:
    case TW_EV_BLOCK_FULL:
    case TW_EV_BLOCK_EMPTY:
        if (t)
            wait_begins(t, r, type, units, site, now, 0, frame);
        return;
    case TW_EV_ACQUIRE:
        acquire(th, t, r, units, site, TW_ACQ_LOCK, now);
        return;
    case TW_EV_RELEASE:
        release(t, r, units, 0, now);
        return;
    case TW_EV_SEND:
    case TW_EV_RECV:
        message(t, r, type, 0, 0, now, 0);
        return;
    case TW_EV_CANCEL: {
        uint64_t old = 0;
        uint32_t v = 0;
        if (t) {
            tw__seq_begin(&t->seq);
            old = tw__wait_of(t);
            if (t->waiting_on == r->id)
                tw__wait_clear(t);
            v = ++t->version;
            tw__seq_end(&t->seq);
        }
        tw__emit(now, TW_EV_CANCEL, 0, (uint16_t)(units ? 1 : 0), tid, r->id, v, old);
        if (units)
            tw__emit(now, TW_EV_MSG_DROP, 0, 0, tid, r->id, 0, 0);
        return;
    }
    case TW_EV_TRY_FAIL:
        tw__emit(now, TW_EV_TRY_FAIL, 0, 0, tid, r->id, 0, 0);
        return;
    default:
        tw_instr_error(TW_ERR_BAD_STATE, tid, r->id);
    }
}

void tw__edge(tw_task_t th, tw_res_t rh, int type, int role, int dir)
{
    struct tw_res_rec *r = tw_res_rec(rh);
    struct tw_task_rec *t = tw_task_rec(th);
    if (!r || !t)
        return;
    int app = type == TW_EV_INTENT_SET || type == TW_EV_INTENT_CLEAR;
    if (type == TW_EV_INTENT_SET && !is_intent(role)) {
        tw_instr_error(TW_ERR_BAD_STATE, t->id, r->id);
        return;
    }
    if ((type == TW_EV_HANDLE_ADD || type == TW_EV_HANDLE_DROP) && role != TW_EDGE_SENDER && role != TW_EDGE_RECEIVER) {
        tw_instr_error(TW_ERR_BAD_STATE, t->id, r->id);
        return;
    }
    struct tw_edge *e = NULL;
    uint64_t old = 0;
    if (type == TW_EV_INTENT_SET || type == TW_EV_INTENT_CLEAR) {
        /* one intent per (task, resource): find whichever role it has */
        e = find_edge(t, r->id, TW_EDGE_INTENT_COND, 0);
        if (!e)
            e = find_edge(t, r->id, TW_EDGE_INTENT_UNCOND, 0);
        if (e)
            old = e->role | (uint64_t)e->dir << 8;
        if (!e && type == TW_EV_INTENT_SET)
            e = find_edge(t, 0, 0, 1);
        if (!e) {
            if (type == TW_EV_INTENT_SET)
                tw_instr_error(TW_ERR_EDGES_FULL, t->id, r->id);
            return; /* clearing an intent that is not there: nothing happened */
        }
    } else {
        e = find_edge(t, r->id, role, type == TW_EV_HANDLE_ADD);
        if (!e || (type == TW_EV_HANDLE_DROP && e->count == 0)) {
            tw_instr_error(type == TW_EV_HANDLE_ADD ? TW_ERR_EDGES_FULL : TW_ERR_RELEASE_UNHELD, t->id, r->id);
            return;
        }
    }
    tw__seq_begin(&t->seq);
    switch (type) {
    case TW_EV_HANDLE_ADD:
        e->res = r->id;
        e->role = (uint8_t)role;
        e->count++;
        break;
    case TW_EV_HANDLE_DROP:
        if (--e->count == 0)
            memset(e, 0, sizeof *e);
        break;
    case TW_EV_INTENT_SET:
        e->res = r->id;
        e->role = (uint8_t)role;
        e->dir = (uint8_t)dir;
        e->count = 1;
        break;
    case TW_EV_INTENT_CLEAR:
        memset(e, 0, sizeof *e);
        break;
    }
    uint32_t v = ++t->version;
    tw__seq_end(&t->seq);
    tw__emit(tw__now(), type, app ? TW_EVF_APP : 0, (uint16_t)(role | dir << 8), t->id, r->id, v, old);
}
