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


int twc__dw_file_name(Dwarf_Debug dbg, Dwarf_Off cu_off, long long idx, char *out, size_t n)
{
    Dwarf_Die cu = die_at(dbg, cu_off);
    char **files = NULL;
    Dwarf_Signed count = 0;
    Dwarf_Error e = 0;
    int rc = -1;
    Dwarf_Half cu_version = 0, osz = 0;
    if (!cu) return -1;
    dwarf_get_version_of_die(cu, &cu_version, &osz);
    /* DWARF 5 numbers files from 0, earlier versions from 1; libdwarf's list starts at the
     * first file either way */
    long long i = cu_version >= 5 ? idx : idx - 1;
    if (dwarf_srcfiles(cu, &files, &count, &e) == DW_DLV_OK) {
        if (i >= 0 && i < count && files[i]) { snprintf(out, n, "%s", files[i]); rc = 0; }
        for (Dwarf_Signed k = 0; k < count; k++) dwarf_dealloc(dbg, files[k], DW_DLA_STRING);
        dwarf_dealloc(dbg, files, DW_DLA_LIST);
    }
    dwarf_dealloc_die(cu);
    return rc;
}

/* Is the type at DIE d declared in a system or toolchain header (pthread_mutex_t, std::mutex)?
 * Such an object is a whole to its user: "bob.m", never "bob.m._M_mutex". Unknown counts as the
 * toolchain's, so that a type we cannot place keeps today's shorter name. */
static int toolchain_type(Dwarf_Debug dbg, Dwarf_Die d)
{
    long long f;
    Dwarf_Off cu;
    Dwarf_Error e = 0;
    char file[256];
    if (twc__dw_attr_num(d, DW_AT_decl_file, &f) != 0 || dwarf_CU_dieoffset_given_die(d, &cu, &e) != DW_DLV_OK ||
        twc__dw_file_name(dbg, cu, f, file, sizeof file) != 0)
        return 1;
    return twc__is_toolchain_source(file);
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
    twc__dw_describe_typed(dbg, toff, off, out, n, NULL, 0);
}

void twc__dw_describe_typed(Dwarf_Debug dbg, Dwarf_Off toff, unsigned long long off, char *out, size_t n, char *type,
                            size_t tn)
{
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        Dwarf_Die d = die_at(dbg, toff);
        if (!d) break;
        Dwarf_Half tag = 0; Dwarf_Error e = 0;
        dwarf_tag(d, &tag, &e);
        char *tname = NULL;
        if (type && !type[0] && (tag == DW_TAG_structure_type || tag == DW_TAG_class_type) && toolchain_type(dbg, d) &&
            dwarf_diename(d, &tname, &e) == DW_DLV_OK && tname)
            snprintf(type, tn, "%s", tname);   /* the outermost library type the byte lies in */
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
        } else if ((off && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type)) ||
                   (!off && (tag == DW_TAG_structure_type || tag == DW_TAG_class_type) && !toolchain_type(dbg, d))) {
            /* at offset 0 the object is the aggregate itself when the aggregate is the toolchain's
             * (a pthread_mutex_t is a union whose first member is __data: "ledger", not
             * "ledger.__data"); a type of the program's own names its first member ("bob.m" in
             * `struct Account { std::mutex m; long balance; } bob`) */
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

    }
    if (off) { size_t l = strlen(out); snprintf(out + l, n - l, "+0x%llx", off); }
}

/* The address of a variable whose location is exactly DW_OP_addr A: 0 and *addr, or -1. */
static int static_address(Dwarf_Die v, uint64_t *addr)
{
    Dwarf_Attribute a; Dwarf_Error e = 0;
    Dwarf_Unsigned len = 0; Dwarf_Ptr p = 0;
    int rc = -1;
    if (dwarf_attr(v, DW_AT_location, &a, &e) != DW_DLV_OK) return -1;
    if (dwarf_formexprloc(a, &len, &p, &e) == DW_DLV_OK && len == 9 && ((const uint8_t *)p)[0] == DW_OP_addr) {
        memcpy(addr, (const uint8_t *)p + 1, 8);
        rc = 0;
    }
    dwarf_dealloc_attribute(a);
    return rc;
}

struct var_query { const char *name; uint64_t addr; unsigned long long off; char *out; size_t n; char *type; size_t tn; };

/* Among d's children (and, in C++, its namespaces' children): the variable at the symbol's
 * address (a C++ static's DWARF name is "bob" while its symbol is "_ZL3bob"), else the one
 * named like the symbol. */
static int find_variable(Dwarf_Debug dbg, Dwarf_Die d, const struct var_query *q, int depth)
{
    Dwarf_Error e = 0;
    Dwarf_Die c = 0;
    int found = 0;
    if (depth > MAX_DEPTH || dwarf_child(d, &c, &e) != DW_DLV_OK) return 0;
    while (c) {
        Dwarf_Half tag = 0;
        dwarf_tag(c, &tag, &e);
        char *nm = NULL;
        Dwarf_Off t, spec;
        uint64_t at;
        if (!found && tag == DW_TAG_variable) {
            int by_addr = static_address(c, &at) == 0 && at == q->addr;
            int by_name = dwarf_diename(c, &nm, &e) == DW_DLV_OK && nm && !strcmp(nm, q->name);
            int typed = twc__dw_attr_ref(c, DW_AT_type, &t) == 0;
            if (!typed && twc__dw_attr_ref(c, DW_AT_specification, &spec) == 0) {   /* a class's static member */
                Dwarf_Die sd = die_at(dbg, spec);
                if (sd) { typed = twc__dw_attr_ref(sd, DW_AT_type, &t) == 0; dwarf_dealloc_die(sd); }
            }
            if ((by_addr || by_name) && typed) {
                snprintf(q->out, q->n, "%s", q->name);
                twc__dw_describe_typed(dbg, t, q->off, q->out, q->n, q->type, q->tn);
                found = 1;
            }
        } else if (!found && tag == DW_TAG_namespace) {
            found = find_variable(dbg, c, q, depth + 1);
        }
        c = next_sibling_die(dbg, c);
    }
    return found;
}

/* Look for the variable at `addr` (its symbol demangled is `name`, "bob" for "_ZL3bob") and
 * describe `off` inside it. */
static int dwarf_path(const char *exe, const char *name, uint64_t addr, unsigned long long off, char *out, size_t n,
                      char *type, size_t tn)
{
    Dwarf_Debug dbg = 0; Dwarf_Error e = 0;
    if (dwarf_init_path(exe, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, NULL, 0, NULL, &e) != DW_DLV_OK)
        return -1;
    struct var_query q = { name, addr, off, out, n, type, tn };
    int found = 0;
    for (int cus = 0; cus < 100000 && !found; cus++) {
        Dwarf_Unsigned hl, abo, next; Dwarf_Half ver, as, ls, es, ct; Dwarf_Sig8 sig; Dwarf_Unsigned toff;
        Dwarf_Off abbr;
        (void)abo;
        if (dwarf_next_cu_header_d(dbg, 1, &hl, &ver, &abbr, &as, &ls, &es, &sig, &toff, &next, &ct, &e) != DW_DLV_OK) break;
        Dwarf_Die cu = 0;
        if (dwarf_siblingof_b(dbg, NULL, 1, &cu, &e) != DW_DLV_OK) continue;
        found = find_variable(dbg, cu, &q, 0);
        dwarf_dealloc_die(cu);
    }
    dwarf_finish(dbg, &e);
    return found ? 0 : -1;
}

char *twc_symbolize_data(const char *exe, uint64_t load_bias, uint64_t addr)
{
    return twc__symbolize_data_typed(exe, load_bias, addr, NULL, 0);
}

char *twc__symbolize_data_typed(const char *exe, uint64_t load_bias, uint64_t addr, char *type, size_t tn)
{
    if (type && tn) type[0] = 0;
    if (!exe || addr < load_bias) return NULL;
    uint64_t a = addr - load_bias;
    if (elf_version(EV_CURRENT) == EV_NONE) return NULL;
    int fd = open(exe, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    char best[256] = "";
    uint64_t best_off = 0, best_value = 0;
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
                best_value = sym.st_value;
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
    char shown[256];
    snprintf(shown, sizeof shown, "%s", twc__demangled_or(best, path, sizeof path));
    path[0] = 0;
    if (dwarf_path(exe, shown, best_value, best_off, path, sizeof path, type, tn) == 0 && path[0]) return strdup(path);
    snprintf(best, sizeof best, "%s", shown);
    if (best_off == 0) return strdup(best);
    char out[300];
    snprintf(out, sizeof out, "%s+0x%llx", best, (unsigned long long)best_off);
    return strdup(out);
}

/* The first .symtab symbol of exe that `match` accepts (its name, malloc'd, and its value), or
 * NULL. Reads the file each call: used once per thread or per mangled name. */
typedef int (*sym_match)(const GElf_Sym *sym, const char *name, const void *arg);
static char *find_symbol(const char *exe, sym_match match, const void *arg, uint64_t *value)
{
    if (!exe || elf_version(EV_CURRENT) == EV_NONE) return NULL;
    int fd = open(exe, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    char *found = NULL;
    Elf_Scn *scn = NULL;
    while (elf && !found && (scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t n = data ? sh.sh_size / sh.sh_entsize : 0;
        for (size_t i = 0; i < n && !found; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF) continue;
            const char *nm = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (nm && nm[0] && match(&sym, nm, arg) && (found = strdup(nm)) && value) *value = sym.st_value;
        }
    }
    if (elf) elf_end(elf);
    close(fd);
    return found;
}

static int function_at(const GElf_Sym *sym, const char *name, const void *arg)
{
    (void)name;
    return GELF_ST_TYPE(sym->st_info) == STT_FUNC && sym->st_value == *(const uint64_t *)arg;
}

char *twc__function_symbol_at(const char *exe, uint64_t addr)
{
    return find_symbol(exe, function_at, &addr, NULL);
}

static int named(const GElf_Sym *sym, const char *name, const void *arg)
{
    (void)sym;
    return strcmp(name, arg) == 0;
}

/* The value of the symbol called `name` in exe's .symtab (an address of the file). */
static int symbol_value(const char *exe, const char *name, uint64_t *value)
{
    char *found = find_symbol(exe, named, name, value);
    int ok = found != NULL;
    free(found);
    return ok ? 0 : -1;
}

char *twc__symbolize_symbol(const char *exe, const char *name)
{
    char base[256];
    unsigned long long off = 0;
    size_t len = strcspn(name, "+[");
    if (!exe || len == 0 || len >= sizeof base) return NULL;
    memcpy(base, name, len);
    base[len] = 0;
    const char *rest = name + len;
    uint64_t value;
    if ((!rest[0] || sscanf(rest, "+0x%llx", &off) == 1) && symbol_value(exe, base, &value) == 0) {
        char *path = twc_symbolize_data(exe, 0, value + off);
        if (path) return path;
    }
    char *d = twc__demangle(base);
    if (!d) return NULL;
    size_t n = strlen(d) + strlen(rest) + 1;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%s%s", d, rest);
    free(d);
    return out;
}
