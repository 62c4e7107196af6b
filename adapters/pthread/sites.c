/* sites.c — call sites of the program, one per distinct return address.
 *
 * TW_SITE cannot see our caller, so each wrapper passes __builtin_return_address(0) and we
 * register a site per distinct address the first time it is seen: file and line of the call
 * from the object's DWARF line table (lines.c), expr the called function ("pthread_mutex_lock"),
 * func the enclosing function's ELF symbol. A call made from inside a library (libevent's
 * epoll_dispatch calling epoll_wait) is registered per pair (return address, the program's frame
 * further out that outer.c finds) at that frame, its expr saying through what:
 * "epoll_wait via libevent-2.1.so.7". Without line information the site is file "?", line 0,
 * and expr names the function instead: "nanosleep in debugCommand" (or, when no symbol covers
 * it either, its offset in its file and the first named function further out:
 * "epoll_wait in redis-server+0x64e51 from aeMain"). */
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include "twp.h"

#define SITE_SLOTS 8192 /* power of two */
#define SITE_NONE 0xffffffffu /* registered, but the region's site table was full */
#define WAIT_YIELDS 20000     /* ~ tens of ms: a registration reads DWARF once, in microseconds */

struct site_slot {
    uint64_t ra;     /* 0 = empty */
    uint64_t outer;  /* the program's frame behind a library's call, 0 for a direct call; written
                        before site is published */
    uint32_t site;   /* 0 = being registered by the thread that claimed ra; else the site or SITE_NONE */
    uint32_t foreign; /* (outer 0 only) ra is not in the executable: look for the outer frame */
};
static struct site_slot sites[SITE_SLOTS] __attribute__((aligned(4096)));

static uint32_t site_of(uint32_t v) { return v == SITE_NONE ? 0 : v; }

/* Another thread claimed this address and is registering it right now. Returning 0 would
 * leave the caller's task waiting "at -" for good (issue 17: threads hitting one fresh call
 * site at once); wait for the site instead. Should the registering thread never finish
 * (cancelled inside the DWARF lookup), 0 after a bounded wait, and the caller registers its own. */
static uint32_t registered(struct site_slot *s)
{
    for (unsigned i = 0; i < WAIT_YIELDS; i++) {
        uint32_t v = __atomic_load_n(&s->site, __ATOMIC_ACQUIRE);
        if (v)
            return v;
        sched_yield();
    }
    return 0;
}

/* "in FUNC", else "in OBJECT+0xOFFSET from CALLER" (the executable by its program name; CALLER
 * the first function further out that a symbol names, when there is one) */
static char *in_function(char *p, char *end, const void *call, const char *func)
{
    p = twp_str(p, " in ", end);
    if (func)
        return twp_str(p, func, end);
    const char *obj = NULL;
    uint64_t off = 0;
    if (!twp_code_offset(call, &obj, &off))
        return twp_hex(p, (uint64_t)(uintptr_t)call + 1);
    p = twp_str(p, obj, end);
    if (p + 20 < end) {
        *p++ = '+';
        p = twp_hex(p, off + 1);
    }
    char caller[96];
    if (twp_named_caller((uint64_t)(uintptr_t)call + 1, caller, sizeof caller)) {
        p = twp_str(p, " from ", end);
        p = twp_str(p, caller, end);
    }
    return p;
}

static uint32_t describe(uint64_t ra, uint64_t outer, const char *what)
{
    char expr[224], func[128], *p, *end = expr + sizeof expr;
    /* the return address is one past the call: look up the call instruction */
    const void *call = (const void *)(uintptr_t)((outer ? outer : ra) - 1);
    const char *file = "?";
    unsigned line = 0;
    int named = twp_symbol(call, func, sizeof func);
    if (named) {
        char *plus = strchr(func, '+');
        if (plus) *plus = 0;
    }
    p = twp_str(expr, what ? what : "call", end);
    const char *via = NULL;
    if (outer && twp_code_kind((const void *)(uintptr_t)(ra - 1), &via) != TWP_CODE_UNKNOWN && via && via[0]) {
        p = twp_str(p, " via ", end);
        p = twp_str(p, via, end);
    }
    if (!twp_source(call, &file, &line)) {
        file = "?";
        line = 0;
        in_function(p, end, call, named ? func : NULL);
    }
    return tw__site_register(file, line, expr, named ? func : NULL);
}

/* The site registered for (ra, outer), registering it on first sight. foreign (may be NULL)
 * receives whether ra lies outside the executable (asked with outer 0 only). */
static uint32_t lookup(uint64_t ra, uint64_t outer, const char *what, uint32_t *foreign)
{
    uint64_t h = ((ra ^ (outer * 0xC2B2AE3D27D4EB4Full)) * 0x9E3779B97F4A7C15ull) >> 51;
    for (unsigned probe = 0; probe < 64; probe++) {
        struct site_slot *s = &sites[(h + probe) & (SITE_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&s->ra, __ATOMIC_ACQUIRE);
        if (k == 0 && !__atomic_compare_exchange_n(&s->ra, &k, ra, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            /* lost the claim: k is now the winner's address */
        } else if (k == 0) {
            s->outer = outer;
            s->foreign = !outer && twp_code_kind((const void *)(uintptr_t)(ra - 1), NULL) != TWP_CODE_EXE;
            if (foreign)
                *foreign = s->foreign;
            uint32_t id = describe(ra, outer, what);
            __atomic_store_n(&s->site, id ? id : SITE_NONE, __ATOMIC_RELEASE);
            return id;
        }
        if (k != ra)
            continue;
        uint32_t v = registered(s);
        if (!v) { /* its registrar vanished: describe it ourselves, unshared */
            if (foreign)
                *foreign = 0;
            return describe(ra, outer, what);
        }
        if (s->outer != outer)
            continue;
        if (foreign)
            *foreign = s->foreign;
        return site_of(v);
    }
    tw_overflow(TW_OVF_SITES, 1); /* in the region only: libtw-uv shares this file, not twp_stats */
    return 0;
}

uint32_t twp_site_lookup(const void *ret_addr, const char *what)
{
    uint64_t ra = (uint64_t)(uintptr_t)ret_addr;
    if (!ra)
        return 0;
    uint32_t foreign = 0;
    uint32_t site = lookup(ra, 0, what, &foreign);
    if (TWP_LIKELY(!foreign)) {
        if (site) { /* a site in the program is the same for every call from ra: remember it */
            struct twp_site_cache *c = twp_site_slot(ra);
            c->site = site;
            c->ra = ra;
        }
        return site;
    }
    uint64_t outer = twp_outer(ra);
    return outer && outer != ra ? lookup(ra, outer, what, NULL) : site;
}

__thread struct twp_site_cache twp_site_cache[TWP_SITE_CACHE] __attribute__((tls_model("initial-exec")));

void twp_sites_reset(void)
{
    memset(twp_site_cache, 0, sizeof twp_site_cache); /* the forking thread's: the only one the child has */
    madvise(sites, sizeof sites, MADV_DONTNEED);
}
