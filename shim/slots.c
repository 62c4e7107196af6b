/* slots.c — taking a record slot in one of the region's tables (tasks, resources).
 *
 * Every record begins with its seqlock counter. A slot is taken with that counter left odd, so
 * the taker owns the record until it publishes it: the next never-used slot (one CAS on the
 * table's count), else a finished record's — one the table's own test calls reusable (a done
 * task, a closed resource), claimed by CAS on its counter so two takers never share it. The
 * search for a reusable one starts after the last one taken, so a program that makes and ends
 * records at a steady rate finds one at once instead of rescanning the table. */
#include "internal.h"

void *tw__slot_take(struct tw_table_desc *t, char *base, int (*reusable)(const void *rec), uint32_t *cursor,
                   uint32_t *slot_out)
{
    uint32_t c = __atomic_load_n(&t->count, __ATOMIC_RELAXED);
    while (c < t->capacity) {
        if (__atomic_compare_exchange_n(&t->count, &c, c + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            uint32_t *seq = (uint32_t *)(base + t->offset + (size_t)c * t->stride);
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
