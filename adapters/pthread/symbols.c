/* symbols.c — "which global is at this address?" from the ELF symbol tables, in-process.
 *
 * dladdr only sees exported (dynamic) symbols, and a program's own globals (`pthread_mutex_t
 * first`) are not exported. So at the first use of an object we find the loaded file that
 * contains its address (dl_iterate_phdr), map that file read-only once, and search .symtab
 * (falling back to .dynsym when stripped). No malloc; the loader lock is taken only here, at
 * the first use of each object or call site. Array elements are named from DWARF when the
 * object has it ("forks[2]", dwarf_type.c); struct fields come out as "table+0x28" (readers
 * with libdwarf can say "table.lock": twc_symbolize_data). */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "twp.h"

#define MAX_FILES 64

struct file_map {
    uint64_t key;            /* dlpi_phdr of the object: unique while it is loaded */
    int state;               /* 0 empty, 1 loading, 2 ready, 3 unusable */
    const char *map;
    size_t size;
    const Elf64_Sym *syms;
    size_t nsyms;
    const char *strs;
    size_t strsize;
};
static struct file_map files[MAX_FILES];

struct hit {
    uint64_t addr, bias, key;
    char path[256];
    int found;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct hit *h = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uint64_t lo = info->dlpi_addr + ph->p_vaddr;
        if (h->addr >= lo && h->addr < lo + ph->p_memsz) {
            h->bias = info->dlpi_addr;
            h->key = (uint64_t)(uintptr_t)info->dlpi_phdr;
            const char *n = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "/proc/self/exe";
            size_t l = strnlen(n, sizeof h->path - 1);
            memcpy(h->path, n, l);
            h->path[l] = 0;
            h->found = 1;
            return 1;
        }
    }
    return 0;
}

static void load(struct file_map *f, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        if (fd >= 0) close(fd);
        f->state = 3;
        return;
    }
    const char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        f->state = 3;
        return;
    }
    size_t sz = (size_t)st.st_size;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shoff == 0 || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > sz) {
        munmap((void *)m, sz);
        f->state = 3;
        return;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(m + eh->e_shoff);
    const Elf64_Shdr *best = NULL;
    for (int pass = 0; pass < 2 && !best; pass++)
        for (unsigned i = 0; i < eh->e_shnum; i++)
            if (sh[i].sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB) && sh[i].sh_link < eh->e_shnum) {
                best = &sh[i];
                break;
            }
    if (!best || best->sh_offset + best->sh_size > sz) {
        munmap((void *)m, sz);
        f->state = 3;
        return;
    }
    const Elf64_Shdr *str = &sh[best->sh_link];
    if (str->sh_offset + str->sh_size > sz) {
        munmap((void *)m, sz);
        f->state = 3;
        return;
    }
    f->map = m;
    f->size = sz;
    f->syms = (const Elf64_Sym *)(m + best->sh_offset);
    f->nsyms = best->sh_size / sizeof(Elf64_Sym);
    f->strs = m + str->sh_offset;
    f->strsize = str->sh_size;
    __atomic_store_n(&f->state, 2, __ATOMIC_RELEASE);
}

static struct file_map *file_for(uint64_t key, const char *path)
{
    for (int i = 0; i < MAX_FILES; i++) {
        struct file_map *f = &files[i];
        uint64_t k = __atomic_load_n(&f->key, __ATOMIC_ACQUIRE);
        if (k == 0) {
            uint64_t z = 0;
            if (!__atomic_compare_exchange_n(&f->key, &z, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                if (z != key)
                    continue;
            } else {
                load(f, path);
                return f->state == 2 ? f : NULL;
            }
        } else if (k != key) {
            continue;
        }
        /* another thread is loading it: it never blocks, but do not wait for it either */
        return __atomic_load_n(&f->state, __ATOMIC_ACQUIRE) == 2 ? f : NULL;
    }
    return NULL;
}

/* The mapped file of the object holding addr, and addr's offset in it (link-time address). */
static struct file_map *object_of(const void *addr, uint64_t *off)
{
    struct hit h;
    memset(&h, 0, sizeof h);
    h.addr = (uint64_t)(uintptr_t)addr;
    dl_iterate_phdr(find_object, &h);
    if (!h.found)
        return NULL;
    *off = h.addr - h.bias;
    return file_for(h.key, h.path);
}

int twp_source(const void *addr, const char **file, unsigned *line)
{
    uint64_t off;
    struct file_map *f = object_of(addr, &off);
    return f ? twp_lines(f->map, f->size, off, file, line) : 0;
}

int twp_symbol(const void *addr, char *buf, size_t len)
{
    uint64_t off;
    struct file_map *f = object_of(addr, &off);
    if (!f)
        return 0;
    const Elf64_Sym *best = NULL;
    for (size_t i = 0; i < f->nsyms; i++) {
        const Elf64_Sym *s = &f->syms[i];
        int type = ELF64_ST_TYPE(s->st_info);
        if ((type != STT_OBJECT && type != STT_FUNC) || s->st_shndx == SHN_UNDEF || s->st_name == 0 ||
            s->st_name >= f->strsize)
            continue;
        if (off < s->st_value || off >= s->st_value + (s->st_size ? s->st_size : 1))
            continue;
        if (!best || s->st_size < best->st_size)
            best = s;
    }
    if (!best)
        return 0;
    const char *name = f->strs + best->st_name;
    char *p = twp_str(buf, name, buf + len);
    uint64_t rel = off - best->st_value;
    /* an aggregate bigger than any one synchronisation object: an array element, if DWARF
     * says the symbol is an array ("forks[2]"), else the offset ("table+0x28") */
    uint64_t esz = 0;
    if (ELF64_ST_TYPE(best->st_info) == STT_OBJECT && best->st_size > 64)
        esz = twp_dwarf_elem_size(f->map, f->size, name);
    if (esz && p + 44 < buf + len) {
        *p++ = '[';
        p = twp_dec(p, rel / esz);
        *p++ = ']';
        *p = 0;
        rel %= esz;
    }
    if (rel && p + 20 < buf + len) {
        *p++ = '+';
        twp_hex(p, rel);
    }
    return 1;
}
