/* symbolize.h — code addresses of another process (or a core) to "function (file:line)".
 * Modules come from /proc/PID/maps or a core's NT_FILE note, each with its own load bias;
 * functions from ELF symbol tables, lines from DWARF line tables read with libdwarf. No
 * addr2line subprocess: a backtrace of 64 frames must not cost 64 process spawns. */
#ifndef TW_SYMBOLIZE_H
#define TW_SYMBOLIZE_H
#include <stddef.h>
#include <stdint.h>

struct symbolizer;

struct symbolizer *sym_new(void);
void sym_free(struct symbolizer *s);
/* A file mapping: [start, end) of the address space maps `path` from file offset `file_off`. */
void sym_add_mapping(struct symbolizer *s, uint64_t start, uint64_t end, uint64_t file_off, const char *path);
/* Mappings of a live process from /proc/PID/maps; 0 or -errno. */
int sym_load_proc_maps(struct symbolizer *s, int pid);
/* Mappings of a core from its NT_FILE note; `exe`, when given, replaces the path of the
 * mapping whose file has the same base name (the core may name a path that moved). */
int sym_load_core_maps(struct symbolizer *s, const char *core, const char *exe);

struct sym_info {
    char func[128];      /* "" when no symbol covers the address */
    uint64_t func_off;   /* pc - symbol start */
    char file[256];      /* "" when no line table covers it */
    int line;
    char object[256];    /* path of the module, "" when unmapped */
};
/* Looks up address `pc` (pass pc-1 for return addresses, so the call's line is found).
 * Returns 0 when the address lies in a known module, -1 otherwise. */
int sym_lookup(struct symbolizer *s, uint64_t pc, struct sym_info *out);
#endif
