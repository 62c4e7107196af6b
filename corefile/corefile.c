/* corefile.c — an ELF core file (kernel or gcore, x86-64): its segments as a byte source,
 * its notes (threads, mappings, auxv) as facts.
 *
 * The file is input, not memory: every header, count and offset is checked against the real
 * file size before use, so a truncated or hostile core yields TWC_ECORRUPT or short reads,
 * never a crash. We keep the file open and pread() on demand: cores can be gigabytes and a
 * reader only needs a few pages of them.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>
#include "corefile.h"

#define MAX_PHDRS (1u << 20)           /* more would be a hostile file, not a process */
#define MAX_NOTES_BYTES (64u << 20)  /* notes of a 10k-thread process are a few MiB */

static void say(char *err, size_t errlen, const char *fmt, const char *a)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a);
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static int seg_cmp(const void *a, const void *b)
{
    const struct twcf_seg *x = a, *y = b;
    return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* NT_FILE: count, page size, count x {start, end, page offset}, then count C strings. */
static void parse_nt_file(struct twcf_core *c, const uint8_t *d, size_t n)
{
    if (n < 16)
        return;
    uint64_t count, psz;
    memcpy(&count, d, 8);
    memcpy(&psz, d + 8, 8);
    if (count == 0 || count > (n - 16) / 24)
        return;
    c->page_size = (psz && !(psz & (psz - 1))) ? psz : 4096;
    struct tws_map *m = calloc(count, sizeof *m);
    if (!m)
        return;
    const char *s = (const char *)d + 16 + count * 24, *end = (const char *)d + n;
    size_t k = 0;
    for (uint64_t i = 0; i < count && s < end; i++) {
        const char *z = memchr(s, 0, (size_t)(end - s));
        if (!z)
            break; /* unterminated name: drop the rest rather than read past the note */
        uint64_t t[3];
        memcpy(t, d + 16 + i * 24, 24);
        if (t[0] < t[1]) {
            m[k].start = t[0];
            m[k].end = t[1];
            m[k].fileofs = t[2] * c->page_size;
            m[k].path = strdup(s);
            if (m[k].path)
                k++;
        }
        s = z + 1;
    }
    c->maps = m;
    c->nmaps = k;
}

static void parse_prstatus(struct twcf_core *c, const uint8_t *d, size_t n)
{
    struct elf_prstatus ps;
    if (n < sizeof ps)
        return; /* a different layout (32-bit core): we only read x86-64 */
    memcpy(&ps, d, sizeof ps);
    struct twcf_thread *t = realloc(c->threads, (c->nthreads + 1) * sizeof *t);
    if (!t)
        return;
    c->threads = t;
    t[c->nthreads].tid = (uint32_t)ps.pr_pid;
    memcpy(&t[c->nthreads].regs, &ps.pr_reg, sizeof t[0].regs < sizeof ps.pr_reg ? sizeof t[0].regs : sizeof ps.pr_reg);
    c->nthreads++;
}

static void parse_auxv(struct twcf_core *c, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i + 16 <= n; i += 16) {
        uint64_t kv[2];
        memcpy(kv, d + i, 16);
        if (kv[0] == AT_PHDR)
            c->at_phdr = kv[1];
        else if (kv[0] == AT_ENTRY)
            c->at_entry = kv[1];
        else if (kv[0] == AT_NULL)
            break;
    }
}

static void parse_notes(struct twcf_core *c)
{
    const uint8_t *p = c->notes, *end = c->notes + c->notes_len;
    while ((size_t)(end - p) >= sizeof(Elf64_Nhdr)) {
        Elf64_Nhdr h;
        memcpy(&h, p, sizeof h);
        size_t name_sz = ((size_t)h.n_namesz + 3) & ~(size_t)3;
        size_t desc_sz = ((size_t)h.n_descsz + 3) & ~(size_t)3;
        size_t left = (size_t)(end - p) - sizeof h;
        if (h.n_namesz > left || name_sz > left || h.n_descsz > left - name_sz)
            break;
        const char *name = (const char *)p + sizeof h;
        const uint8_t *desc = p + sizeof h + name_sz;
        int core_owner = h.n_namesz >= 4 && memcmp(name, "CORE", 4) == 0;
        int linux_owner = h.n_namesz >= 5 && memcmp(name, "LINUX", 5) == 0;
        if (core_owner && h.n_type == NT_PRSTATUS)
            parse_prstatus(c, desc, h.n_descsz);
        else if (core_owner && h.n_type == NT_PRPSINFO && h.n_descsz >= sizeof(struct elf_prpsinfo)) {
            struct elf_prpsinfo pi;
            memcpy(&pi, desc, sizeof pi);
            memcpy(c->fname, pi.pr_fname, 16);
            c->fname[16] = 0;
            memcpy(c->psargs, pi.pr_psargs, 80);
            c->psargs[80] = 0;
            c->pid = pi.pr_pid;
        } else if (core_owner && h.n_type == NT_FILE && !c->maps)
            parse_nt_file(c, desc, h.n_descsz);
        else if (core_owner && h.n_type == NT_AUXV)
            parse_auxv(c, desc, h.n_descsz);
        (void)linux_owner;
        if (desc_sz > left - name_sz)
            break;
        p += sizeof h + name_sz + desc_sz;
    }
}

struct twcf_core *twcf_open(const char *path, int *status, char *err, size_t errlen)
{
    int st = TWC_ECORRUPT;
    struct twcf_core *c = calloc(1, sizeof *c);
    if (!c) {
        st = TWC_EINTERNAL;
        say(err, errlen, "out of memory opening core file %s", path);
        goto fail;
    }
    c->fd = -1;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        st = (errno == EACCES || errno == EPERM) ? TWC_EPERM : TWC_ENOTFOUND;
        if (err && errlen)
            snprintf(err, errlen, "cannot open core file %s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat sb;
    if (fstat(c->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        say(err, errlen, "%s is not a regular file, so not a core file", path);
        goto fail;
    }
    c->fsize = (uint64_t)sb.st_size;
    Elf64_Ehdr eh;
    if (c->fsize < sizeof eh || pread_all(c->fd, &eh, sizeof eh, 0) != 0 ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        say(err, errlen, "%s is not an ELF file, so not a core file", path);
        goto fail;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_X86_64) {
        say(err, errlen, "%s is not an x86-64 little-endian ELF file; only those are supported", path);
        goto fail;
    }
    if (eh.e_type != ET_CORE) {
        say(err, errlen, "%s is an ELF file but not a core file (e_type is not ET_CORE)", path);
        goto fail;
    }
    uint64_t phnum = eh.e_phnum;
    if (phnum == PN_XNUM) {
        /* More than 65534 mappings: the real count is in section header 0's sh_info. */
        Elf64_Shdr sh0;
        if (eh.e_shoff == 0 || eh.e_shoff > c->fsize || c->fsize - eh.e_shoff < sizeof sh0 ||
            pread_all(c->fd, &sh0, sizeof sh0, eh.e_shoff) != 0)
            phnum = 0;
        else
            phnum = sh0.sh_info;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || phnum == 0 || phnum > MAX_PHDRS ||
        eh.e_phoff > c->fsize || phnum * sizeof(Elf64_Phdr) > c->fsize - eh.e_phoff) {
        say(err, errlen, "core file %s is truncated or corrupt: its program headers lie outside the file", path);
        goto fail;
    }
    Elf64_Phdr *ph = malloc((size_t)phnum * sizeof *ph);
    if (!ph || pread_all(c->fd, ph, (size_t)phnum * sizeof *ph, eh.e_phoff) != 0) {
        free(ph);
        say(err, errlen, "cannot read the program headers of core file %s", path);
        goto fail;
    }
    c->segs = calloc(phnum, sizeof *c->segs);
    if (!c->segs) {
        free(ph);
        goto fail;
    }
    c->declared_end = eh.e_phoff + phnum * sizeof(Elf64_Phdr);
    for (unsigned i = 0; i < phnum; i++) {
        /* what the file should hold, before clipping to what it does (twcf_check) */
        if ((ph[i].p_type == PT_LOAD || ph[i].p_type == PT_NOTE) && ph[i].p_offset + ph[i].p_filesz >= ph[i].p_offset &&
            ph[i].p_offset + ph[i].p_filesz > c->declared_end)
            c->declared_end = ph[i].p_offset + ph[i].p_filesz;
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz > 0 && ph[i].p_vaddr + ph[i].p_memsz > ph[i].p_vaddr) {
            struct twcf_seg *s = &c->segs[c->nsegs++];
            s->vaddr = ph[i].p_vaddr;
            s->memsz = ph[i].p_memsz;
            s->off = ph[i].p_offset;
            /* Clip to what the file really holds: a truncated core keeps its valid prefix. */
            uint64_t fs = ph[i].p_filesz < ph[i].p_memsz ? ph[i].p_filesz : ph[i].p_memsz;
            if (s->off >= c->fsize)
                fs = 0;
            else if (fs > c->fsize - s->off)
                fs = c->fsize - s->off;
            s->filesz = fs;
        } else if (ph[i].p_type == PT_NOTE && ph[i].p_filesz > 0) {
            uint64_t off = ph[i].p_offset, len = ph[i].p_filesz;
            if (off >= c->fsize)
                continue;
            if (len > c->fsize - off)
                len = c->fsize - off;
            if (len > MAX_NOTES_BYTES - c->notes_len)
                continue;
            uint8_t *n = realloc(c->notes, c->notes_len + len);
            if (!n)
                continue;
            c->notes = n;
            if (pread_all(c->fd, c->notes + c->notes_len, (size_t)len, off) == 0)
                c->notes_len += len;
        }
    }
    free(ph);
    qsort(c->segs, c->nsegs, sizeof *c->segs, seg_cmp);
    if (!c->page_size)
        c->page_size = 4096;
    parse_notes(c);
    if (c->nsegs == 0 && c->nthreads == 0) {
        say(err, errlen, "core file %s holds neither memory nor threads (truncated?)", path);
        goto fail;
    }
    if (status)
        *status = TWC_OK;
    return c;
fail:
    if (status)
        *status = st;
    twcf_close(c);
    return NULL;
}

/* Segment containing addr: binary search over the sorted list (segments never overlap in a
 * sane core; in a hostile one we just use whichever the search lands on). */
static const struct twcf_seg *seg_find(const struct twcf_core *c, uint64_t addr)
{
    size_t lo = 0, hi = c->nsegs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct twcf_seg *s = &c->segs[mid];
        if (addr < s->vaddr)
            hi = mid;
        else if (addr - s->vaddr >= s->memsz)
            lo = mid + 1;
        else
            return s;
    }
    return NULL;
}

int64_t twcf_read(void *core, uint64_t addr, void *buf, uint64_t len)
{
    struct twcf_core *c = core;
    if (!c || (!buf && len))
        return -EINVAL;
    uint64_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        if (a < addr)
            break; /* wrapped past the top of the address space */
        const struct twcf_seg *s = seg_find(c, a);
        if (!s)
            break;
        uint64_t in = a - s->vaddr;
        if (in >= s->filesz)
            break; /* mapped but not dumped (or cut off by truncation) */
        uint64_t n = s->filesz - in;
        if (n > len - done)
            n = len - done;
        if (pread_all(c->fd, (char *)buf + done, (size_t)n, s->off + in) != 0)
            break;
        done += n;
    }
    return done ? (int64_t)done : (len ? -EFAULT : 0);
}

const char *twcf_exe(const struct twcf_core *c)
{
    uint64_t probe = c->at_entry ? c->at_entry : c->at_phdr;
    const struct tws_map *m = probe ? tws_map_find(c->maps, c->nmaps, probe) : NULL;
    if (m)
        return m->path;
    /* No auxv: the first mapping with offset 0 is the executable in every Linux layout. */
    for (size_t i = 0; i < c->nmaps; i++)
        if (c->maps[i].fileofs == 0 && c->maps[i].path[0] == '/')
            return c->maps[i].path;
    return NULL;
}

void twcf_close(struct twcf_core *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->segs);
    free(c->notes);
    tws_free_maps(c->maps, c->nmaps);
    free(c->threads);
    free(c);
}

size_t twcf_threads(const struct twcf_core *c, const struct twcf_thread **out)
{
    *out = c->threads;
    return c->nthreads;
}

const char *twcf_comm(const struct twcf_core *c) { return c->fname; }

long twcf_maps(const struct twcf_core *c, const char *exe, struct tws_map **out)
{
    const char *core_exe = twcf_exe(c);
    char abs[4096];
    if (exe && realpath(exe, abs))
        exe = abs; /* mappings are absolute paths: the symbolizer opens nothing else */
    struct tws_map *m = calloc(c->nmaps ? c->nmaps : 1, sizeof *m);
    if (!m)
        return -ENOMEM;
    for (size_t i = 0; i < c->nmaps; i++) {
        const char *path = exe && core_exe && strcmp(c->maps[i].path, core_exe) == 0 ? exe : c->maps[i].path;
        m[i] = (struct tws_map){c->maps[i].start, c->maps[i].end, c->maps[i].fileofs, strdup(path), NULL};
        if (!m[i].path) {
            tws_free_maps(m, i);
            return -ENOMEM;
        }
    }
    *out = m;
    return (long)c->nmaps;
}
