/* symbols.c — naming data objects by address: ELF symbols (libelf) give "vault" and the
 * offset into it; DWARF (libdwarf) turns the offset into a path, "vault[1]" or "table.lock".
 * Used for attach-only models and by the pthread adapter, so a global `pthread_mutex_t first`
 * reads as "first" rather than an address. Every failure just means "no better name". */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>
#include "internal.h"
#include "dwarf_names.h"

#define MAX_DEPTH 16

int twc__dw_attr_ref(Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off)
{
    Dwarf_Attribute a; Dwarf_Error e = 0;
    if (dwarf_attr(die, at, &a, &e) != DW_DLV_OK) return -1;
    int rc = dwarf_global_formref(a, off, &e) == DW_DLV_OK ? 0 : -1;
    dwarf_dealloc_attribute(a);
    return rc;
}

int twc__dw_attr_num(Dwarf_Die die, Dwarf_Half at, long long *v)
{
    Dwarf_Attribute a; Dwarf_Error e = 0;
    if (dwarf_attr(die, at, &a, &e) != DW_DLV_OK) return -1;
    Dwarf_Unsigned u; Dwarf_Signed sg;
    int rc = -1;
    if (dwarf_formudata(a, &u, &e) == DW_DLV_OK) { *v = (long long)u; rc = 0; }
    else if (dwarf_formsdata(a, &sg, &e) == DW_DLV_OK) { *v = sg; rc = 0; }
    dwarf_dealloc_attribute(a);
    return rc;
}

static Dwarf_Die die_at(Dwarf_Debug dbg, Dwarf_Off off)
{
    Dwarf_Die d = 0; Dwarf_Error e = 0;
    return dwarf_offdie_b(dbg, off, 1, &d, &e) == DW_DLV_OK ? d : NULL;
}

static int array_dims(Dwarf_Debug dbg, Dwarf_Die arr, long long *dims, int max)
{
    Dwarf_Die c = 0, n; Dwarf_Error e = 0;
    int nd = 0;
    (void)dbg;
    if (dwarf_child(arr, &c, &e) != DW_DLV_OK) return 0;
    while (c) {
        Dwarf_Half tag = 0;
        dwarf_tag(c, &tag, &e);
        if (tag == DW_TAG_subrange_type && nd < max) {
            long long cnt = 0, ub;
            if (twc__dw_attr_num(c, DW_AT_count, &cnt) != 0) cnt = twc__dw_attr_num(c, DW_AT_upper_bound, &ub) == 0 ? ub + 1 : 0;
            dims[nd++] = cnt;
        }
        n = 0;
        int rc = dwarf_siblingof_b(dbg, c, 1, &n, &e);
        dwarf_dealloc_die(c);
        c = rc == DW_DLV_OK ? n : NULL;
    }
    return nd;
}

long long twc__dw_type_size(Dwarf_Debug dbg, Dwarf_Off off, int depth)
{
    if (depth > MAX_DEPTH) return 0;
    Dwarf_Die d = die_at(dbg, off);
    if (!d) return 0;
    Dwarf_Half tag = 0; Dwarf_Error e = 0; Dwarf_Unsigned bs;
    long long r = 0;
    dwarf_tag(d, &tag, &e);
    if (dwarf_bytesize(d, &bs, &e) == DW_DLV_OK) r = (long long)bs;
    else if (tag == DW_TAG_array_type) {
        Dwarf_Off el;
        long long dims[8];
        int nd = array_dims(dbg, d, dims, 8);
        if (twc__dw_attr_ref(d, DW_AT_type, &el) == 0) {
            r = twc__dw_type_size(dbg, el, depth + 1);
            for (int i = 0; i < nd; i++) r *= dims[i];
        }
    } else {
        Dwarf_Off t;
        if (twc__dw_attr_ref(d, DW_AT_type, &t) == 0) r = twc__dw_type_size(dbg, t, depth + 1);
    }
    dwarf_dealloc_die(d);
    return r;
}


/* The DIE after c among its siblings (c is freed), or NULL at the end. */
static Dwarf_Die next_sibling_die(Dwarf_Debug dbg, Dwarf_Die c)
{
    Dwarf_Die sib = 0;
    Dwarf_Error e = 0;
    int rc = dwarf_siblingof_b(dbg, c, 1, &sib, &e);
    dwarf_dealloc_die(c);
    return rc == DW_DLV_OK ? sib : NULL;
}
void twc__dw_describe(Dwarf_Debug dbg, Dwarf_Off toff, unsigned long long off, char *out, size_t n)
{
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        Dwarf_Die d = die_at(dbg, toff);
        if (!d) break;
        Dwarf_Half tag = 0; Dwarf_Error e = 0;
        dwarf_tag(d, &tag, &e);
        Dwarf_Off next;
        int go = 0;
        if (tag == DW_TAG_typedef || tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
            tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type) {
            go = twc__dw_attr_ref(d, DW_AT_type, &next) == 0;
        } else if (tag == DW_TAG_array_type) {
            long long dims[8];
            int nd = array_dims(dbg, d, dims, 8);
            if (twc__dw_attr_ref(d, DW_AT_type, &next) == 0) {
                long long es = twc__dw_type_size(dbg, next, 0);
                if (es > 0) {
                    long long stride = es;
                    for (int i = nd - 1; i > 0; i--) stride *= dims[i] > 0 ? dims[i] : 1;
                    for (int i = 0; i < (nd ? nd : 1); i++) {
                        long long idx = (long long)(off / (unsigned long long)stride);
                        size_t l = strlen(out);
                        snprintf(out + l, n - l, "[%lld]", idx);
                        off %= (unsigned long long)stride;
                        if (i + 1 < nd) stride /= dims[i + 1] > 0 ? dims[i + 1] : 1;
                    }
                    go = 1;
                }
            }
        } else if (off && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type)) {
            /* at offset 0 the object is the aggregate itself (a pthread_mutex_t is a union whose
             * first member is __data: "ledger", not "ledger.__data") */
            Dwarf_Die c = 0;
            if (dwarf_child(d, &c, &e) == DW_DLV_OK) {
                while (c) {
                    Dwarf_Half ct = 0;
                    dwarf_tag(c, &ct, &e);
                    if (ct == DW_TAG_member && !go) {
                        long long loc = 0;
                        Dwarf_Off mt;
                        if (twc__dw_attr_num(c, DW_AT_data_member_location, &loc) != 0) loc = 0;
                        if (twc__dw_attr_ref(c, DW_AT_type, &mt) == 0) {
                            long long sz = twc__dw_type_size(dbg, mt, 0);
                            if (loc >= 0 && off >= (unsigned long long)loc && off < (unsigned long long)(loc + sz)) {
                                char *nm = NULL;
                                if (dwarf_diename(c, &nm, &e) == DW_DLV_OK && nm) {
                                    size_t l = strlen(out);
                                    snprintf(out + l, n - l, ".%s", nm);
                                }
                                off -= (unsigned long long)loc;
                                next = mt;
                                go = 1;
                            }
                        }
                    }
                    c = next_sibling_die(dbg, c);
                }
            }
        }
        dwarf_dealloc_die(d);
        if (!go) break;
        toff = next;
        if (off == 0 && tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type) {
            /* at the start of a member: stop unless it is an aggregate whose first element we could name */
            break;
        }
    }
    if (off) { size_t l = strlen(out); snprintf(out + l, n - l, "+0x%llx", off); }
}

/* Look for a CU-level variable named `name` and describe `off` inside it. */
static int dwarf_path(const char *exe, const char *name, unsigned long long off, char *out, size_t n)
{
    Dwarf_Debug dbg = 0; Dwarf_Error e = 0;
    if (dwarf_init_path(exe, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, NULL, 0, NULL, &e) != DW_DLV_OK)
        return -1;
    int found = 0;
    for (int cus = 0; cus < 100000 && !found; cus++) {
        Dwarf_Unsigned hl, abo, next; Dwarf_Half ver, as, ls, es, ct; Dwarf_Sig8 sig; Dwarf_Unsigned toff;
        Dwarf_Off abbr;
        (void)abo;
        if (dwarf_next_cu_header_d(dbg, 1, &hl, &ver, &abbr, &as, &ls, &es, &sig, &toff, &next, &ct, &e) != DW_DLV_OK) break;
        Dwarf_Die cu = 0, c = 0;
        if (dwarf_siblingof_b(dbg, NULL, 1, &cu, &e) != DW_DLV_OK) continue;
        if (dwarf_child(cu, &c, &e) == DW_DLV_OK) {
            while (c) {
                Dwarf_Half tag = 0;
                dwarf_tag(c, &tag, &e);
                char *nm = NULL;
                Dwarf_Off t;
                if (!found && tag == DW_TAG_variable && dwarf_diename(c, &nm, &e) == DW_DLV_OK && nm && !strcmp(nm, name) &&
                    twc__dw_attr_ref(c, DW_AT_type, &t) == 0) {
                    snprintf(out, n, "%s", name);
                    twc__dw_describe(dbg, t, off, out, n);
                    found = 1;
                }
                c = next_sibling_die(dbg, c);
            }
        }
        dwarf_dealloc_die(cu);
    }
    dwarf_finish(dbg, &e);
    return found ? 0 : -1;
}

char *twc_symbolize_data(const char *exe, uint64_t load_bias, uint64_t addr)
{
    if (!exe || addr < load_bias) return NULL;
    uint64_t a = addr - load_bias;
    if (elf_version(EV_CURRENT) == EV_NONE) return NULL;
    int fd = open(exe, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    char best[256] = "";
    uint64_t best_off = 0;
    int have = 0;
    for (int pass = 0; elf && pass < 2 && !have; pass++) {
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(elf, scn)) && !have) {
            GElf_Shdr sh;
            if (!gelf_getshdr(scn, &sh) || sh.sh_type != (pass ? SHT_DYNSYM : SHT_SYMTAB) || !sh.sh_entsize) continue;
            Elf_Data *data = elf_getdata(scn, NULL);
            if (!data) continue;
            size_t n = sh.sh_size / sh.sh_entsize;
            for (size_t i = 0; i < n; i++) {
                GElf_Sym sym;
                if (!gelf_getsym(data, (int)i, &sym)) continue;
                int type = GELF_ST_TYPE(sym.st_info);
                if (type != STT_OBJECT && type != STT_NOTYPE && type != STT_COMMON) continue;
                if (sym.st_shndx == SHN_UNDEF) continue;
                int hit = (sym.st_size && a >= sym.st_value && a < sym.st_value + sym.st_size) || (!sym.st_size && a == sym.st_value && type == STT_OBJECT);
                if (!hit) continue;
                const char *nm = elf_strptr(elf, sh.sh_link, sym.st_name);
                if (!nm || !nm[0]) continue;
                snprintf(best, sizeof best, "%s", nm);
                best_off = a - sym.st_value;
                have = 1;
                break;
            }
        }
    }
    if (elf) elf_end(elf);
    close(fd);
    if (!have) return NULL;
    /* even at offset 0: an array's first element is "vault[0]", not "vault" */
    char path[512] = "";
    if (dwarf_path(exe, best, best_off, path, sizeof path) == 0 && path[0]) return strdup(path);
    if (best_off == 0) return strdup(best);
    char out[300];
    snprintf(out, sizeof out, "%s+0x%llx", best, (unsigned long long)best_off);
    return strdup(out);
}
