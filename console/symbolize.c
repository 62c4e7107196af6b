/* symbolize.c — ELF symbols + DWARF line tables per module, loaded lazily and cached for the
 * life of the symbolizer. Object files are input too (they may be truncated or hostile):
 * every offset read from them is bounds-checked against the file size. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "symbolize.h"

struct fsym { uint64_t addr, size; char *name; };
struct lrow { uint64_t addr; uint32_t file; int line; int end; };

struct object {
    char *path;
    int loaded, ok;
    Elf64_Phdr *ph;
    int nph;
    struct fsym *syms;
    size_t nsyms;
    struct lrow *rows;
    size_t nrows;
    char **files;
    size_t nfiles;
    struct object *next;
};

struct mapping { uint64_t start, end, off; struct object *obj; };

struct symbolizer {
    struct mapping *maps;
    size_t nmaps, capmaps;
    struct object *objs;
    char cwd[512];
};

struct symbolizer *sym_new(void) {
    struct symbolizer *s = calloc(1, sizeof *s);
    if (s && !getcwd(s->cwd, sizeof s->cwd)) s->cwd[0] = 0;
    return s;
}

static struct object *object_of(struct symbolizer *s, const char *path) {
    for (struct object *o = s->objs; o; o = o->next)
        if (!strcmp(o->path, path)) return o;
    struct object *o = calloc(1, sizeof *o);
    o->path = strdup(path);
    o->next = s->objs;
    s->objs = o;
    return o;
}

void sym_add_mapping(struct symbolizer *s, uint64_t start, uint64_t end, uint64_t file_off, const char *path) {
    if (!path || path[0] != '/' || end <= start) return;
    if (s->nmaps == s->capmaps) {
        s->capmaps = s->capmaps ? s->capmaps * 2 : 64;
        s->maps = realloc(s->maps, s->capmaps * sizeof *s->maps);
    }
    s->maps[s->nmaps++] = (struct mapping){ start, end, file_off, object_of(s, path) };
}

int sym_load_proc_maps(struct symbolizer *s, int pid) {
    char path[64], line[4096], del_name[4096] = "", del_path[96] = "";
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    while (fgets(line, sizeof line, f)) {
        unsigned long long a, b, off;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &a, &b, perms, &off, &pos) < 4) continue;
        char *p = line + pos;
        while (*p == ' ') p++;
        p[strcspn(p, "\n")] = 0;
        size_t pl = strlen(p);
        if (pl > 10 && !strcmp(p + pl - 10, " (deleted)")) {
            /* replaced on disk since it was loaded (a rebuild): read the mapped inode itself
             * through map_files, once per object */
            p[pl - 10] = 0;
            if (strcmp(p, del_name) != 0) {
                snprintf(del_name, sizeof del_name, "%s", p);
                snprintf(del_path, sizeof del_path, "/proc/%d/map_files/%llx-%llx", pid, a, b);
            }
            p = del_path;
        }
        sym_add_mapping(s, a, b, off, p);
    }
    fclose(f);
    return 0;
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off) {
    return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static const char *base_name(const char *p) {
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

int sym_load_core_maps(struct symbolizer *s, const char *core, const char *exe) {
    int fd = open(core, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st;
    Elf64_Ehdr eh;
    int rc = -EINVAL;
    if (fstat(fd, &st) || pread_all(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
        goto out;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (pread_all(fd, &ph, sizeof ph, eh.e_phoff + i * sizeof ph)) break;
        if (ph.p_type != PT_NOTE || ph.p_filesz > (64u << 20) || ph.p_offset + ph.p_filesz > (uint64_t)st.st_size) continue;
        char *nb = malloc(ph.p_filesz);
        if (!nb || pread_all(fd, nb, ph.p_filesz, ph.p_offset)) { free(nb); continue; }
        uint64_t p = 0;
        while (p + 12 <= ph.p_filesz) {
            Elf64_Nhdr nh;
            memcpy(&nh, nb + p, sizeof nh);
            uint64_t name_at = p + 12, desc_at = name_at + ((nh.n_namesz + 3u) & ~3u);
            uint64_t next = desc_at + ((nh.n_descsz + 3ull) & ~3ull);
            if (next > ph.p_filesz || next <= p) break;
            if (nh.n_type == NT_FILE && nh.n_descsz >= 16) {
                const char *d = nb + desc_at, *dend = d + nh.n_descsz;
                uint64_t count, pgsz;
                memcpy(&count, d, 8);
                memcpy(&pgsz, d + 8, 8);
                if (count > (nh.n_descsz - 16) / 24) break;
                const char *names = d + 16 + count * 24;
                for (uint64_t k = 0; k < count && names < dend; k++) {
                    uint64_t e[3];
                    memcpy(e, d + 16 + k * 24, 24);
                    size_t nl = strnlen(names, (size_t)(dend - names));
                    if (names + nl >= dend) break;
                    const char *path = names;
                    if (exe && !strcmp(base_name(path), base_name(exe))) path = exe;
                    char real[4096];
                    if (path == exe && realpath(exe, real)) path = real;
                    sym_add_mapping(s, e[0], e[1], e[2] * pgsz, path);
                    names += nl + 1;
                }
                rc = 0;
            }
            p = next;
        }
        free(nb);
    }
out:
    close(fd);
    return rc;
}

static int cmp_sym(const void *a, const void *b) {
    const struct fsym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_row(const void *a, const void *b) {
    const struct lrow *x = a, *y = b;
    if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
    return x->end - y->end; /* an end of sequence sorts before a start at the same address */
}

/* ELF program headers (for bias) and function symbols (.symtab, else .dynsym). */
static void load_elf(struct object *o, int fd, uint64_t fsize) {
    Elf64_Ehdr eh;
    if (pread_all(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
        return;
    if (eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum && eh.e_phnum < 512 &&
        eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) <= fsize) {
        o->ph = calloc(eh.e_phnum, sizeof *o->ph);
        if (!pread_all(fd, o->ph, eh.e_phnum * sizeof *o->ph, eh.e_phoff)) o->nph = eh.e_phnum;
    }
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum || eh.e_shnum > 4096 ||
        eh.e_shoff + (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > fsize)
        return;
    Elf64_Shdr *sh = calloc(eh.e_shnum, sizeof *sh);
    if (pread_all(fd, sh, eh.e_shnum * sizeof *sh, eh.e_shoff)) { free(sh); return; }
    int want[2] = { SHT_SYMTAB, SHT_DYNSYM };
    for (int w = 0; w < 2 && !o->nsyms; w++) {
        for (unsigned i = 0; i < eh.e_shnum; i++) {
            if (sh[i].sh_type != (unsigned)want[w] || sh[i].sh_link >= eh.e_shnum) continue;
            Elf64_Shdr *ss = &sh[i], *str = &sh[ss->sh_link];
            if (ss->sh_offset + ss->sh_size > fsize || str->sh_offset + str->sh_size > fsize ||
                ss->sh_size > (256u << 20) || str->sh_size > (256u << 20))
                continue;
            Elf64_Sym *sy = malloc(ss->sh_size);
            char *strs = malloc(str->sh_size + 1);
            if (sy && strs && !pread_all(fd, sy, ss->sh_size, ss->sh_offset) &&
                !pread_all(fd, strs, str->sh_size, str->sh_offset)) {
                strs[str->sh_size] = 0;
                size_t n = ss->sh_size / sizeof *sy;
                o->syms = calloc(n ? n : 1, sizeof *o->syms);
                for (size_t k = 0; k < n; k++) {
                    if (ELF64_ST_TYPE(sy[k].st_info) != STT_FUNC || !sy[k].st_value || sy[k].st_name >= str->sh_size)
                        continue;
                    o->syms[o->nsyms++] = (struct fsym){ sy[k].st_value, sy[k].st_size, strdup(strs + sy[k].st_name) };
                }
                qsort(o->syms, o->nsyms, sizeof *o->syms, cmp_sym);
            }
            free(sy);
            free(strs);
            break;
        }
    }
    free(sh);
}

static uint32_t intern_file(struct object *o, const char *f) {
    for (size_t i = o->nfiles; i-- > 0;)
        if (!strcmp(o->files[i], f)) return (uint32_t)i;
    o->files = realloc(o->files, (o->nfiles + 1) * sizeof *o->files);
    o->files[o->nfiles] = strdup(f);
    return (uint32_t)o->nfiles++;
}

/* Every CU's line table, flattened and sorted by address. */
static void load_lines(struct object *o, int fd) {
    Dwarf_Debug dbg = 0;
    Dwarf_Error de = 0;
    if (dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, &de) != DW_DLV_OK) {
        if (de) dwarf_dealloc(dbg, de, DW_DLA_ERROR);
        return;
    }
    size_t cap = 0;
    uint32_t last_file = UINT32_MAX;
    char *last_name = NULL;
    for (int cu = 0; cu < 100000; cu++) {
        Dwarf_Unsigned next = 0;
        Dwarf_Half cu_type = 0;
        int r = dwarf_next_cu_header_d(dbg, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &next, &cu_type, &de);
        if (r != DW_DLV_OK) break;
        Dwarf_Die die = 0;
        if (dwarf_siblingof_b(dbg, NULL, 1, &die, &de) != DW_DLV_OK) continue;
        Dwarf_Unsigned ver = 0;
        Dwarf_Small tc = 0;
        Dwarf_Line_Context ctx = 0;
        if (dwarf_srclines_b(die, &ver, &tc, &ctx, &de) == DW_DLV_OK) {
            Dwarf_Line *lines = NULL;
            Dwarf_Signed cnt = 0;
            if (dwarf_srclines_from_linecontext(ctx, &lines, &cnt, &de) == DW_DLV_OK) {
                for (Dwarf_Signed i = 0; i < cnt; i++) {
                    Dwarf_Addr addr = 0;
                    Dwarf_Unsigned ln = 0;
                    Dwarf_Bool endseq = 0;
                    char *src = NULL;
                    if (dwarf_lineaddr(lines[i], &addr, &de) != DW_DLV_OK) continue;
                    dwarf_lineno(lines[i], &ln, &de);
                    dwarf_lineendsequence(lines[i], &endseq, &de);
                    uint32_t fi = last_file;
                    if (dwarf_linesrc(lines[i], &src, &de) == DW_DLV_OK && src) {
                        if (!last_name || strcmp(last_name, src)) {
                            fi = intern_file(o, src);
                            last_name = o->files[fi];
                        } else fi = last_file;
                        dwarf_dealloc(dbg, src, DW_DLA_STRING);
                    }
                    if (fi == UINT32_MAX) continue;
                    last_file = fi;
                    if (o->nrows == cap) {
                        cap = cap ? cap * 2 : 1024;
                        o->rows = realloc(o->rows, cap * sizeof *o->rows);
                    }
                    o->rows[o->nrows++] = (struct lrow){ addr, fi, (int)ln, endseq ? 1 : 0 };
                }
            }
            dwarf_srclines_dealloc_b(ctx);
        }
        dwarf_dealloc(dbg, die, DW_DLA_DIE);
    }
    dwarf_finish(dbg, &de);
    qsort(o->rows, o->nrows, sizeof *o->rows, cmp_row);
}

static void load(struct object *o) {
    if (o->loaded) return;
    o->loaded = 1;
    int fd = open(o->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
        load_elf(o, fd, (uint64_t)st.st_size);
        load_lines(o, fd);
        o->ok = 1;
    }
    close(fd);
}

/* The ELF virtual address at file offset `off`, from the PT_LOAD segment containing it. */
static int vaddr_of_offset(const struct object *o, uint64_t off, uint64_t *va) {
    for (int i = 0; i < o->nph; i++) {
        const Elf64_Phdr *p = &o->ph[i];
        if (p->p_type != PT_LOAD) continue;
        uint64_t align = p->p_align > 1 ? p->p_align : 1;
        uint64_t seg_off = p->p_offset & ~(align - 1);
        if (off >= seg_off && off < p->p_offset + p->p_filesz) {
            *va = p->p_vaddr - p->p_offset + off;
            return 0;
        }
    }
    return -1;
}

int sym_lookup(struct symbolizer *s, uint64_t pc, struct sym_info *out) {
    memset(out, 0, sizeof *out);
    for (size_t m = 0; m < s->nmaps; m++) {
        struct mapping *mp = &s->maps[m];
        if (pc < mp->start || pc >= mp->end) continue;
        struct object *o = mp->obj;
        load(o);
        snprintf(out->object, sizeof out->object, "%s", o->path);
        uint64_t va;
        if (!o->ok || vaddr_of_offset(o, mp->off + (pc - mp->start), &va)) return 0;
        /* function: the last symbol starting at or below va that covers it */
        size_t lo = 0, hi = o->nsyms;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (o->syms[mid].addr <= va) lo = mid + 1; else hi = mid;
        }
        for (size_t k = lo; k-- > 0;) {
            struct fsym *f = &o->syms[k];
            if (va < f->addr + (f->size ? f->size : 1)) {
                snprintf(out->func, sizeof out->func, "%s", f->name);
                out->func_off = va - f->addr;
                break;
            }
            if (lo - k > 8) break; /* nested/zero-size neighbours only */
        }
        /* line: the last row at or below va, unless it ends a sequence */
        lo = 0, hi = o->nrows;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (o->rows[mid].addr <= va) lo = mid + 1; else hi = mid;
        }
        if (lo > 0 && !o->rows[lo - 1].end) {
            const char *f = o->files[o->rows[lo - 1].file];
            size_t cl = strlen(s->cwd);
            /* relative to where tw runs when below it: shorter, and what tests grep for */
            if (cl > 1 && !strncmp(f, s->cwd, cl) && f[cl] == '/') f += cl + 1;
            snprintf(out->file, sizeof out->file, "%s", f);
            out->line = o->rows[lo - 1].line;
        }
        return 0;
    }
    return -1;
}

void sym_free(struct symbolizer *s) {
    if (!s) return;
    for (struct object *o = s->objs, *n; o; o = n) {
        n = o->next;
        for (size_t i = 0; i < o->nsyms; i++) free(o->syms[i].name);
        for (size_t i = 0; i < o->nfiles; i++) free(o->files[i]);
        free(o->syms);
        free(o->files);
        free(o->rows);
        free(o->ph);
        free(o->path);
        free(o);
    }
    free(s->maps);
    free(s);
}
