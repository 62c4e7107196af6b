/* holders.c — who holds the resource a chain's task waits on (DESIGN.md "Deadlock": each
 * resource entry names its holders), for the chain builders and both renderers.
 *
 * Which edges count depends on the wait, because only they answer "who keeps me waiting": a
 * receive waits on whoever holds a sender, a send on whoever holds a receiver, anything else
 * (a lock, a semaphore — waited on as a signal by the pthread adapter, since any thread may
 * post it —, a condvar) on the tasks holding units of it: owners, readers, semaphore takers
 * that have not posted. Intents are not holds and are left out. Done tasks stay in: a thread
 * that finished holding a mutex is exactly what the reader needs to see. */
#include <stdlib.h>
#include "internal.h"

static int holds_for(unsigned wait_kind, unsigned role)
{
    switch (wait_kind) {
    case TW_WAIT_RECV: return role == TW_EDGE_SENDER;
    case TW_WAIT_SEND: return role == TW_EDGE_RECEIVER;
    default: return role == TW_EDGE_HOLD || role == TW_EDGE_HOLD_SHARED;
    }
}

size_t twc__res_holders(const struct derived *d, uint32_t ri, unsigned wait_kind, void (*fn)(void *, uint32_t), void *arg)
{
    size_t n = 0;
    uint32_t last = UINT32_MAX;
    for (uint32_t k = d->hold_start[ri]; k < d->hold_start[ri + 1]; k++) {
        const struct rel *e = &d->hold[k];
        /* one task's edges are adjacent (twc__derive walks tasks in order): name it once */
        if (!holds_for(wait_kind, e->role) || e->task == last) continue;
        last = e->task;
        if (fn) fn(arg, e->task);
        n++;
    }
    return n;
}

/* The wait that a chain's resource entry k answers: that of the task before it (a select's
 * branches follow their task one after another), on that resource. */
unsigned twc__chain_wait_kind(const struct model *m, const struct dl_entry *c, size_t k)
{
    size_t j = k;
    while (j && !c[j - 1].is_task) j--;
    if (!j || c[k].is_task || c[k].idx == UINT32_MAX) return TW_WAIT_NONE;
    return twc__wait_kind_on(&m->tasks[c[j - 1].idx], m->res[c[k].idx].id);
}

struct hl { struct twc_session *s; const struct model *m; struct sbuf *b; int n; };

static void json_one(void *arg, uint32_t ti)
{
    struct hl *h = arg;
    const struct mtask *t = &h->m->tasks[ti];
    twc__sb_printf(h->b, "%s{\"task\":%llu,\"name\":", h->n++ ? "," : "", (unsigned long long)t->id);
    twc__sb_json_str(h->b, twc__task_name(h->s, t));
    twc__sb_puts(h->b, "}");
}

void twc__json_holders(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                  uint32_t ri, unsigned wait_kind)
{
    struct hl h = { s, m, b, 0 };
    twc__sb_puts(b, "[");
    twc__res_holders(d, ri, wait_kind, json_one, &h);
    twc__sb_puts(b, "]");
}

static void text_one(void *arg, uint32_t ti)
{
    struct hl *h = arg;
    const struct mtask *t = &h->m->tasks[ti];
    twc__sb_printf(h->b, "%s%s (%llu)", h->n++ ? ", " : "", twc__task_name(h->s, t), (unsigned long long)t->id);
}

int twc__text_holders(struct twc_session *s, const struct model *m, const struct derived *d, struct sbuf *b,
                 uint32_t ri, unsigned wait_kind)
{
    struct hl h = { s, m, b, 0 };
    twc__res_holders(d, ri, wait_kind, text_one, &h);
    return h.n;
}

/* The resource index task t waits on, UINT32_MAX for a join or an unknown id. */
uint32_t twc__wait_res_idx(const struct model *m, const struct mtask *t)
{
    if (t->wait_kind == TW_WAIT_JOIN) return UINT32_MAX;
    long r = twc__idmap_get(&m->rmap, t->waiting_on);
    return r < 0 ? UINT32_MAX : (uint32_t)r;
}

struct follow { const uint8_t *cls, *seen; uint32_t next; };

static void first_unseen(void *arg, uint32_t ti)
{
    struct follow *f = arg;
    if (f->next == UINT32_MAX && f->cls[ti] != WK_NONE && !f->seen[ti]) f->next = ti;
}

size_t twc__chain_by_holders(const struct model *m, const struct derived *d, const uint8_t *cls, struct dl_entry *out)
{
    uint8_t *seen = calloc(m->ntasks + 1, 1);
    size_t n = 0;
    for (size_t i = 0; i < m->ntasks; i++) {
        if (cls[i] == WK_NONE || (seen && seen[i])) continue;
        for (uint32_t cur = (uint32_t)i; cur != UINT32_MAX;) {
            const struct mtask *t = &m->tasks[cur];
            if (seen) seen[cur] = 1;
            out[n++] = (struct dl_entry){ .is_task = 1, .idx = cur };
            uint32_t ri = twc__wait_res_idx(m, t);
            struct follow f = { cls, seen, UINT32_MAX };
            if (ri != UINT32_MAX) {
                out[n++] = (struct dl_entry){ .is_task = 0, .idx = ri };
                if (seen) twc__res_holders(d, ri, t->wait_kind, first_unseen, &f);
            } else if (t->wait_kind == TW_WAIT_JOIN && seen) {
                long j = twc__idmap_get(&m->tmap, t->waiting_on);
                if (j >= 0) first_unseen(&f, (uint32_t)j);
            }
            cur = f.next;
        }
    }
    free(seen);
    return n;
}
