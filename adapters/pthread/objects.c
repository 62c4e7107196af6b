/* objects.c — the program's synchronisation objects, keyed by address, as TurboWish resources.
 *
 * A lock-free open-addressing table (linear probing, CAS to claim a slot) in zero-filled
 * memory: no malloc, no lock. A resource is created at the first use of an object, named after
 * the symbol at its address ("first", "forks+0x50") or else its address, with the site of that
 * first use as its creation site. Destroying the object (closing both ends of a pipe) closes the
 * resource, so the shim can give its record to a later one, and marks the slot so that a new
 * object at the same address becomes a new resource. Slots are never freed: the
 * table tracks up to OBJ_SLOTS distinct addresses, after which new ones are counted and left
 * unrecorded (the program runs the same). */
#include <string.h>
#include <sys/mman.h>
#include "twp.h"

#define OBJ_SLOTS 65536 /* power of two */
enum { ST_EMPTY = 0, ST_CREATING = 1, ST_LIVE = 2, ST_CLOSED = 3 };

struct twp_obj {
    uint64_t key;            /* address (or synthetic key); 0 = empty */
    uint64_t res;            /* tw_res_t, valid when LIVE (0 if the shim's table was full) */
    uint32_t state;
    uint8_t kind;
    uint8_t pad[3];
};
static struct twp_obj objs[OBJ_SLOTS] __attribute__((aligned(4096)));
TWP_EXPORT struct twp_stats twp_stats;

/* Each thread's recently used objects, so that a program's hot locks skip the shared table's
 * probe (a multiply, a walk and, in a server with many locks, a cache miss in 1.5 MB). An entry
 * holds while no object anywhere was destroyed or re-kinded since it was filled: such a change
 * bumps objects_gen after the slot's resource is closed, so an entry filled before it never
 * names a closed resource. A destroy in one thread empties every thread's entries: the cost
 * falls on programs that make and destroy locks per request, which then probe as before. */
#define RECENT 16
struct recent {
    uint64_t key;
    uint64_t res;
    uint32_t obj;
    uint32_t gen;
    uint32_t kind;
};
static __thread struct recent recent[RECENT] __attribute__((tls_model("initial-exec")));
static uint32_t objects_gen = 1; /* never 0, the gen of an entry never filled */

uint64_t twp_mutex_salt;

/* A salt no earlier process (a forked parent) had: the handles its mutexes keep fail the check */
static void new_salt(void)
{
    __atomic_store_n(&twp_mutex_salt, __builtin_ia32_rdtsc() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() << 32, __ATOMIC_RELAXED);
}
__attribute__((constructor(101))) static void objects_init(void) { new_salt(); }

static void objects_changed(void) { __atomic_add_fetch(&objects_gen, 1, __ATOMIC_RELEASE); }

static int class_of(int kind)
{
    switch (kind) {
    case TW_RES_MUTEX: case TW_RES_RWLOCK: case TW_RES_SEMAPHORE:
        return TW_CLASS_REUSABLE;
    default:
        return TW_CLASS_CONSUMABLE;
    }
}

static void create(struct twp_obj *o, uint64_t key, int kind, uint32_t site, const char *name)
{
    char buf[160];
    if (!name) {
        if (!twp_symbol((const void *)(uintptr_t)key, buf, sizeof buf))
            twp_hex(buf, key);
        name = buf;
    }
    int64_t cap = (kind == TW_RES_MUTEX || kind == TW_RES_RWLOCK) ? 1 : -1;
    uint64_t addr = (key >> 63) ? 0 : key; /* synthetic keys (pipes) have no address */
    tw_res_t r = tw_res_create(kind, class_of(kind), cap, name, site, addr);
    o->kind = (uint8_t)kind;
    __atomic_store_n(&o->res, r, __ATOMIC_RELAXED);
    __atomic_store_n(&o->state, ST_LIVE, __ATOMIC_RELEASE);
}

static tw_res_t lookup(uint64_t key, int kind, uint32_t site, const char *name, uint32_t *obj)
{
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 48;
    *obj = 0;
    for (unsigned probe = 0; probe < 256; probe++) {
        uint32_t idx = (uint32_t)((h + probe) & (OBJ_SLOTS - 1));
        struct twp_obj *o = &objs[idx];
        uint64_t k = __atomic_load_n(&o->key, __ATOMIC_ACQUIRE);
        if (k == 0) {
            if (__atomic_compare_exchange_n(&o->key, &k, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                __atomic_store_n(&o->state, ST_CREATING, __ATOMIC_RELAXED);
                create(o, key, kind, site, name);
                *obj = idx + 1;
                return o->res;
            }
        }
        if (k != key)
            continue;
        for (unsigned spin = 0;; spin++) {
            uint32_t st = __atomic_load_n(&o->state, __ATOMIC_ACQUIRE);
            if (st == ST_LIVE && o->kind == kind) {
                *obj = idx + 1;
                return __atomic_load_n(&o->res, __ATOMIC_RELAXED);
            }
            if (st == ST_CLOSED || st == ST_LIVE) {
                /* destroyed, or reused for another kind of object without destroy */
                if (__atomic_compare_exchange_n(&o->state, &st, ST_CREATING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                    if (st == ST_LIVE)
                        tw_res_close(o->res);
                    create(o, key, kind, site, name);
                    if (st == ST_LIVE)
                        objects_changed();
                    *obj = idx + 1;
                    return o->res;
                }
                continue;
            }
            /* ST_EMPTY (claimed a moment ago) or ST_CREATING: the creator never blocks */
            if (spin > 100000)
                return 0;
            __builtin_ia32_pause();
        }
    }
    twp_full(&twp_stats.objects_full, TW_OVF_OBJECTS);
    return 0;
}

tw_res_t twp_res(const void *addr, int kind, uint32_t site, uint32_t *obj)
{
    uint64_t key = (uint64_t)(uintptr_t)addr;
    struct recent *c = &recent[(key * 0x9E3779B97F4A7C15ull) >> 60];
    uint32_t gen = __atomic_load_n(&objects_gen, __ATOMIC_ACQUIRE);
    if (TWP_LIKELY(c->key == key && c->gen == gen && c->kind == (uint32_t)kind)) {
        *obj = c->obj;
        return c->res;
    }
    tw_res_t r = lookup(key, kind, site, NULL, obj);
    if (r && *obj)
        *c = (struct recent){ .key = key, .res = r, .obj = *obj, .gen = gen, .kind = (uint32_t)kind };
    return r;
}

tw_res_t twp_res_key(uint64_t key, int kind, uint32_t site, const char *name, uint32_t *obj)
{
    return lookup(key | (1ull << 63), kind, site, name, obj);
}

tw_res_t twp_res_find(const void *addr, int kind)
{
    uint64_t key = (uint64_t)(uintptr_t)addr;
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 48;
    for (unsigned probe = 0; key && probe < 256; probe++) {
        struct twp_obj *o = &objs[(h + probe) & (OBJ_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&o->key, __ATOMIC_ACQUIRE);
        if (k == 0)
            return 0;
        if (k != key)
            continue;
        if (__atomic_load_n(&o->state, __ATOMIC_ACQUIRE) != ST_LIVE || o->kind != kind)
            return 0;
        return __atomic_load_n(&o->res, __ATOMIC_RELAXED);
    }
    return 0;
}

static void forget(uint64_t key)
{
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 48;
    for (unsigned probe = 0; probe < 256; probe++) {
        struct twp_obj *o = &objs[(h + probe) & (OBJ_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&o->key, __ATOMIC_ACQUIRE);
        if (k == 0)
            return;
        if (k != key)
            continue;
        uint32_t st = ST_LIVE;
        if (__atomic_compare_exchange_n(&o->state, &st, ST_CREATING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            tw_res_close(o->res);
            __atomic_store_n(&o->state, ST_CLOSED, __ATOMIC_RELEASE);
            objects_changed();
        }
        return;
    }
}

void twp_res_forget(const void *addr)
{
    if (addr)
        forget((uint64_t)(uintptr_t)addr);
}

void twp_res_key_forget(uint64_t key)
{
    forget(key | (1ull << 63));
}

void twp_objects_reset(void)
{
    madvise(objs, sizeof objs, MADV_DONTNEED);
    new_salt();
    objects_changed();
}
