/* glibc_layout.h — byte offsets of the glibc fields attach-only reads (glibc_layout.c). */
#ifndef TWA_GLIBC_LAYOUT_H
#define TWA_GLIBC_LAYOUT_H
#include "twa_internal.h"

struct twa_glibc_layout {
    int min_minor;
    int mutex_owner;      /* pthread_mutex_t.__data.__owner: TID of the holder */
    int mutex_kind;       /* __data.__kind: type and robust/PI flags */
    int cond_signals;     /* offset of the futex a condvar waiter sleeps on (__g_signals[0]) */
    int cond_size;
    int cond_mutex_ptr;   /* old condvars store the mutex pointer; -1 when they do not */
    int rw_readers, rw_wrphase, rw_writers_futex, rw_cur_writer;
    int sem_value_shift;  /* value = (low 32 bits of the semaphore word) >> shift */
    char source[96];      /* what twc_facts.source says */
};

/* The layout for the libc mapped in `maps`: from its debug info when `elves` finds one,
 * else from the table by version. out->source says which. */
void twa_glibc_layout_for(const struct twa_map *maps, size_t nmaps, struct twa_elf_cache *elves,
                          struct twa_glibc_layout *out);
/* Offsets from a glibc debug file (glibc_dwarf.c); 0 when every field was found. The two pcs
 * (libc vaddrs of pthread_cond_wait and pthread_rwlock_wrlock, 0 if unknown) find the CUs fast. */
int twa_glibc_layout_from_debug(const char *debug_path, uint64_t cond_wait_pc, uint64_t wrlock_pc,
                                struct twa_glibc_layout *L);
#endif
