/* slots.c — taking a record slot in one of the region's tables (tasks, resources).
 *
 * Every record begins with its seqlock counter. A slot is taken with that counter left odd, so
 * the taker owns the record until it publishes it: the next never-used slot (one CAS on the
 * table's count), else a finished record's — one the table's own test calls reusable (a done
 * task, a closed resource), claimed by CAS on its counter so two takers never share it. The
 * search for a reusable one starts after the last one taken, so a program that makes and ends
 * records at a steady rate finds one at once instead of rescanning the table.
 *
 * A never-used slot's memory is first touched by its taker: a page fault (in a VM, an exit to
 * the hypervisor) every few records, which was a quarter of a spawn's cost until the table
 * filled. So whoever takes the first slot of a 64 KiB block of records populates the next
 * block with one madvise: one system call per ~100 spawns instead of 16 faults, and memory
 * is still only allocated a block ahead of use, never for the whole table at once. */
#include <sys/mman.h>
#include "internal.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PREFAULT_BYTES (64u << 10)
static int prefault_off; /* set once the kernel refuses (before Linux 5.14) */

/* Slot c was just taken fresh: if it begins a block, populate the block after it (and, for the
 * table's first slot, its own). */
static void prefault(const struct tw_table_desc *t, char *base, uint32_t c)
{
    uint64_t at = t->offset + (uint64_t)c * t->stride, end = t->offset + (uint64_t)t->capacity * t->stride;
    uint64_t block = at / PREFAULT_BYTES;
    if (prefault_off || (c && (at - t->stride) / PREFAULT_BYTES == block))
        return;
    uint64_t from = c ? (block + 1) * PREFAULT_BYTES : at & ~(uint64_t)4095, to = (block + 2) * PREFAULT_BYTES;
    if (to > end)
        to = end;
    if (from < to && madvise(base + from, to - from, MADV_POPULATE_WRITE) != 0)
        __atomic_store_n(&prefault_off, 1, __ATOMIC_RELAXED);
}

void *tw__slot_take(struct tw_table_desc *t, char *base, int (*reusable)(const void *rec), uint32_t *cursor,
                   uint32_t *slot_out)
{
    uint32_t c = __atomic_load_n(&t->count, __ATOMIC_RELAXED);
    while (c < t->capacity) {
        if (__atomic_compare_exchange_n(&t->count, &c, c + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            uint32_t *seq = (uint32_t *)(base + t->offset + (size_t)c * t->stride);
            prefault(t, base, c);
            tw__seq_begin(seq);
            *slot_out = c;
            return seq;
        }
    }
    uint32_t cap = t->capacity, from = __atomic_load_n(cursor, __ATOMIC_RELAXED);
    for (uint32_t k = 0; k < cap; k++) {
        uint32_t i = (from + k) % cap;
        uint32_t *seq = (uint32_t *)(base + t->offset + (size_t)i * t->stride);
        uint32_t s = __atomic_load_n(seq, __ATOMIC_ACQUIRE);
        if ((s & 1) || !reusable(seq))
            continue;
        if (__atomic_compare_exchange_n(seq, &s, s + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            if (reusable(seq)) { /* still: nobody reopened it between the test and the claim */
                __atomic_store_n(cursor, i + 1, __ATOMIC_RELAXED);
                *slot_out = i;
                return seq;
            }
            tw__seq_end(seq);
        }
    }
    __atomic_add_fetch(&t->full, 1, __ATOMIC_RELAXED);
    return NULL;
}
