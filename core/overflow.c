/* overflow.c — instrumentation_overflow: a fixed table of the instrumentation filled, so the
 * region is missing facts (lock-order edges, objects, sites, holds). Said in the region, by
 * the shim (header orders.full, sites.full, stacks.full) and by adapters through
 * tw_overflow() (header.overflow[], ABI 1.3), and told here with what to raise. */
#include <stdio.h>
#include "internal.h"

struct ovf { const char *what, *fix; };
/* per enum tw_overflow */
static const struct ovf adapter_tables[TW_OVF_SLOTS] = {
    [TW_OVF_OBJECTS] = { "synchronisation objects not tracked", "the pthread adapter's object table (65,536 addresses) is full" },
    [TW_OVF_SITES] = { "call sites not registered", "the adapter's site cache (8,192 return addresses) is full" },
    [TW_OVF_HELD] = { "acquisitions not recorded", "a thread held more than 32 locks at once" },
    [TW_OVF_THREADS] = { "threads started without the adapter's trampoline", "more than its pool of threads started at once" },
};

static void put(char **p, char *end, int *first, uint64_t n, const char *what, const char *fix)
{
    if (!n || *p >= end) return;
    *p += snprintf(*p, (size_t)(end - *p), "%s%llu %s (%s)", *first ? "" : "; ", (unsigned long long)n, what, fix);
    *first = 0;
}

int twc__overflow_text(const struct twc_session *s, char *buf, size_t n)
{
    if (s->facts || !s->have_hdr || !n) return 0;
    char *p = buf, *end = buf + n, fix[96];
    int first = 1;
    *buf = 0;
    if (s->hdr.header_size >= TW_HDR_SIZE_1_3) {
        snprintf(fix, sizeof fix, "the table holds %u: raise TW_MAX_LOCK_ORDERS", s->hdr.orders.capacity);
        put(&p, end, &first, s->hdr.orders.full, "lock-order edges not recorded", fix);
        for (int i = 0; i < TW_OVF_SLOTS; i++)
            put(&p, end, &first, s->hdr.overflow[i], adapter_tables[i].what ? adapter_tables[i].what : "records not kept",
                adapter_tables[i].fix ? adapter_tables[i].fix : "an adapter table is full");
    }
    snprintf(fix, sizeof fix, "the table holds %u: raise TW_MAX_SITES", s->hdr.sites.capacity);
    put(&p, end, &first, s->hdr.sites.full, "sites not registered", fix);
    snprintf(fix, sizeof fix, "the table holds %u: raise TW_MAX_STACKS", s->hdr.stacks.capacity);
    put(&p, end, &first, s->hdr.stacks.full, "call stacks not recorded", fix);
    return !first;
}
