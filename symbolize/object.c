/* object.c — the ELF objects a target maps: load layout, .eh_frame_hdr, function symbols,
 * read with libelf (which checks every section and segment against the file's size).
 *
 * Opened once per path for the life of the cache (a process maps libc once but 100 threads
 * unwind through it, and a stack shows it in every frame). Function names come from .symtab
 * and .dynsym; a stripped object (no .symtab) gets its separate debug file's (debug_file.c):
 * glibc's blocking primitives are found by name, and its static helpers
 * (__new_sem_wait_slow, __pthread_cond_wait_common) only appear in the full symbol table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "object.h"

#define MAX_SYMS (4u << 20) /* a hostile symbol table cannot exhaust memory */

struct tws_cache {
    struct tws_object **v;
    size_t n, cap;
};

/* Which alias a programmer wrote: a global (or weak) name before a local one, and among
 * those the one with fewer leading underscores (pthread_mutex_lock, not
 * __pthread_mutex_lock). The name decides ties, so every run names a function alike. */
static unsigned rank_of(const GElf_Sym *s, const char *name)
{
    unsigned r = GELF_ST_BIND(s->st_info) == STB_LOCAL ? 16 : 0;
    while (*name == '_' && r % 16 < 15)
        name++, r++;
    return r;
}

static int sym_cmp(const void *a, const void *b)
{
    const struct tws_sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void add_symbols(struct tws_object *o, Elf *elf)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) || !sh.sh_entsize)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue; /* the section lies outside the file: libelf refuses it */
        size_t n = d->d_size / sh.sh_entsize;
        for (size_t i = 0; i < n && o->nsyms < MAX_SYMS; i++) {
            GElf_Sym s;
            if (!gelf_getsym(d, (int)i, &s) || s.st_value == 0 || s.st_shndx == SHN_UNDEF)
                continue;
            int ty = GELF_ST_TYPE(s.st_info);
            if (ty != STT_FUNC && ty != STT_GNU_IFUNC)
                continue;
            const char *nm = elf_strptr(elf, sh.sh_link, s.st_name);
            if (!nm || !*nm)
                continue;
            if (tws_grow((void **)&o->syms, &o->capsyms, o->nsyms, sizeof *o->syms, 1024) != 0)
                return;
            char *copy = strdup(nm); /* the debug file's Elf is closed after loading */
            if (!copy)
                return;
            o->syms[o->nsyms++] = (struct tws_sym){s.st_value, s.st_size, copy, rank_of(&s, nm)};
        }
    }
}

static int has_symtab(Elf *elf)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
            return 1;
    }
    return 0;
}

static void load_debug_symbols(struct tws_object *o, Elf *elf)
{
    char path[4096];
    if (tws_debug_file(elf, o->path, path, sizeof path) != 0)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    Elf *d = elf_begin(fd, ELF_C_READ, NULL);
    if (d && elf_kind(d) == ELF_K_ELF) {
        add_symbols(o, d);
        o->debug_path = strdup(path);
    }
    if (d)
        elf_end(d);
    close(fd);
}

static void read_eh_frame_hdr(struct tws_object *o, const GElf_Phdr *ph)
{
    if (o->ehdr_bytes || ph->p_filesz < 4 || ph->p_filesz >= (64u << 20) || ph->p_offset >= o->size ||
        ph->p_filesz > o->size - ph->p_offset)
        return;
    o->ehdr_bytes = malloc(ph->p_filesz);
    if (o->ehdr_bytes && pread(o->fd, o->ehdr_bytes, ph->p_filesz, (off_t)ph->p_offset) == (ssize_t)ph->p_filesz) {
        o->ehdr_vaddr = ph->p_vaddr;
        o->ehdr_len = ph->p_filesz;
    } else {
        free(o->ehdr_bytes);
        o->ehdr_bytes = NULL;
    }
}

/* Reads `file`, which the target calls `name` (they differ for a file deleted since). */
static int load(struct tws_object *o, const char *file, const char *name)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    Elf *elf = NULL;
    size_t n;
    o->fd = fd;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !(o->path = strdup(name)) ||
        !(elf = elf_begin(fd, ELF_C_READ, NULL)) || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &n) != 0) {
        if (elf)
            elf_end(elf);
        return -1;
    }
    o->size = (uint64_t)sb.st_size;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            continue;
        if (ph.p_type == PT_LOAD && o->nloads < TWS_MAX_LOADS)
            o->loads[o->nloads++] = (struct tws_load){ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz, ph.p_align};
        else if (ph.p_type == PT_GNU_EH_FRAME)
            read_eh_frame_hdr(o, &ph);
    }
    add_symbols(o, elf);
    if (!has_symtab(elf))
        load_debug_symbols(o, elf);
    qsort(o->syms, o->nsyms, sizeof *o->syms, sym_cmp);
    elf_end(elf);
    return 0;
}

struct tws_cache *tws_cache_new(void)
{
    elf_version(EV_CURRENT);
    return calloc(1, sizeof(struct tws_cache));
}

static void object_free(struct tws_object *o)
{
    if (!o)
        return;
    tws_lines_free(o);
    for (size_t i = 0; i < o->nsyms; i++)
        free((char *)o->syms[i].name);
    free(o->syms);
    free(o->ehdr_bytes);
    free(o->path);
    free(o->debug_path);
    if (o->fd >= 0)
        close(o->fd);
    free(o);
}

void tws_cache_free(struct tws_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        object_free(c->v[i]);
    free(c->v);
    free(c);
}

struct tws_object *tws_object_get(struct tws_cache *c, const struct tws_map *m)
{
    const char *path = m ? m->path : NULL;
    if (!c || !path || path[0] != '/')
        return NULL; /* [vdso], [heap], memfd names...: not files we can open */
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i]->req_path, path) == 0)
            return c->v[i]->bad ? NULL : c->v[i];
    struct tws_object *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->fd = -1;
    if (load(o, m->file ? m->file : path, path) != 0) {
        object_free(o); /* keep a bare entry: do not retry per frame */
        if (!(o = calloc(1, sizeof *o)))
            return NULL;
        o->fd = -1;
        o->bad = 1;
    }
    snprintf(o->req_path, sizeof o->req_path, "%s", path);
    if (tws_grow((void **)&c->v, &c->cap, c->n, sizeof *c->v, 16) != 0) {
        object_free(o);
        return NULL;
    }
    c->v[c->n++] = o;
    return o->bad ? NULL : o;
}

int tws_object_func(const struct tws_object *o, uint64_t v, uint64_t *start, const char **names, int n)
{
    size_t lo = 0, hi = o->nsyms;
    while (lo < hi) { /* first symbol with addr > v */
        size_t mid = lo + (hi - lo) / 2;
        if (o->syms[mid].addr <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* The nearest start below v covers it when any alias there has no size or a size that
     * reaches v; else an enclosing symbol a few starts lower may (a function with a nested
     * entry point). Beyond a few neighbours v is in no function we know. */
    for (size_t i = lo, tries = 0; i > 0 && tries < 8; tries++) {
        uint64_t a = o->syms[i - 1].addr;
        size_t first = i - 1;
        while (first > 0 && o->syms[first - 1].addr == a)
            first--;
        int covered = 0;
        for (size_t j = first; j < i; j++)
            if (o->syms[j].size == 0 ? tries == 0 : v - a < o->syms[j].size)
                covered = 1;
        if (covered) {
            int k = 0;
            for (size_t j = first; j < i && k < n; j++) {
                int dup = 0;
                for (int m = 0; m < k; m++)
                    dup |= strcmp(names[m], o->syms[j].name) == 0;
                if (!dup)
                    names[k++] = o->syms[j].name;
            }
            *start = a;
            return k;
        }
        i = first;
    }
    return 0;
}

int tws_object_eh_frame_hdr(const struct tws_object *o, uint64_t *vaddr, const uint8_t **bytes, size_t *len)
{
    if (!o->ehdr_bytes)
        return -1;
    *vaddr = o->ehdr_vaddr;
    *bytes = o->ehdr_bytes;
    *len = o->ehdr_len;
    return 0;
}

int tws_object_span(const struct tws_object *o, uint64_t *lo, uint64_t *hi)
{
    if (!o->nloads)
        return -1;
    *lo = UINT64_MAX;
    *hi = 0;
    for (size_t i = 0; i < o->nloads; i++) {
        if (o->loads[i].vaddr < *lo)
            *lo = o->loads[i].vaddr;
        if (o->loads[i].vaddr + o->loads[i].memsz > *hi)
            *hi = o->loads[i].vaddr + o->loads[i].memsz;
    }
    return 0;
}

int64_t tws_object_read_file(const struct tws_object *o, uint64_t off, void *buf, uint64_t len)
{
    if (off >= o->size)
        return -EFAULT;
    if (len > o->size - off)
        len = o->size - off;
    ssize_t r = pread(o->fd, buf, len, (off_t)off);
    return r > 0 ? r : -EFAULT;
}

const char *tws_object_debug_path(const struct tws_object *o) { return o->debug_path; }

int tws_grow(void **items, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : first;
    void *t = realloc(*items, c * size);
    if (!t)
        return -1;
    *items = t;
    *cap = c;
    return 0;
}
