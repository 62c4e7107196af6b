/* sites.c — source locations (spawn, await, create sites), registered once each.
 * TW_SITE caches the index in a static at the call site, so this runs once per location. */
#include "internal.h"

uint32_t tw__site_register(const char *file, uint32_t line, const char *expr, const char *func)
{
    if (!tw__region_ensure())
        return 0;
    struct tw_header *h = tw__hdr();
    uint32_t i = __atomic_fetch_add(&h->sites.count, 1, __ATOMIC_ACQ_REL);
    /* site indexes travel in 16-bit event fields */
    if (i >= h->sites.capacity || i > 0xffff) {
        __atomic_store_n(&h->sites.count, h->sites.capacity, __ATOMIC_RELEASE);
        __atomic_add_fetch(&h->sites.full, 1, __ATOMIC_RELAXED);
        return 0;
    }
    struct tw_site_rec *s = (struct tw_site_rec *)(tw__base() + h->sites.offset + (size_t)i * h->sites.stride);
    s->file = tw__intern(file);
    s->line = line;
    s->expr = tw__intern(expr);
    s->func = tw__intern(func);
    return i;
}
