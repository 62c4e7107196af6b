/* sites.c — call sites of the program, one per distinct return address.
 *
 * TW_SITE cannot see our caller, so each wrapper passes __builtin_return_address(0) and we
 * register a site per distinct address the first time it is seen: file and line of the call
 * from the object's DWARF line table (lines.c), expr the called function ("pthread_mutex_lock"),
 * func the enclosing function's ELF symbol. Without line information: file "?", line 0 and
 * expr "pthread_mutex_lock 0x55d0c1a2b1c4" (the absolute return address, for readers that can
 * symbolise it with the process's load map). */
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include "twp.h"

#define SITE_SLOTS 8192 /* power of two */
#define SITE_NONE 0xffffffffu /* registered, but the region's site table was full */
#define WAIT_YIELDS 20000     /* ~ tens of ms: a registration reads DWARF once, in microseconds */

struct site_slot {
    uint64_t ra;     /* 0 = empty */
    uint32_t site;   /* 0 = being registered by the thread that claimed ra; else the site or SITE_NONE */
    uint32_t pad;
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

static uint32_t describe(const void *ret_addr, const char *what)
{
    uint64_t ra = (uint64_t)(uintptr_t)ret_addr;
    char expr[96], func[128], *p;
    /* the return address is one past the call: look up the call instruction */
    const void *call = (const char *)ret_addr - 1;
    const char *file = "?";
    unsigned line = 0;
    int named = twp_symbol(call, func, sizeof func);
    if (named) {
        char *plus = strchr(func, '+');
        if (plus) *plus = 0;
    }
    p = twp_str(expr, what ? what : "call", expr + sizeof expr - 24);
    if (!twp_source(call, &file, &line)) {
        file = "?";
        line = 0;
        *p++ = ' ';
        twp_hex(p, ra);
    }
    return tw__site_register(file, line, expr, named ? func : NULL);
}

uint32_t twp_site(const void *ret_addr, const char *what)
{
    uint64_t ra = (uint64_t)(uintptr_t)ret_addr;
    if (!ra)
        return 0;
    uint64_t h = (ra * 0x9E3779B97F4A7C15ull) >> 51;
    for (unsigned probe = 0; probe < 64; probe++) {
        struct site_slot *s = &sites[(h + probe) & (SITE_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&s->ra, __ATOMIC_ACQUIRE);
        if (k == 0 && !__atomic_compare_exchange_n(&s->ra, &k, ra, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            /* lost the claim: k is now the winner's address */
        } else if (k == 0) {
            uint32_t id = describe(ret_addr, what);
            __atomic_store_n(&s->site, id ? id : SITE_NONE, __ATOMIC_RELEASE);
            return id;
        }
        if (k != ra)
            continue;
        uint32_t v = registered(s);
        return v ? site_of(v) : describe(ret_addr, what);
    }
    tw_overflow(TW_OVF_SITES, 1); /* in the region only: libtw-uv shares this file, not twp_stats */
    return 0;
}

void twp_sites_reset(void)
{
    madvise(sites, sizeof sites, MADV_DONTNEED);
}
