/* twa_internal.h — what the files of libtwattach share. Not installed, not an API.
 *
 * A "target" is whatever we read a stopped program from — a live process or a core file —
 * reduced to the three things unwinding and classification need: a memory reader, the list
 * of file-backed mappings (to find ELF objects and their load bias), and per-thread
 * registers. Both collectors build one and hand it to the same unwinder and classifier, so
 * live and core answers come from the same code.
 */
#ifndef TWA_INTERNAL_H
#define TWA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>
#include "twattach.h"

/* A file-backed mapping: [start, end) maps `path` from byte offset `fileofs`. */
struct twa_map {
    uint64_t start, end, fileofs;
    char *path;
};

/* One PT_LOAD segment of a core. Bytes [vaddr, vaddr+filesz) are at file offset `off`
 * (clipped to the real file size at open: a truncated core simply has less). */
struct twa_seg {
    uint64_t vaddr, memsz, off, filesz;
};

struct twa_core_thread {
    uint32_t tid;
    struct user_regs_struct regs;
};

struct twa_core {
    int fd;
    uint64_t fsize;
    struct twa_seg *segs;       /* sorted by vaddr */
    size_t nsegs;
    uint8_t *notes;             /* every PT_NOTE's bytes, concatenated (each note bounds-checked) */
    size_t notes_len;
    struct twa_map *maps;       /* from NT_FILE, may be empty */
    size_t nmaps;
    struct twa_core_thread *threads; /* from NT_PRSTATUS, in note order (first = the one that faulted) */
    size_t nthreads;
    int pid;
    char fname[17];             /* NT_PRPSINFO pr_fname: the process's comm */
    uint64_t at_phdr, at_entry; /* from NT_AUXV, 0 if absent */
    uint64_t page_size;
};

/* Path of the executable mapped in the core (the NT_FILE mapping holding AT_ENTRY), or NULL. */
const char *twa_core_exe(const struct twa_core *c);

/* Split the "/proc/PID/maps" text format (live) into mappings with a path. Returns the count
 * (>= 0) and a malloc'd array in *out, or -errno. */
long twa_parse_maps(int pid, struct twa_map **out);
void twa_free_maps(struct twa_map *m, size_t n);
/* The mapping containing addr, or NULL. */
const struct twa_map *twa_map_find(const struct twa_map *m, size_t n, uint64_t addr);

/* ---- ELF objects (elf_cache.c): symbols, load layout, unwind tables; cached by path ---- */
struct twa_elf;
struct twa_elf_cache;
struct twa_elf_cache *twa_elf_cache_new(void);
void twa_elf_cache_free(struct twa_elf_cache *c);
/* The object at path (opened once, NULL if it cannot be read as ELF). */
struct twa_elf *twa_elf_get(struct twa_elf_cache *c, const char *path);
/* Load bias of `e` given one of its mappings (start, fileofs): runtime address - ELF vaddr. */
int twa_elf_bias(const struct twa_elf *e, uint64_t map_start, uint64_t fileofs, uint64_t *bias);
/* Function containing ELF vaddr `v`: start address and every name (aliases) at that start,
 * separated by NULs in names[] up to n names. Returns the number of names (0 = unknown). */
int twa_elf_func(const struct twa_elf *e, uint64_t v, uint64_t *start, const char **names, int n);
/* .eh_frame_hdr of the object: its ELF vaddr and bytes (0/NULL when absent). */
int twa_elf_eh_frame_hdr(const struct twa_elf *e, uint64_t *vaddr, const uint8_t **bytes, size_t *len);
/* Read bytes of the file image at ELF vaddr v (for text not dumped into a core). */
int64_t twa_elf_read_vaddr(const struct twa_elf *e, uint64_t v, void *buf, uint64_t len);
/* Source file:line of ELF vaddr v from the DWARF line tables (dwarf_lines.c); 0 on success. */
int twa_elf_line(struct twa_elf *e, uint64_t v, const char **file, int *line);
const char *twa_elf_path(const struct twa_elf *e);
/* ELF vaddr of the function named `name` (0 if absent). */
uint64_t twa_elf_sym_addr(const struct twa_elf *e, const char *name);

/* ---- a stopped target, as the unwinder and classifier see it ---- */
struct twa_target {
    /* Raw memory of the target (process_vm_readv, or the core's PT_LOADs). */
    int64_t (*read)(void *ctx, uint64_t addr, void *buf, uint64_t len);
    void *ctx;
    int is_core;                 /* undumped file-backed bytes are read from the file itself */
    const struct twa_map *maps;
    size_t nmaps;
    struct twa_elf_cache *elves;
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
/* The ELF object and load bias for a code/data address, or NULL. */
struct twa_elf *twa_target_object(const struct twa_target *t, uint64_t addr, uint64_t *bias,
                                  const struct twa_map **map);

#define TWA_MAX_FRAMES 48
#define TWA_MAX_ALIASES 6
struct twa_frame {
    uint64_t ip;                 /* return address for outer frames, pc for the innermost */
    uint64_t sp;                 /* stack pointer in this frame (its CFA - 8 for outer frames) */
    uint64_t callee_saved[6];    /* rbx, rbp, r12, r13, r14, r15 as recovered in this frame */
    int in_exe;                  /* the frame's code is in the main executable */
    const char *names[TWA_MAX_ALIASES]; /* function name and its aliases (not owned) */
    int nnames;
};
/* Unwind one thread from its registers. Returns the number of frames (>= 1 when rip is
 * readable). `regs` is the thread's user_regs_struct. */
int twa_unwind(const struct twa_target *t, const struct user_regs_struct *regs,
               struct twa_frame *frames, int max);

#endif
