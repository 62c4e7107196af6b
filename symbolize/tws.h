/* tws.h — libtwsym: the one symbolizer of the tree. Code and data addresses of another
 * process (live, or a core) to the ELF object that maps them, the function around them (ELF
 * symbols through libelf, the separate debug file's when the object is stripped) and their
 * file:line (DWARF line tables through libdwarf).
 *
 * Two users: the console names the frames of a task's stack (`tw task ID`, tws_lookup), and
 * the attach-only collector (attach/) unwinds threads and names their frames
 * (tws_space_object, tws_object_func, tws_object_line, tws_object_eh_frame_hdr).
 *
 * Object files are input, not memory: they may be truncated, replaced or hostile. Every
 * offset, count and size read from them is checked (by libelf, libdwarf, or here), and a file
 * that cannot be read as ELF is remembered as such: lookups in it answer "unknown", never
 * crash. Nothing here spawns a process (no addr2line: a 64-frame stack must not cost 64
 * spawns) and nothing here writes to the target.
 *
 * Linking: build/lib/libtwsym.a (PIC) with $(TWSYM_LDLIBS) (symbolize/module.mk) after it.
 */
#ifndef TWS_H
#define TWS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- mappings: which file lies where in the address space ---- */

/* A file-backed mapping: [start, end) maps `path` from byte offset `fileofs`. */
struct tws_map {
    uint64_t start, end, fileofs;
    char *path;                  /* the name the target gives it; owned by the list (malloc'd) */
    char *file;                  /* where to read it when not at `path` (owned), else NULL */
};
/* The file-backed mappings of a live process, from /proc/PID/maps. A file replaced on disk
 * since it was mapped ("... (deleted)", a rebuild) keeps that name as its path, and is read
 * from /proc/PID/map_files/START-END, which opens the inode actually mapped. Returns the count (>= 0) and a malloc'd array in
 * *out (free with tws_free_maps), or -errno. */
long tws_parse_maps(int pid, struct tws_map **out);
void tws_free_maps(struct tws_map *m, size_t n);
/* The mapping containing addr, or NULL. */
const struct tws_map *tws_map_find(const struct tws_map *m, size_t n, uint64_t addr);

/* ---- ELF objects, opened once per path ---- */

struct tws_object;
struct tws_cache;
struct tws_cache *tws_cache_new(void);   /* NULL when out of memory */
void tws_cache_free(struct tws_cache *c); /* closes every object: names they returned die */
/* The object a mapping maps (keyed by its path, read from its file when it has one), opened
 * and read on first use (load segments, .eh_frame_hdr, function symbols; lines on first
 * tws_object_line). NULL when the path is not absolute ([vdso], memfd names) or not a
 * readable ELF file; the failure is remembered. */
struct tws_object *tws_object_get(struct tws_cache *c, const struct tws_map *m);
/* The function containing ELF vaddr `v`: its start and its names (aliases, the one a
 * programmer wrote first: global before local, fewer leading underscores first), at most n,
 * owned by the object. Returns the number of names; 0 when no symbol covers v. */
int tws_object_func(const struct tws_object *o, uint64_t v, uint64_t *start, const char **names, int n);
/* file:line of ELF vaddr `v` from the object's own DWARF line tables; 0, or -1 when no row
 * covers v (no debug info, a gap between sequences). *file is owned by the object. */
int tws_object_line(struct tws_object *o, uint64_t v, const char **file, int *line);
/* The object's .eh_frame_hdr: its ELF vaddr and bytes (owned by the object); -1 if absent. */
int tws_object_eh_frame_hdr(const struct tws_object *o, uint64_t *vaddr, const uint8_t **bytes, size_t *len);
/* Lowest and highest ELF vaddr its PT_LOAD segments cover ([*lo, *hi)); -1 without any. */
int tws_object_span(const struct tws_object *o, uint64_t *lo, uint64_t *hi);
/* Bytes of the file at offset `off` (text that a core did not dump). Short at the end of the
 * file; -EFAULT past it. */
int64_t tws_object_read_file(const struct tws_object *o, uint64_t off, void *buf, uint64_t len);
/* The separate debug file whose symbols were read (build id, else .gnu_debuglink), or NULL. */
const char *tws_object_debug_path(const struct tws_object *o);

/* ---- an address space: mappings + objects ---- */

/* Caller-owned: the symbolizer neither allocates nor frees the struct itself. `maps` may be
 * replaced between lookups (a second sample of a live process) while `objs` stays: objects do
 * not change, and reading them is most of the cost. */
struct tws_space {
    const struct tws_map *maps;
    size_t nmaps;
    struct tws_cache *objs;
};
/* The object mapped at `addr`, its load bias (runtime address - ELF vaddr) and its mapping;
 * NULL when no file maps addr or the file is not a readable ELF. map may be NULL. */
struct tws_object *tws_space_object(const struct tws_space *s, uint64_t addr, uint64_t *bias,
                                    const struct tws_map **map);

struct tws_info {
    char func[128];      /* "" when no symbol covers the address */
    uint64_t func_off;   /* pc - the function's start */
    char file[256];      /* "" when no line table covers it (as DWARF names it) */
    int line;
    char object[256];    /* path of the mapping holding pc */
};
/* Everything known about code address `pc` (pass a return address - 1, so the call's line
 * is found). 0 when a file maps pc (fields it could not find are empty), -1 otherwise. */
int tws_lookup(const struct tws_space *s, uint64_t pc, struct tws_info *out);

/* Makes room for one more item in the array *items of *cap items of `size` bytes holding n:
 * doubles it (from `first`) when full. 0, or -1 out of memory (the array is left as it was).
 * The growth every table of the symbolizer and its collectors uses. */
int tws_grow(void **items, size_t *cap, size_t n, size_t size, size_t first);

#ifdef __cplusplus
}
#endif
#endif /* TWS_H */
