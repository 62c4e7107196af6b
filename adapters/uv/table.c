/* table.c — handle and request records, keyed by address, in fixed open-addressing tables
 * (no malloc). A handle or request belongs to one loop thread, which alone inserts and deletes
 * it; the threadpool only looks work requests up, after libuv's own queue lock ordered it. */
#include <string.h>
#include "twuv.h"

#define H_SLOTS 16384
#define R_SLOTS 32768
#define EMPTY 0
#define DELETED 1

static struct twuv_handle handles[H_SLOTS];
static struct twuv_req reqs[R_SLOTS];

#define LOOKUP(tab, slots, addr, create)                                                        \
    do {                                                                                        \
        uint64_t key = (uint64_t)(uintptr_t)(addr);                                             \
        uint64_t hsh = (key * 0x9E3779B97F4A7C15ull) >> 40;                                     \
        __typeof__(&tab[0]) hole = NULL;                                                        \
        for (unsigned probe = 0; probe < 256; probe++) {                                        \
            __typeof__(&tab[0]) e = &tab[(hsh + probe) & ((slots) - 1)];                        \
            uint64_t k = __atomic_load_n(&e->key, __ATOMIC_ACQUIRE);                            \
            if (k == key)                                                                       \
                return e;                                                                       \
            if (k == DELETED && !hole)                                                          \
                hole = e;                                                                       \
            if (k != EMPTY)                                                                     \
                continue;                                                                       \
            if (!(create))                                                                      \
                return NULL;                                                                    \
            if (!hole)                                                                          \
                hole = e;                                                                       \
            break;                                                                              \
        }                                                                                       \
        if (!(create) || !hole)                                                                 \
            return NULL;                                                                        \
        uint64_t k = __atomic_load_n(&hole->key, __ATOMIC_ACQUIRE);                             \
        if ((k != EMPTY && k != DELETED) ||                                                     \
            !__atomic_compare_exchange_n(&hole->key, &k, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) \
            return NULL; /* another loop thread took it this instant: not recorded */          \
        memset((char *)hole + sizeof hole->key, 0, sizeof *hole - sizeof hole->key);            \
        return hole;                                                                            \
    } while (0)

struct twuv_handle *twuv_handle(const void *handle, int create) { LOOKUP(handles, H_SLOTS, handle, create); }
struct twuv_req *twuv_req(const void *req, int create) { LOOKUP(reqs, R_SLOTS, req, create); }

void twuv_handle_del(struct twuv_handle *h)
{
    twuv_timer_track(h, 0);
    __atomic_store_n(&h->key, DELETED, __ATOMIC_RELEASE);
}

void twuv_req_del(struct twuv_req *r) { __atomic_store_n(&r->key, DELETED, __ATOMIC_RELEASE); }

/* ---- timers that may become due: scanned between callbacks ---- */
#define MAX_TIMERS 256
static struct twuv_handle *timers[MAX_TIMERS];

void twuv_timer_track(struct twuv_handle *h, int on)
{
    for (int i = 0; i < MAX_TIMERS; i++) {
        struct twuv_handle *cur = __atomic_load_n(&timers[i], __ATOMIC_ACQUIRE);
        if (on && cur == h)
            return;
        if (!on && cur == h) {
            __atomic_store_n(&timers[i], NULL, __ATOMIC_RELEASE);
            return;
        }
    }
    if (!on)
        return;
    for (int i = 0; i < MAX_TIMERS; i++) {
        struct twuv_handle *z = NULL;
        if (__atomic_compare_exchange_n(&timers[i], &z, h, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return;
    }
}

void twuv_timers_due(struct twuv_loop *lp)
{
    uint64_t now_ms = uv_hrtime() / 1000000;
    for (int i = 0; i < MAX_TIMERS; i++) {
        struct twuv_handle *h = __atomic_load_n(&timers[i], __ATOMIC_ACQUIRE);
        if (!h || h->lp != lp || h->woken)
            continue;
        uv_timer_t *t = (uv_timer_t *)(uintptr_t)h->key;
        if (uv_is_active((uv_handle_t *)t) && t->timeout <= now_ms) {
            tw_wake(h->task, lp->task);
            h->woken = 1;
        }
    }
}
