/* twa_elf.h — the cached ELF object, shared by elf_cache.c and dwarf_lines.c only. */
#ifndef TWA_ELF_H
#define TWA_ELF_H
#include "twa_internal.h"

#define TWA_MAX_LOADS 16
struct twa_load { uint64_t vaddr, offset, filesz, memsz, align; };
struct twa_sym { uint64_t addr, size; const char *name; };
struct twa_line { uint64_t addr; uint32_t file; int line; };

struct twa_elf {
    char req_path[512];        /* the path we were asked for (cache key) */
    char *path, *debug_path;
    int fd, bad;
    uint64_t size;
    struct twa_load loads[TWA_MAX_LOADS];
    size_t nloads;
    uint64_t ehdr_vaddr;
    uint8_t *ehdr_bytes;
    size_t ehdr_len;
    struct twa_sym *syms;
    size_t nsyms, capsyms;
    /* DWARF line table, loaded on first use (dwarf_lines.c) */
    int lines_loaded;
    struct twa_line *lines;
    size_t nlines;
    char **files;
    size_t nfiles;
};

void twa_lines_free(struct twa_elf *e);
#endif
