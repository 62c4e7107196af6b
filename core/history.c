/* history.c — the flight recorder: reading every thread's ring, merging them into one
 * sequence (timestamp, then per-entity version: clock skew between cores cannot reorder what
 * happened to one entity), numbering it (seq = the event's number in its ring x ring slots +
 * ring index: the same event keeps its number in every read), and moving the
 * view through it. Rewinding is undoing events newest first (docs/events.md); redo is its
 * inverse and is what `validate` replays. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const char *ev_names[TW_EV_TYPE_COUNT] = {
    "none", "spawn", "name", "poll_begin", "poll_end", "done", "dropped", "wake", "waker_create",
    "waker_clone", "waker_drop", "waker_transfer", "pause", "resume", "await_begin", "await_end",
    "res_create", "res_close", "acquire_req", "acquire", "release", "try_fail", "send", "recv",
    "block_full", "block_empty", "handle_add", "handle_drop", "intent_set", "intent_clear", "attr",
    "cancel", "msg_drop", "instr_error",
};

const char *twc__event_type_name(unsigned type) { return type < TW_EV_TYPE_COUNT ? ev_names[type] : "unknown"; }

int twc__event_has_resource(const struct tw_event *e)
{
    unsigned type = e->type;
    if (type == TW_EV_POLL_END) return TW_EVF_KIND(e->flags) != 0; /* a block folded in (ABI 1.6) */
    return type >= TW_EV_RES_CREATE && type <= TW_EV_CANCEL && type != TW_EV_ATTR ? 1 : type == TW_EV_MSG_DROP;
}

struct sortkey { uint64_t ts; uint32_t ring, pos; uint32_t idx; };

static int cmp_time(const void *x, const void *y)
{
    const struct sortkey *a = x, *b = y;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    if (a->ring != b->ring) return a->ring < b->ring ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

struct entkey { uint64_t key; uint32_t pos; };
static int cmp_ent(const void *x, const void *y)
{
    const struct entkey *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static uint64_t entity_key(const struct tw_event *e)
{
    if (e->version == 0) return 0;   /* events that change nothing carry no version: keep their time */
    if (e->flags & TW_EVF_RES_VERSION) return e->res ? (1ull << 63) | e->res : 0;
    return e->task;
}

static int cmp_version(const void *x, const void *y)
{
    const struct mevent *a = x, *b = y;
    if (a->ev.version != b->ev.version) return a->ev.version < b->ev.version ? -1 : 1;
    return 0;
}

/* Of the `kept` events of ring i starting at event `first`, how many may have been overwritten
 * by the time we look. Event n is safe only if n > head - capacity: a writer stores event
 * `head` into the slot of event head - capacity *before* it publishes head + 1, so that slot
 * may be half rewritten in any image of a ring that wrapped — a running process, one stopped
 * by a debugger, or a core, all alike (stopped and dumped copies must answer what the live one
 * does). On a live target the head is read again after the copy, for the writer kept going. */
static uint64_t overwritten_meanwhile(struct twc_session *s, const struct tw_table_desc *rt, size_t i,
                                      const struct tw_ring_desc *d, uint64_t first, uint64_t kept)
{
    uint64_t after = d->head;
    if (!kept) return 0;
    if ((s->flags & TWC_LIVE) &&
        twc__src_read(s, rt->offset + i * rt->stride + offsetof(struct tw_ring_desc, head), &after, sizeof after))
        return kept;                      /* cannot tell: trust none of it */
    if (after < d->head) return kept;     /* heads only grow: this is not the ring we read */
    if (after < d->capacity) return 0;
    uint64_t safe_from = after - d->capacity + 1;
    return safe_from <= first ? 0 : safe_from - first > kept ? kept : safe_from - first;
}

int twc__load_events(struct twc_session *s, char *err, size_t errlen)
{
    if (s->events_loaded || s->facts) return 0;
    const struct tw_table_desc *rt = &s->hdr.rings;
    size_t nr = rt->count;
    if (twc__src_readable(s, rt->offset, nr * (size_t)rt->stride)) {
        MSG(err, errlen, "cannot read the ring directory (region truncated or unreadable)");
        return TWC_ECORRUPT;
    }
    uint8_t *dir = malloc(nr * (size_t)rt->stride + 1);
    if (!dir) { MSG(err, errlen, "out of memory reading the ring directory"); return TWC_EINTERNAL; }
    if (nr && twc__src_read(s, rt->offset, dir, nr * (size_t)rt->stride)) {
        free(dir);
        MSG(err, errlen, "cannot read the ring directory (region truncated or unreadable)");
        return TWC_ECORRUPT;
    }
    size_t total = 0;
    struct tw_ring_desc *rd = calloc(nr + 1, sizeof *rd);
    if (!rd) { free(dir); return TWC_EINTERNAL; }
    for (size_t i = 0; i < nr; i++) {
        memcpy(&rd[i], dir + i * rt->stride, sizeof rd[i]);
        struct tw_ring_desc *d = &rd[i];
        if (d->seq == 0) continue;
        if (d->capacity == 0 && d->head == 0) {   /* TW_LOG_EVENTS=0: no events, only a count */
            s->ring_dropped += d->dropped;
            s->nrings++;
            d->seq = 0;
            continue;
        }
        unsigned __int128 end = (unsigned __int128)d->offset + (unsigned __int128)d->capacity * sizeof(struct tw_event);
        if (d->capacity == 0 || d->capacity > (1u << 28) || d->offset < s->hdr.header_size || end > s->used ||
            twc__src_readable(s, d->offset, (uint64_t)d->capacity * sizeof(struct tw_event))) {
            s->hist_errors++;
            d->seq = 0;            /* a ring we cannot trust is skipped, and validate says so */
            continue;
        }
        total += d->head < d->capacity ? d->head : d->capacity;
        s->ring_dropped += d->dropped;
        s->nrings++;
    }
    free(dir);
    free(s->events); /* a previous attempt that failed half-way */
    s->events = malloc((total ? total : 1) * sizeof *s->events);
    struct sortkey *keys = malloc((total ? total : 1) * sizeof *keys);
    uint64_t *ringmin = calloc(nr + 1, sizeof *ringmin);
    if (!s->events || !keys || !ringmin) { free(rd); free(keys); free(ringmin); MSG(err, errlen, "out of memory reading events"); return TWC_EINTERNAL; }
    size_t n = 0;
    for (size_t i = 0; i < nr; i++) {
        struct tw_ring_desc *d = &rd[i];
        if (d->seq == 0) continue;
        uint64_t kept = d->head < d->capacity ? d->head : d->capacity;
        struct tw_event *buf = malloc((d->head < d->capacity ? kept : d->capacity) * sizeof *buf + 1);
        if (!buf) { free(rd); free(keys); free(ringmin); return TWC_EINTERNAL; }
        uint64_t readn = d->head < d->capacity ? kept : d->capacity;
        if (twc__src_read(s, d->offset, buf, readn * sizeof *buf)) {
            MSG(err, errlen, "cannot read the event ring of thread %u (region truncated or unreadable)", d->os_tid);
            free(buf); free(rd); free(keys); free(ringmin);
            return TWC_ECORRUPT;
        }
        uint64_t first = d->head - kept;
        if (d->head > d->capacity) s->overwritten += d->head - d->capacity;
        /* The oldest events may have been overwritten while (or just before) we copied:
         * they are not history (docs/region.md "Rings"). */
        uint64_t stale = overwritten_meanwhile(s, rt, i, d, first, kept);
        first += stale;
        kept -= stale;
        s->overwritten += stale;
        for (uint64_t k = 0; k < kept; k++) {
            const struct tw_event *e = &buf[(first + k) % d->capacity];
            /* `tw snapshot` of a running process zeroes the events overwritten during its copy */
            if (e->type == TW_EV_NONE && (s->hdr.snapshot_flags & TW_SNAP_LIVE)) { s->overwritten++; continue; }
            if (e->type == TW_EV_NONE || e->type >= TW_EV_TYPE_COUNT) { s->hist_errors++; continue; }
            s->events[n].ev = *e;
            s->events[n].thread = d->os_tid;
            s->events[n].ring = (uint32_t)i;
            /* a ring's events are numbered by its head, which never goes back (a reused ring
             * keeps counting), so this number is the event's for as long as the region lives */
            s->events[n].seq = (first + k) * rt->capacity + i;
            keys[n] = (struct sortkey){ e->ts, (uint32_t)i, (uint32_t)k, (uint32_t)n };
            n++;
        }
        free(buf);
    }
    qsort(keys, n, sizeof *keys, cmp_time);
    struct mevent *sorted = malloc((n ? n : 1) * sizeof *sorted);
    struct entkey *ek = malloc((n ? n : 1) * sizeof *ek);
    if (!sorted || !ek) { free(sorted); free(ek); free(rd); free(keys); free(ringmin); return TWC_EINTERNAL; }
    for (size_t i = 0; i < n; i++) sorted[i] = s->events[keys[i].idx];
    free(s->events);
    s->events = sorted;
    /* within each entity, the positions its events occupy are refilled in version order */
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = entity_key(&sorted[i].ev);
        if (k) ek[ne++] = (struct entkey){ k, (uint32_t)i };
    }
    qsort(ek, ne, sizeof *ek, cmp_ent);
    struct mevent *grp = malloc((ne ? ne : 1) * sizeof *grp);
    if (grp) {
        for (size_t a = 0; a < ne;) {
            size_t b = a;
            while (b < ne && ek[b].key == ek[a].key) b++;
            for (size_t k = a; k < b; k++) grp[k - a] = sorted[ek[k].pos];
            /* insertion sort keeps equal versions in time order; groups are nearly sorted */
            for (size_t k = 1; k < b - a; k++) {
                struct mevent x = grp[k];
                size_t j = k;
                while (j && cmp_version(&grp[j - 1], &x) > 0) { grp[j] = grp[j - 1]; j--; }
                grp[j] = x;
            }
            for (size_t k = a; k < b; k++) sorted[ek[k].pos] = grp[k - a];
            a = b;
        }
    }
    free(grp); free(ek); free(keys);
    /* horizon: the newest of the wrapped rings' oldest retained events */
    for (size_t i = 0; i <= nr; i++) ringmin[i] = UINT64_MAX;
    for (size_t i = 0; i < n; i++) if (ringmin[sorted[i].ring] == UINT64_MAX) ringmin[sorted[i].ring] = i;
    size_t h = 0;
    for (size_t i = 0; i < nr; i++)
        if (rd[i].seq && rd[i].head > rd[i].capacity && ringmin[i] != UINT64_MAX && ringmin[i] > h) h = ringmin[i];
    free(ringmin); free(rd);
    s->nevents = n;
    s->horizon = h;
    s->events_loaded = 1;
    return 0;
}

uint64_t twc__event_seq(const struct twc_session *s, size_t idx) { return idx < s->nevents ? s->events[idx].seq : 0; }

long twc__event_index(const struct twc_session *s, uint64_t seq)
{
    for (size_t i = 0; i < s->nevents; i++) if (s->events[i].seq == seq) return (long)i;
    return -1;
}

/* ---- undo / redo (docs/events.md table) ---- */

static void set_wait(struct mtask *t, uint64_t p)
{
    t->await_site = TW_WAIT_SITE(p);
    t->wait_kind = (uint8_t)TW_WAIT_KIND(p);
    t->waiting_on = TW_WAIT_ON(p);
    if (TW_WAIT_TIMED(p)) t->flags |= TW_TF_TIMED; else t->flags &= (uint8_t)~TW_TF_TIMED;
}

static void clear_wait_if(struct mtask *t, uint64_t res)
{
    if (t->waiting_on != res) return;   /* the shim clears only a wait on this very resource */
    t->wait_kind = TW_WAIT_NONE;
    t->waiting_on = 0;
    t->flags &= (uint8_t)~TW_TF_TIMED;
}

static void clear_wait(struct mtask *t)
{
    t->wait_kind = TW_WAIT_NONE;
    t->waiting_on = 0;
    t->flags &= (uint8_t)~TW_TF_TIMED;
}

static int edge_add(struct mtask *t, uint64_t res, uint8_t role, uint8_t dir, int count)
{
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res == res && t->edges[e].role == role) { t->edges[e].count = (uint16_t)(t->edges[e].count + count); return 0; }
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (!t->edges[e].res) { t->edges[e] = (struct medge){ res, role, dir, (uint16_t)count }; return 0; }
    return -1;
}

static int edge_sub(struct mtask *t, uint64_t res, uint8_t role, int count)
{
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res == res && t->edges[e].role == role) {
            if (t->edges[e].count <= count) { int bad = t->edges[e].count < count; memset(&t->edges[e], 0, sizeof t->edges[e]); return bad ? -1 : 0; }
            t->edges[e].count = (uint16_t)(t->edges[e].count - count);
            return 0;
        }
    return -1;
}

static int intent_set(struct mtask *t, uint64_t res, unsigned packed)
{
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res == res && (t->edges[e].role == TW_EDGE_INTENT_COND || t->edges[e].role == TW_EDGE_INTENT_UNCOND)) {
            if (!packed) { memset(&t->edges[e], 0, sizeof t->edges[e]); return 0; }
            t->edges[e].role = packed & 0xff; t->edges[e].dir = (packed >> 8) & 0xff; t->edges[e].count = 1;
            return 0;
        }
    if (!packed) return 0;
    return edge_add(t, res, packed & 0xff, (packed >> 8) & 0xff, 1);
}

static unsigned intent_get(const struct mtask *t, uint64_t res)
{
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res == res && (t->edges[e].role == TW_EDGE_INTENT_COND || t->edges[e].role == TW_EDGE_INTENT_UNCOND))
            return t->edges[e].role | (unsigned)t->edges[e].dir << 8;
    return 0;
}

static int apply(struct model *m, const struct mevent *me, int undo)
{
    const struct tw_event *e = &me->ev;
    struct mtask *t = e->task ? twc__model_task(m, e->task) : NULL;
    struct mres *r = NULL;
    int bad = 0;
    int resv = e->flags & TW_EVF_RES_VERSION;
    unsigned units = e->aux ? e->aux : 1;
    uint8_t hold_role = (e->flags & TW_EVF_SHARED) ? TW_EDGE_HOLD_SHARED : TW_EDGE_HOLD;
    switch (e->type) {
    case TW_EV_RES_CREATE: case TW_EV_RES_CLOSE: case TW_EV_ACQUIRE: case TW_EV_RELEASE:
    case TW_EV_SEND: case TW_EV_RECV:
        r = twc__model_res(m, e->res);
        if (!r && !twc__res_recycled(m, e->res)) return -1;
        break;
    default: break;
    }
    int needs_task = !(e->type == TW_EV_RES_CREATE || e->type == TW_EV_RES_CLOSE || e->type == TW_EV_SEND ||
                       e->type == TW_EV_RECV || e->type == TW_EV_MSG_DROP || e->type == TW_EV_INSTR_ERROR);
    if (needs_task && !t) {
        if (!twc__task_recycled(m, e->task)) return -1;
        /* a task whose slot went to a later one: what it did to a live lock is still history */
        if (e->type != TW_EV_ACQUIRE && e->type != TW_EV_RELEASE) return 0;
    }
    /* Below, a NULL t or r is a recycled record (its slot went to a later one): the event
     * changes what is still there and nothing else. */
    switch (e->type) {
    case TW_EV_SPAWN:
        if (undo) t->hidden = 1; else { t->hidden = 0; t->state = TW_TASK_READY; }
        break;
    case TW_EV_NAME: t->name = undo ? (uint32_t)e->old : e->res; break;
    case TW_EV_POLL_BEGIN:
        if (undo) { t->state = e->old & 0xff; t->flags = (e->old >> 8) & 0xff; if (t->polls) t->polls--; else bad = 1; }
        else { t->state = TW_TASK_POLLING; t->polls++; t->flags &= (uint8_t)~TW_TF_WOKEN; }
        break;
    case TW_EV_POLL_END:
        t->state = undo ? (e->old & 0xff) : (uint8_t)(e->aux >> 8);
        if (TW_EVF_KIND(e->flags)) { /* the block that ended the poll, folded in (ABI 1.6): the task had no wait */
            if (undo) set_wait(t, TW_PACK_WAIT(TW_POLL_END_PREV_SITE(e->old), TW_WAIT_NONE, 0, 0));
            else set_wait(t, TW_PACK_WAIT(TW_POLL_END_WAIT_SITE(e->old), TW_EVF_KIND(e->flags), e->res, 0));
            if (e->flags & TW_EVF_WAKER) t->wakers_alive += undo ? -1 : 1; /* its WAKER_CREATE */
        }
        break;
    case TW_EV_DONE: case TW_EV_DROPPED:
        if (undo) { t->state = e->old & 0xff; t->flags &= (uint8_t)~TW_TF_DROPPED; }
        else { t->state = TW_TASK_DONE; if (e->type == TW_EV_DROPPED) t->flags |= TW_TF_DROPPED; }
        break;
    case TW_EV_WAKE:
        if (undo) {
            t->state = e->old & 0xff; t->flags = (e->old >> 8) & 0xff;
            if (t->wakes) t->wakes--; else bad = 1;
            if (e->res == e->task && t->self_wakes) t->self_wakes--;
        } else {
            if (t->state == TW_TASK_WAITING) t->state = TW_TASK_READY;
            else if (t->state == TW_TASK_POLLING) t->flags |= TW_TF_WOKEN;
            t->wakes++;
            if (e->res == e->task) t->self_wakes++;
        }
        break;
    case TW_EV_WAKER_CREATE: case TW_EV_WAKER_CLONE:
        t->wakers_alive = undo ? (int32_t)e->old : t->wakers_alive + 1; break;
    case TW_EV_WAKER_DROP:
        t->wakers_alive = undo ? (int32_t)e->old : t->wakers_alive - 1; break;
    case TW_EV_PAUSE: t->paused = undo ? (uint8_t)e->old : 1; break;
    case TW_EV_RESUME: t->paused = undo ? (uint8_t)e->old : 0; break;
    case TW_EV_AWAIT_BEGIN:
        if (undo) set_wait(t, e->old);
        else set_wait(t, TW_PACK_WAIT(e->aux, TW_EVF_KIND(e->flags), e->res, e->flags & TW_EVF_TIMED));
        if (e->flags & TW_EVF_WAKER) t->wakers_alive += undo ? -1 : 1; /* its WAKER_CREATE */
        break;
    case TW_EV_AWAIT_END:
        if (undo) set_wait(t, e->old); else clear_wait(t);
        if (e->flags & TW_EVF_WAKER) t->wakers_alive += undo ? 1 : -1; /* its WAKER_DROP */
        break;
    case TW_EV_CANCEL:
        if (undo) set_wait(t, e->old); else clear_wait_if(t, e->res);
        break;
    case TW_EV_RES_CREATE:
        if (!r) break;
        /* old is the capacity; an unbounded resource (-1) starts with 0 units, as the shim's */
        if (undo) r->hidden = 1; else { r->hidden = 0; r->available = (int64_t)e->old < 0 ? 0 : (int64_t)e->old; r->closed = 0; }
        break;
    case TW_EV_RES_CLOSE: if (r) r->closed = undo ? (uint8_t)e->old : 1; break;
    case TW_EV_ACQUIRE_REQ:
        if (undo) set_wait(t, e->old); else set_wait(t, TW_PACK_WAIT(e->aux, TW_WAIT_ACQUIRE, e->res, e->flags & TW_EVF_TIMED));
        break;
    case TW_EV_ACQUIRE:
        if (e->flags & TW_EVF_AT_SITE) units = 1; /* aux is its site (ABI 1.4) */
        if (r) r->available += undo ? (int64_t)units : -(int64_t)units;
        if (!t) break;
        if (undo) { if (edge_sub(t, e->res, hold_role, (int)units)) bad = 1; set_wait(t, e->old); }
        else { if (edge_add(t, e->res, hold_role, 0, (int)units)) bad = 1; clear_wait_if(t, e->res); }
        break;
    case TW_EV_RELEASE:
        if (r) r->available += undo ? -(int64_t)units : (int64_t)units;
        if (!t) break;
        if (undo) { if (edge_add(t, e->res, hold_role, 0, (int)units)) bad = 1; }
        else if (edge_sub(t, e->res, hold_role, (int)units)) bad = 1;
        break;
    case TW_EV_SEND: case TW_EV_RECV:
        if (r) r->queued += (e->type == TW_EV_SEND) != undo ? 1 : -1;
        if (t) { if (undo) set_wait(t, e->old); else clear_wait_if(t, e->res); }
        if (t && (e->flags & TW_EVF_WAKER)) t->wakers_alive += undo ? 1 : -1; /* its WAKER_DROP */
        break;
    case TW_EV_BLOCK_FULL: case TW_EV_BLOCK_EMPTY:
        if (undo) set_wait(t, e->old);
        else set_wait(t, TW_PACK_WAIT(e->aux, e->type == TW_EV_BLOCK_FULL ? TW_WAIT_SEND : TW_WAIT_RECV, e->res, e->flags & TW_EVF_TIMED));
        if (e->flags & TW_EVF_WAKER) t->wakers_alive += undo ? -1 : 1; /* its WAKER_CREATE */
        break;
    case TW_EV_HANDLE_ADD: case TW_EV_HANDLE_DROP: {
        int add = (e->type == TW_EV_HANDLE_ADD) != undo;
        if (add) { if (edge_add(t, e->res, (uint8_t)e->aux, 0, 1)) bad = 1; }
        else if (edge_sub(t, e->res, (uint8_t)e->aux, 1)) bad = 1;
        break;
    }
    case TW_EV_INTENT_SET:
        if (intent_set(t, e->res, undo ? (unsigned)e->old : e->aux)) bad = 1;
        break;
    case TW_EV_INTENT_CLEAR:
        if (undo) { if (intent_set(t, e->res, (unsigned)e->old)) bad = 1; }
        else if (!intent_get(t, e->res)) bad = 1; else intent_set(t, e->res, 0);
        break;
    case TW_EV_ATTR: {
        unsigned slot = e->aux;
        if (slot >= TW_MAX_ATTRS) return -1;
        uint32_t prev = (uint32_t)(e->old >> 32), nv = (uint32_t)e->old;
        if (undo) { t->attrs[slot].key = prev ? e->res : 0; t->attrs[slot].value = prev; }
        else { t->attrs[slot].key = e->res; t->attrs[slot].value = nv; }
        break;
    }
    default: break; /* TRY_FAIL, MSG_DROP, INSTR_ERROR, WAKER_TRANSFER change nothing */
    }
    if (resv && r) r->version = undo ? e->version - 1 : e->version;
    else if (!resv && t) t->version = undo ? e->version - 1 : e->version;
    return bad ? -1 : 0;
}

int twc__undo_event(struct model *m, const struct mevent *e) { return apply(m, e, 1); }
int twc__redo_event(struct model *m, const struct mevent *e) { return apply(m, e, 0); }

/* The model shown: the present, or the present with every event after at_idx undone. */
int twc__view_model(struct twc_session *s, const struct model **out, char *err, size_t errlen)
{
    if (s->at_now) { *out = &s->now; return 0; }
    if (!s->view_valid) {
        twc__model_free(&s->view);
        if (twc__model_copy(&s->view, &s->now)) { MSG(err, errlen, "out of memory rewinding"); return TWC_EINTERNAL; }
        struct time_rewind *tr = twc__time_rewind_begin(&s->view, s->read_now);
        for (size_t i = s->nevents; i > s->at_idx + 1; i--) {
            twc__time_rewind_event(tr, &s->view, &s->events[i - 1]);
            twc__undo_event(&s->view, &s->events[i - 1]);
        }
        twc__time_rewind_end(tr, &s->view, s->events[s->at_idx].ev.ts);
        s->view_valid = 1;
    }
    *out = &s->view;
    return 0;
}

uint64_t twc__now_raw(struct twc_session *s, const struct model *m)
{
    uint64_t t = 0;
    if (!s->at_now && s->at_idx < s->nevents) return s->events[s->at_idx].ev.ts;
    for (size_t i = 0; i < s->nevents; i++) if (s->events[i].ev.ts > t) t = s->events[i].ev.ts;
    for (size_t i = 0; i < m->ntasks; i++) if (!m->tasks[i].torn && m->tasks[i].state_ts > t) t = m->tasks[i].state_ts;
    return t;
}
