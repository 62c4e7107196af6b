/* snapshot_mem.c — the storage behind a struct twc_snapshot: one bump arena, so that a
 * snapshot of 100,000 tasks (five id lists each) costs a few dozen mallocs, not half a million,
 * and twc_snapshot_free releases it all without walking the structs. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct block { struct block *next; size_t used, cap; max_align_t data[]; };
struct twc_snapshot_mem { struct block *head; };

struct twc_snapshot_mem *twc__snap_mem_new(void) { return calloc(1, sizeof(struct twc_snapshot_mem)); }

void twc__snap_mem_free(struct twc_snapshot_mem *m)
{
    if (!m) return;
    for (struct block *b = m->head, *next; b; b = next) { next = b->next; free(b); }
    free(m);
}

void *twc__snap_alloc(struct twc_snapshot_mem *m, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    struct block *b = m->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = m->head; b->used = 0; b->cap = cap;
        m->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return memset(p, 0, n);
}

const char *twc__snap_strdup(struct twc_snapshot_mem *m, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = twc__snap_alloc(m, n);
    return p ? memcpy(p, s, n) : NULL;
}
