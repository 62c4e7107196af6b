/* glibc_dwarf.c — glibc's struct layouts read from its own debug info (libc6-dbg and the
 * like), so a glibc newer than our table is still read right.
 *
 * Only a few compile units are worth opening: the type definitions we need are all in
 * pthread_cond_wait.c (mutex and condvar) and pthread_rwlock_wrlock.c (rwlock), so we look
 * at CU names first and walk just those CUs, which keeps this to a few milliseconds on a
 * 4 MB libc debug file.
 */
#include <libdwarf/dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libdwarf/libdwarf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "glibc.h"
#include "dwarf_names.h"

struct found {
    int mutex_owner, mutex_kind, cond_signals, cond_futex, cond_mutex, cond_size;
    int rw_readers, rw_wrphase, rw_writers_futex, rw_cur_writer;
};

static int member_offset(Dwarf_Debug dbg, Dwarf_Die m)
{
    Dwarf_Attribute at;
    Dwarf_Error e;
    Dwarf_Unsigned off;
    if (dwarf_attr(m, DW_AT_data_member_location, &at, &e) != DW_DLV_OK)
        return -1;
    int r = dwarf_formudata(at, &off, &e) == DW_DLV_OK && off < 4096 ? (int)off : -1;
    dwarf_dealloc(dbg, at, DW_DLA_ATTR);
    return r;
}

struct members_of { Dwarf_Debug dbg; const char *sname; struct found *f; };

static int read_member(Dwarf_Die child, void *arg)
{
    struct members_of *a = arg;
    struct found *f = a->f;
    const char *sname = a->sname;
    char *mn = 0;
    Dwarf_Half tag;
    Dwarf_Error e;
    if (dwarf_tag(child, &tag, &e) == DW_DLV_OK && tag == DW_TAG_member && dwarf_diename(child, &mn, &e) == DW_DLV_OK) {
        int off = member_offset(a->dbg, child);
        if (strcmp(sname, "__pthread_mutex_s") == 0) {
            if (!strcmp(mn, "__owner")) f->mutex_owner = off;
            if (!strcmp(mn, "__kind")) f->mutex_kind = off;
        } else if (strcmp(sname, "__pthread_cond_s") == 0) {
            if (!strcmp(mn, "__g_signals")) f->cond_signals = off;
        } else if (strcmp(sname, "__pthread_rwlock_arch_t") == 0) {
            if (!strcmp(mn, "__readers")) f->rw_readers = off;
            if (!strcmp(mn, "__wrphase_futex")) f->rw_wrphase = off;
            if (!strcmp(mn, "__writers_futex")) f->rw_writers_futex = off;
            if (!strcmp(mn, "__cur_writer")) f->rw_cur_writer = off;
        }
        dwarf_dealloc(a->dbg, mn, DW_DLA_STRING);
    }
    return 0;
}

static void read_struct(Dwarf_Debug dbg, Dwarf_Die s, const char *sname, struct found *f)
{
    Dwarf_Error e;
    if (strcmp(sname, "__pthread_cond_s") == 0) {
        Dwarf_Unsigned sz;
        if (dwarf_bytesize(s, &sz, &e) == DW_DLV_OK)
            f->cond_size = (int)sz;
    }
    struct members_of a = { dbg, sname, f };
    twc__dw_each_child(dbg, s, 256, read_member, &a);
}

struct walk_arg { Dwarf_Debug dbg; int depth; struct found *f; int *budget; };
static void walk(Dwarf_Debug dbg, Dwarf_Die parent, int depth, struct found *f, int *budget);

static int walk_child(Dwarf_Die d, void *arg)
{
    struct walk_arg *a = arg;
    Dwarf_Half tag;
    Dwarf_Error e;
    char *name = 0;
    if ((*a->budget)-- <= 0) return 1;
    if (dwarf_tag(d, &tag, &e) == DW_DLV_OK && tag == DW_TAG_structure_type && dwarf_diename(d, &name, &e) == DW_DLV_OK) {
        if (!strcmp(name, "__pthread_mutex_s") || !strcmp(name, "__pthread_cond_s") ||
            !strcmp(name, "__pthread_rwlock_arch_t"))
            read_struct(a->dbg, d, name, a->f);
        dwarf_dealloc(a->dbg, name, DW_DLA_STRING);
    } else if (a->depth < 4 && (tag == DW_TAG_union_type || tag == DW_TAG_typedef || tag == DW_TAG_structure_type)) {
        walk(a->dbg, d, a->depth + 1, a->f, a->budget);
    }
    return 0;
}

/* Walk the children of a CU's DIE (bounded) for the three structure types. */
static void walk(Dwarf_Debug dbg, Dwarf_Die parent, int depth, struct found *f, int *budget)
{
    struct walk_arg a = { dbg, depth, f, budget };
    twc__dw_each_child(dbg, parent, 0, walk_child, &a);
}

/* Walk the CU that covers code address `pc`, found through .debug_aranges: one lookup
 * instead of reading 4000 CU headers. Returns 0 when the CU was walked. */
static int walk_cu_at(Dwarf_Debug dbg, uint64_t pc, struct found *f)
{
    Dwarf_Arange *ar = 0, one = 0;
    Dwarf_Signed n = 0;
    Dwarf_Error e;
    Dwarf_Off off;
    Dwarf_Die cu = 0;
    if (!pc || dwarf_get_aranges(dbg, &ar, &n, &e) != DW_DLV_OK)
        return -1;
    int rc = -1;
    if (dwarf_get_arange(ar, (Dwarf_Unsigned)n, pc, &one, &e) == DW_DLV_OK &&
        dwarf_get_cu_die_offset(one, &off, &e) == DW_DLV_OK && dwarf_offdie_b(dbg, off, 1, &cu, &e) == DW_DLV_OK) {
        int budget = 200000;
        walk(dbg, cu, 1, f, &budget);
        dwarf_dealloc(dbg, cu, DW_DLA_DIE);
        rc = 0;
    }
    for (Dwarf_Signed i = 0; i < n; i++)
        dwarf_dealloc(dbg, ar[i], DW_DLA_ARANGE);
    dwarf_dealloc(dbg, ar, DW_DLA_LIST);
    return rc;
}

/* ELF vaddrs of pthread_cond_wait and pthread_rwlock_wrlock in libc's dynamic symbols (0 when
 * absent): the CUs that define the types we need. */
static void libc_pcs(const char *libc_path, uint64_t *cond_wait, uint64_t *wrlock)
{
    *cond_wait = *wrlock = 0;
    int fd = libc_path ? open(libc_path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return;
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    Elf_Scn *scn = NULL;
    while (e && (scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !sh.sh_entsize)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        size_t n = d ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t i = 0; i < n && i < 100000; i++) {
            GElf_Sym sym;
            const char *nm;
            if (!gelf_getsym(d, (int)i, &sym) || !(nm = elf_strptr(e, sh.sh_link, sym.st_name)))
                continue;
            if (!strcmp(nm, "pthread_cond_wait") && !*cond_wait)
                *cond_wait = sym.st_value;
            else if (!strcmp(nm, "pthread_rwlock_wrlock") && !*wrlock)
                *wrlock = sym.st_value;
        }
    }
    if (e)
        elf_end(e);
    close(fd);
}

int twc__glibc_from_debug(const char *debug_path, const char *libc_path, struct twc_glibc *L)
{
    uint64_t cond_wait_pc, wrlock_pc;
    libc_pcs(libc_path, &cond_wait_pc, &wrlock_pc);
    int fd = open(debug_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Dwarf_Debug dbg = 0;
    Dwarf_Error e = 0;
    if (dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, &e) != DW_DLV_OK) {
        close(fd);
        return -1;
    }
    struct found f;
    memset(&f, 0xff, sizeof f); /* -1 everywhere: "not found" */
    walk_cu_at(dbg, cond_wait_pc, &f);
    walk_cu_at(dbg, wrlock_pc, &f);
    for (int cus = 0; cus < 100000 && (f.cond_signals < 0 || f.rw_cur_writer < 0); cus++) {
        Dwarf_Unsigned hlen, next, tyoff;
        Dwarf_Half ver, asz, lsz, xsz, cutype;
        Dwarf_Off abbroff;
        Dwarf_Sig8 sig;
        if (dwarf_next_cu_header_d(dbg, 1, &hlen, &ver, &abbroff, &asz, &lsz, &xsz, &sig, &tyoff, &next, &cutype,
                                   &e) != DW_DLV_OK)
            break;
        Dwarf_Die cu = 0;
        if (dwarf_siblingof_b(dbg, NULL, 1, &cu, &e) != DW_DLV_OK)
            continue;
        char *name = 0;
        int want = 0;
        if (dwarf_diename(cu, &name, &e) == DW_DLV_OK) {
            const char *b = strrchr(name, '/');
            b = b ? b + 1 : name;
            want = (!strcmp(b, "pthread_cond_wait.c") && f.cond_signals < 0) ||
                   (!strcmp(b, "pthread_rwlock_wrlock.c") && f.rw_cur_writer < 0);
            dwarf_dealloc(dbg, name, DW_DLA_STRING);
        }
        if (want) {
            int budget = 200000;
            walk(dbg, cu, 1, &f, &budget);
        }
        dwarf_dealloc(dbg, cu, DW_DLA_DIE);
    }
    dwarf_finish(dbg, &e);
    close(fd);
    if (f.mutex_owner < 0 || f.mutex_kind < 0 || f.cond_signals < 0 || f.rw_readers < 0 || f.rw_wrphase < 0 ||
        f.rw_writers_futex < 0 || f.rw_cur_writer < 0)
        return -1; /* partial answers are worse than the table */
    L->mutex_owner = f.mutex_owner;
    L->mutex_kind = f.mutex_kind;
    L->cond_signals = f.cond_signals;
    if (f.cond_size > 0)
        L->cond_size = f.cond_size;
    L->cond_mutex_ptr = -1; /* __g_signals exists: the >= 2.25 condvar, which keeps no mutex */
    L->rw_readers = f.rw_readers;
    L->rw_wrphase = f.rw_wrphase;
    L->rw_writers_futex = f.rw_writers_futex;
    L->rw_cur_writer = f.rw_cur_writer;
    return 0;
}
