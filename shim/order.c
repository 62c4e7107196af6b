/* order.c — the lock-order graph, as lockdep keeps it: one edge per ordered pair of locks
 * (held -> acquired) in the region's order table (tw_region.h, struct tw_order_rec), so that
 * every writer (the reference runtime, the pthread adapter, any runtime that calls
 * tw_acquire_at) feeds the same graph and libtwcore finds its cycles.
 *
 * Only a blocking, exclusive acquisition of a lock makes edges: a try-lock or a timed lock
 * cannot wait forever, so it can never close a deadlock (lockdep, TSan and helgrind skip them
 * too); a lock taken that way is still held, and edges from it to a later blocking acquisition
 * are real. Every acquisition therefore leaves a note beside the task's HOLD edge: where the
 * lock was taken and how. The notes are private memory indexed by task slot (written, like the
 * task record, only by the thread running the task): readers need them only inside the edges.
 *
 * Cost: the common case (an edge already recorded) is one hash and one load per held lock; an
 * edge of a folded class pair adds one more (its class record). */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "internal.h"

/* the notes (struct tw_hold_note, internal.h): one per task slot */
struct tw_hold_note *tw__notes;
uint32_t tw__notes_count;
static size_t notes_bytes;

int tw__order_setup(uint32_t max_tasks)
{
    size_t bytes = (size_t)max_tasks * sizeof *tw__notes;
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return 0;
    tw__notes = m;
    notes_bytes = bytes;
    tw__notes_count = max_tasks;
    return 1;
}

void tw__order_forget(void)
{
    if (tw__notes)
        munmap(tw__notes, notes_bytes);
    tw__notes = NULL;
    notes_bytes = 0;
    tw__notes_count = 0;
}

static uint64_t slot_of(uint64_t key, uint32_t mask)
{
    return ((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static void raise_count(struct tw_header *h, uint32_t used)
{
    uint32_t c = __atomic_load_n(&h->orders.count, __ATOMIC_RELAXED);
    while (c < used && !__atomic_compare_exchange_n(&h->orders.count, &c, used, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
    }
}

enum { EDGE_PRESENT, EDGE_ADDED, EDGE_NO_ROOM };

/* The record of `key`; else, with claim, a free slot claimed for it (*claimed = 1, its fields to
 * be written); NULL when absent (without claim) or when TW_ORDER_PROBES slots from its hash are
 * all taken by others. Lock-free: CAS of key. */
static struct tw_order_rec *slot_for(struct tw_header *h, uint64_t key, int claim, int *claimed)
{
    uint32_t cap = h->orders.capacity; /* a power of two (region.c) */
    *claimed = 0;
    if (!cap)
        return NULL;
    struct tw_order_rec *table = (struct tw_order_rec *)(tw__base() + h->orders.offset);
    uint64_t i = slot_of(key, cap - 1);
    for (unsigned probe = 0; probe < TW_ORDER_PROBES; probe++, i = (i + 1) & (cap - 1)) {
        struct tw_order_rec *r = &table[i];
        uint64_t k = __atomic_load_n(&r->key, __ATOMIC_ACQUIRE);
        if (TW_LIKELY(k == key))
            return r;
        if (k != 0)
            continue;
        if (!claim)
            return NULL;
        if (!__atomic_compare_exchange_n(&r->key, &k, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            if (k == key)
                return r;
            continue;
        }
        raise_count(h, (uint32_t)i + 1);
        *claimed = 1;
        return r;
    }
    return NULL;
}

/* Fill a slot claimed for e: its fields, then the release-publish of its flags. */
static void publish(struct tw_order_rec *r, const struct tw_order_rec *e)
{
    r->held_site = e->held_site;
    r->acquired_site = e->acquired_site;
    r->task = e->task;
    __atomic_store_n(&r->flags, e->flags | TW_ORDER_PUBLISHED, __ATOMIC_RELEASE);
}

/* Record e once: 1 when this call added it. A record that finds no slot is counted in
 * orders.full. */
static int add_record(struct tw_header *h, const struct tw_order_rec *e)
{
    int claimed;
    struct tw_order_rec *r = slot_for(h, e->key, 1, &claimed);
    if (!r) {
        __atomic_add_fetch(&h->orders.full, 1, __ATOMIC_RELAXED);
        return 0;
    }
    if (!claimed)
        return 0;
    publish(r, e);
    return 1;
}

/* An instance edge between two locks of known classes: recorded while its class pair has fewer
 * than TW_ORDER_PER_CLASS instance edges, folded after (tw_region.h "Lock classes"). */
static void add_classed_edge(struct tw_header *h, const struct tw_order_rec *e, uint32_t held_class,
                             uint32_t acquired_class)
{
    int claimed;
    struct tw_order_rec c = {.key = TW_ORDER_CLASS_KEY(held_class, acquired_class), .held_site = held_class,
                             .acquired_site = acquired_class, .flags = TW_ORDER_CLASS | TW_ORDER_ACQ_TRY};
    /* a folded class pair first: a server taking a global lock then any of thousands of hashed
     * ones asks one hot record, not the probe chain of an instance edge never recorded */
    struct tw_order_rec *cls = slot_for(h, c.key, 0, &claimed);
    if (cls && __atomic_load_n(&cls->task, __ATOMIC_RELAXED) >= TW_ORDER_PER_CLASS)
        return;
    if (TW_LIKELY(slot_for(h, e->key, 0, &claimed) != NULL))
        return; /* this pair is known */
    if (!cls)
        cls = slot_for(h, c.key, 1, &claimed);
    if (cls && claimed)
        publish(cls, &c); /* task = 0: no instance edge of the pair counted yet */
    if (cls && __atomic_load_n(&cls->task, __ATOMIC_RELAXED) >= TW_ORDER_PER_CLASS)
        return; /* folded: this class pair's shape is known */
    if (add_record(h, e) && cls)
        __atomic_add_fetch(&cls->task, 1, __ATOMIC_RELAXED);
}

/* The edges from every other lock note n says task t holds to r, just taken at `site` by a
 * blocking exclusive acquisition into t->edges[edge] (tw__order_acquired decided that). */
void tw__order_edges(struct tw_hold_note *n, const struct tw_task_rec *t, unsigned edge, const struct tw_res_rec *r,
                     uint32_t site)
{
    struct tw_header *h = NULL;
    for (unsigned others = n->locks & ~(1u << edge); others; others &= others - 1) {
        unsigned k = (unsigned)__builtin_ctz(others);
        const struct tw_edge *held = &t->edges[k];
        if (!held->res || (held->role != TW_EDGE_HOLD && held->role != TW_EDGE_HOLD_SHARED)) {
            n->locks = (uint16_t)(n->locks & ~(1u << k));
            continue;
        }
        if (held->res == r->id || !(n->edge[k].how & TW_NOTE_LOCK_KIND))
            continue;
        if (!h)
            h = tw__hdr();
        struct tw_order_rec e = {
            .key = (uint64_t)held->res << 32 | r->id,
            .held_site = n->edge[k].site,
            .acquired_site = site,
            .task = t->id,
            .flags = ((n->edge[k].how & TW_NOTE_TRY) ? TW_ORDER_HELD_TRY : 0) |
                     (held->role == TW_EDGE_HOLD_SHARED ? TW_ORDER_HELD_SHARED : 0),
        };
        if (n->edge[k].class_ && r->create_site)
            add_classed_edge(h, &e, n->edge[k].class_, r->create_site);
        else
            add_record(h, &e);
    }
}

void tw__overflow(int what, uint64_t n)
{
    if (what < 0 || what >= TW_OVF_SLOTS || !tw__region_ensure())
        return;
    __atomic_add_fetch(&tw__hdr()->overflow[what], n, __ATOMIC_RELAXED);
}
