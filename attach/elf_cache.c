/* elf_cache.c — the ELF objects a target maps: load layout, .eh_frame_hdr, function symbols.
 *
 * Opened once per path for the whole collection (a process maps libc once but 100 threads
 * unwind through it). Function names come from .symtab when the object has one, else from
 * its separate debug file (/usr/lib/debug/.build-id/..., libc6-dbg) and always from .dynsym:
 * glibc's blocking primitives are found by name, and the static helpers (__new_sem_wait_slow,
 * __pthread_cond_wait_common) only appear in the full symbol table.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "twa_elf.h"

struct twa_elf_cache {
    struct twa_elf **v;
    size_t n, cap;
};

static int sym_cmp(const void *a, const void *b)
{
    const struct twa_sym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void add_symbols(struct twa_elf *e, Elf *elf)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) || !sh.sh_entsize)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue;
        size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym s;
            if (!gelf_getsym(d, (int)i, &s) || s.st_value == 0 || s.st_shndx == SHN_UNDEF)
                continue;
            int ty = GELF_ST_TYPE(s.st_info);
            if (ty != STT_FUNC && ty != STT_GNU_IFUNC)
                continue;
            const char *nm = elf_strptr(elf, sh.sh_link, s.st_name);
            if (!nm || !*nm)
                continue;
            if (e->nsyms == e->capsyms) {
                size_t c = e->capsyms ? e->capsyms * 2 : 1024;
                struct twa_sym *t = realloc(e->syms, c * sizeof *t);
                if (!t)
                    return;
                e->syms = t;
                e->capsyms = c;
            }
            char *copy = strdup(nm); /* the debug file's Elf is closed after loading */
            if (!copy)
                return;
            e->syms[e->nsyms++] = (struct twa_sym){s.st_value, s.st_size, copy};
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

/* The build id from PT_NOTE segments, as lowercase hex into out (>= 2*len+1). */
static int build_id(Elf *elf, char *out, size_t outlen)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
            continue;
        Elf_Data *d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
        if (!d)
            continue;
        size_t off = 0, name_off, desc_off;
        GElf_Nhdr nh;
        while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0 && nh.n_descsz * 2 + 1 <= outlen) {
                const unsigned char *b = (const unsigned char *)d->d_buf + desc_off;
                for (size_t k = 0; k < nh.n_descsz; k++)
                    sprintf(out + 2 * k, "%02x", b[k]);
                return 0;
            }
        }
    }
    return -1;
}

static void load_debug_symbols(struct twa_elf *e, Elf *elf)
{
    char id[129], path[300];
    if (build_id(elf, id, sizeof id) != 0 || strlen(id) < 4)
        return;
    snprintf(path, sizeof path, "/usr/lib/debug/.build-id/%.2s/%s.debug", id, id + 2);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    Elf *d = elf_begin(fd, ELF_C_READ, NULL);
    if (d) {
        add_symbols(e, d);
        e->debug_path = strdup(path);
        elf_end(d);
    }
    close(fd);
}

static struct twa_elf *load(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    Elf *elf = NULL;
    struct twa_elf *e = calloc(1, sizeof *e);
    if (!e || fstat(fd, &sb) != 0 || !(elf = elf_begin(fd, ELF_C_READ, NULL)) || elf_kind(elf) != ELF_K_ELF)
        goto fail;
    e->fd = fd;
    e->size = (uint64_t)sb.st_size;
    e->path = strdup(path);
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            continue;
        if (ph.p_type == PT_LOAD && e->nloads < TWA_MAX_LOADS)
            e->loads[e->nloads++] = (struct twa_load){ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz, ph.p_align};
        else if (ph.p_type == PT_GNU_EH_FRAME && ph.p_filesz >= 4 && ph.p_filesz < (64u << 20) &&
                 ph.p_offset < e->size && ph.p_filesz <= e->size - ph.p_offset) {
            e->ehdr_bytes = malloc(ph.p_filesz);
            if (e->ehdr_bytes && pread(fd, e->ehdr_bytes, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz) {
                e->ehdr_vaddr = ph.p_vaddr;
                e->ehdr_len = ph.p_filesz;
            } else {
                free(e->ehdr_bytes);
                e->ehdr_bytes = NULL;
            }
        }
    }
    add_symbols(e, elf);
    if (!has_symtab(elf))
        load_debug_symbols(e, elf);
    qsort(e->syms, e->nsyms, sizeof *e->syms, sym_cmp);
    elf_end(elf);
    return e;
fail:
    if (elf)
        elf_end(elf);
    if (e) {
        free(e->path);
        free(e);
    }
    close(fd);
    return NULL;
}

struct twa_elf_cache *twa_elf_cache_new(void)
{
    elf_version(EV_CURRENT);
    return calloc(1, sizeof(struct twa_elf_cache));
}

static void elf_free(struct twa_elf *e)
{
    if (!e)
        return;
    twa_lines_free(e);
    for (size_t i = 0; i < e->nsyms; i++)
        free((char *)e->syms[i].name);
    free(e->syms);
    free(e->ehdr_bytes);
    free(e->path);
    free(e->debug_path);
    if (e->fd >= 0)
        close(e->fd);
    free(e);
}

void twa_elf_cache_free(struct twa_elf_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        elf_free(c->v[i]);
    free(c->v);
    free(c);
}

struct twa_elf *twa_elf_get(struct twa_elf_cache *c, const char *path)
{
    if (!c || !path || path[0] != '/')
        return NULL; /* [vdso], [heap], memfd names...: not files we can open */
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i]->req_path, path) == 0)
            return c->v[i]->bad ? NULL : c->v[i];
    struct twa_elf *e = load(path);
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e)
            return NULL;
        e->fd = -1;
        e->bad = 1; /* remember failures: do not retry per frame */
    }
    snprintf(e->req_path, sizeof e->req_path, "%s", path);
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct twa_elf **t = realloc(c->v, cap * sizeof *t);
        if (!t) {
            elf_free(e);
            return NULL;
        }
        c->v = t;
        c->cap = cap;
    }
    c->v[c->n++] = e;
    return e->bad ? NULL : e;
}

int twa_elf_bias(const struct twa_elf *e, uint64_t map_start, uint64_t fileofs, uint64_t *bias)
{
    /* The mapping of file offset `fileofs` at `map_start` belongs to the PT_LOAD whose
     * page-rounded offset is fileofs; its page-rounded vaddr then sits at map_start. */
    const uint64_t pg = 4096;
    for (size_t i = 0; i < e->nloads; i++) {
        if ((e->loads[i].offset & ~(pg - 1)) == fileofs) {
            *bias = map_start - (e->loads[i].vaddr & ~(pg - 1));
            return 0;
        }
    }
    return -1;
}

int twa_elf_func(const struct twa_elf *e, uint64_t v, uint64_t *start, const char **names, int n)
{
    size_t lo = 0, hi = e->nsyms;
    while (lo < hi) { /* first symbol with addr > v */
        size_t mid = lo + (hi - lo) / 2;
        if (e->syms[mid].addr <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    size_t i = lo - 1;
    uint64_t a = e->syms[i].addr;
    /* Among aliases at the same start, any with a size must cover v. */
    int k = 0, covered = 0;
    while (1) {
        const struct twa_sym *s = &e->syms[i];
        if (s->size == 0 || v < s->addr + s->size)
            covered = 1;
        int dup = 0;
        for (int j = 0; j < k; j++)
            if (strcmp(names[j], s->name) == 0)
                dup = 1;
        if (!dup && k < n)
            names[k++] = s->name;
        if (i == 0 || e->syms[i - 1].addr != a)
            break;
        i--;
    }
    if (!covered)
        return 0;
    *start = a;
    return k;
}

int twa_elf_eh_frame_hdr(const struct twa_elf *e, uint64_t *vaddr, const uint8_t **bytes, size_t *len)
{
    if (!e->ehdr_bytes)
        return -1;
    *vaddr = e->ehdr_vaddr;
    *bytes = e->ehdr_bytes;
    *len = e->ehdr_len;
    return 0;
}

int64_t twa_elf_read_vaddr(const struct twa_elf *e, uint64_t v, void *buf, uint64_t len)
{
    for (size_t i = 0; i < e->nloads; i++) {
        const struct twa_load *l = &e->loads[i];
        if (v < l->vaddr || v - l->vaddr >= l->filesz)
            continue;
        uint64_t in = v - l->vaddr, n = l->filesz - in;
        if (n > len)
            n = len;
        ssize_t r = pread(e->fd, buf, n, (off_t)(l->offset + in));
        return r > 0 ? r : -14;
    }
    return -14; /* -EFAULT */
}

const char *twa_elf_path(const struct twa_elf *e) { return e->path; }

uint64_t twa_elf_sym_addr(const struct twa_elf *e, const char *name)
{
    for (size_t i = 0; i < e->nsyms; i++)
        if (strcmp(e->syms[i].name, name) == 0)
            return e->syms[i].addr;
    return 0;
}
