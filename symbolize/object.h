/* object.h — the cached ELF object, shared by the files of libtwsym only (not installed). */
#ifndef TWS_OBJECT_H
#define TWS_OBJECT_H
#include <libelf.h>
#include "tws.h"

#define TWS_MAX_LOADS 16
struct tws_load { uint64_t vaddr, offset, filesz, memsz, align; };
/* rank orders aliases at one address: which name a programmer wrote (object.c) */
struct tws_sym { uint64_t addr, size; const char *name; unsigned rank; };
/* ord keeps the line table's own order among rows at one address: the last one applies */
struct tws_line { uint64_t addr; uint32_t file; uint32_t ord; int line; };

struct tws_object {
    char req_path[512];        /* the path we were asked for (cache key) */
    char *path, *debug_path;
    int fd, bad;
    uint64_t size;
    struct tws_load loads[TWS_MAX_LOADS];
    size_t nloads;
    uint64_t ehdr_vaddr;
    uint8_t *ehdr_bytes;
    size_t ehdr_len;
    struct tws_sym *syms;
    size_t nsyms, capsyms;
    /* DWARF line table, loaded on first use (lines.c) */
    int lines_loaded;
    struct tws_line *lines;
    size_t nlines;
    char **files;
    size_t nfiles;
};

/* lines.c */
void tws_lines_free(struct tws_object *o);
/* debug_file.c: the separate debug file of `elf` (at `path`): the build id's under
 * /usr/lib/debug/.build-id, else .gnu_debuglink's (next to the object, in its .debug/, or under
 * /usr/lib/debug), checked by its CRC. 0 and the path in out, or -1. */
int tws_debug_file(Elf *elf, const char *path, char *out, size_t outlen);
#endif
