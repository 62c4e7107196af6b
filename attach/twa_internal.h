/* twa_internal.h — what the files of libtwattach share. Not installed, not an API.
 *
 * A "target" is whatever we read a stopped program from — a live process or a core file
 * (libtwcorefile) — reduced to the three things unwinding and classification need: a memory
 * reader, its address space (file-backed mappings and their ELF objects, libtwsym's
 * struct tws_space), and per-thread registers. Both collectors build one and hand it to the
 * same unwinder and classifier, so live and core answers come from the same code.
 */
#ifndef TWA_INTERNAL_H
#define TWA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>
#include "twattach.h"
#include "twcorefile.h"
#include "tws.h"

/* ---- a stopped target, as the unwinder and classifier see it ---- */
struct twa_target {
    /* Raw memory of the target (process_vm_readv, or the core's PT_LOADs). */
    int64_t (*read)(void *ctx, uint64_t addr, void *buf, uint64_t len);
    void *ctx;
    int is_core;                 /* undumped file-backed bytes are read from the file itself */
    struct tws_space space;      /* its mappings and their ELF objects (libtwsym) */
    const char *exe;             /* the main executable's path (frames in it are "own code") */
    struct twa_page_cache *cache; /* pages already read while the target is stopped, or NULL */
    void *unw_as;                /* libunwind address space, reused across threads (unwind.c) */
};
/* A small cache of target pages: an unwind reads the same stack and .eh_frame words many
 * times, one syscall each without it. Valid only while the target does not run. */
struct twa_page_cache *twa_page_cache_new(void);
void twa_page_cache_free(struct twa_page_cache *c);
void twa_unwind_done(struct twa_target *t);
/* Read target memory; for a core, bytes not dumped but file-backed come from the file. */
int64_t twa_target_read(const struct twa_target *t, uint64_t addr, void *buf, uint64_t len);

#define TWA_MAX_FRAMES 48
#define TWA_MAX_ALIASES 6
struct twa_frame {
    uint64_t ip;                 /* return address for outer frames, pc for the innermost */
    uint64_t sp;                 /* stack pointer in this frame (its CFA - 8 for outer frames) */
    uint64_t callee_saved[6];    /* rbx, rbp, r12, r13, r14, r15 as recovered in this frame */
    int in_exe;                  /* the frame's code is in the main executable */
    const char *names[TWA_MAX_ALIASES]; /* function name and its aliases (not owned) */
    int nnames;
    uint64_t func_start;         /* the named function's first instruction, 0 = no symbol */
};
/* Unwind one thread from its registers. Returns the number of frames (>= 1 when rip is
 * readable). `regs` is the thread's user_regs_struct. */
int twa_unwind(const struct twa_target *t, const struct user_regs_struct *regs,
               struct twa_frame *frames, int max);

#endif
