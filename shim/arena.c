/* arena.c — interning strings (names, file paths, expressions) into the region's arena.
 *
 * Bump allocation with one atomic add; a private lock-free hash of arena offsets makes a
 * string that is interned again (a file path shared by many sites) cost no arena space.
 * When the arena is full the string is dropped and counted; callers store 0 ("no string"). */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include "internal.h"

#define TW_STR_MAX 255
#define DEDUP_SLOTS (1u << 16)

/* One table per region, tagged with the region it indexes: private memory, never in the region. */
struct dedup_table {
    struct tw_header *region;
    uint32_t slot[DEDUP_SLOTS]; /* arena offsets, 0 = empty */
};
static struct dedup_table *dedup;

static uint32_t hash_str(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The table of region h, made by whichever thread interns first. A table is never unmapped:
 * the loser of a first-use race may already be probing the winner's table, and after fork()
 * the parent's table (copy-on-write, untouched pages cost nothing) is simply left behind. */
static uint32_t *dedup_table(struct tw_header *h)
{
    struct dedup_table *t = __atomic_load_n(&dedup, __ATOMIC_ACQUIRE);
    if (TW_LIKELY(t && t->region == h))
        return t->slot;
    struct dedup_table *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    m->region = h;
    if (__atomic_compare_exchange_n(&dedup, &t, m, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return m->slot;
    munmap(m, sizeof *m); /* never published: nobody else can hold it */
    return t && t->region == h ? t->slot : NULL;
}

static int same(const char *arena, uint32_t off, const char *s, size_t n)
{
    return memcmp(arena + off, s, n) == 0 && arena[off + n] == '\0';
}

uint32_t tw__intern(const char *s)
{
    struct tw_header *h = tw__hdr();
    if (!s || !h)
        return 0;
    size_t n = strnlen(s, TW_STR_MAX);
    char *arena = tw__base() + h->arena_offset;
    uint32_t *tab = dedup_table(h);
    uint32_t hv = hash_str(s, n), slot = hv & (DEDUP_SLOTS - 1);
    if (tab) {
        for (unsigned probe = 0; probe < 64; probe++, slot = (slot + 1) & (DEDUP_SLOTS - 1)) {
            uint32_t off = __atomic_load_n(&tab[slot], __ATOMIC_ACQUIRE);
            if (off == 0)
                break;
            if (same(arena, off, s, n))
                return off;
        }
    }
    uint64_t off = __atomic_fetch_add(&h->arena_used, n + 1, __ATOMIC_RELAXED);
    if (off + n + 1 > h->arena_size || off > UINT32_MAX) {
        __atomic_add_fetch(&h->strings_full, 1, __ATOMIC_RELAXED);
        return 0;
    }
    memcpy(arena + off, s, n);
    arena[off + n] = '\0';
    if (tab) {
        uint32_t expected = 0;
        __atomic_compare_exchange_n(&tab[slot], &expected, (uint32_t)off, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
    }
    return (uint32_t)off;
}
