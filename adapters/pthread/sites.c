/* sites.c — call sites of the program, one per distinct return address.
 *
 * TW_SITE cannot see our caller, so each wrapper passes __builtin_return_address(0) and we
 * register a site per distinct address the first time it is seen: file "?", line 0, expr the
 * absolute return address in hex ("0x55d0c1a2b1c4"), func the enclosing function's symbol when
 * the ELF symbol table has one. Readers turn the address into file:line with the DWARF line
 * table (the process's load map is in /proc/PID/maps or the core's NT_FILE note). */
#include <string.h>
#include <sys/mman.h>
#include "twp.h"

#define SITE_SLOTS 8192 /* power of two */

struct site_slot {
    uint64_t ra;     /* 0 = empty */
    uint32_t site;   /* 0 = being registered (or the site table was full) */
    uint32_t pad;
};
static struct site_slot sites[SITE_SLOTS] __attribute__((aligned(4096)));

uint32_t twp_site(const void *ret_addr)
{
    uint64_t ra = (uint64_t)(uintptr_t)ret_addr;
    if (!ra)
        return 0;
    uint64_t h = (ra * 0x9E3779B97F4A7C15ull) >> 51;
    for (unsigned probe = 0; probe < 64; probe++) {
        struct site_slot *s = &sites[(h + probe) & (SITE_SLOTS - 1)];
        uint64_t k = __atomic_load_n(&s->ra, __ATOMIC_ACQUIRE);
        if (k == ra)
            return __atomic_load_n(&s->site, __ATOMIC_ACQUIRE);
        if (k != 0)
            continue;
        if (!__atomic_compare_exchange_n(&s->ra, &k, ra, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            if (k == ra)
                return __atomic_load_n(&s->site, __ATOMIC_ACQUIRE);
            continue;
        }
        char expr[24], func[128];
        twp_hex(expr, ra);
        /* the return address is one past the call: look up the call instruction's function */
        int named = twp_symbol((const char *)ret_addr - 1, func, sizeof func);
        if (named) {
            char *plus = strchr(func, '+');
            if (plus) *plus = 0;
        }
        uint32_t id = tw__site_register("?", 0, expr, named ? func : NULL);
        __atomic_store_n(&s->site, id, __ATOMIC_RELEASE);
        return id;
    }
    return 0;
}

void twp_sites_reset(void)
{
    madvise(sites, sizeof sites, MADV_DONTNEED);
}
