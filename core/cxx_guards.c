/* cxx_guards.c — which std::shared_lock a thread owns, from its frames' DWARF (issue 22).
 *
 * glibc's rwlock counts its readers but records none (only the writer's TID), so attach-only
 * cannot say from the lock who holds a std::shared_mutex for reading. The reader's own frame
 * can: a `std::shared_lock<std::shared_mutex> r(table)` in scope at the frame's pc is a guard
 * whose members say which mutex (_M_pm) and whether it owns it (_M_owns). From -O1 on, gcc keeps
 * such a guard in no memory at all and says so in its location list, as the values themselves:
 * `DW_OP_addr table; DW_OP_stack_value; DW_OP_piece 8; DW_OP_lit1; DW_OP_stack_value;
 * DW_OP_piece 1`. Those are exact and need no memory. A guard kept in the frame's memory (-O0's
 * DW_OP_fbreg) is read there when the frontend lends a memory reader (only for blocked threads:
 * facts.c); one kept in registers stays unknown. Variables of inlined functions count when the
 * pc lies in the inlined body.
 *
 * The same values name the object a member function works on: `this` of an inlined
 * std::barrier<>::arrive_and_wait is `sync_point` (twc__inlined_this, for cxx_proxies.c); an
 * out-of-line one (-O0) keeps it in its frame, read through the memory reader.
 *
 * Frames are untrusted numbers: only compared with DWARF ranges, never dereferenced. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dwarf_names.h"

#define MAX_DIES_PER_FRAME 20000
#define MAX_PIECES 8

struct piece { uint64_t off, size, value; int known; };
enum { WANT_GUARDS, WANT_THIS };
struct guards {
    int want;
    Dwarf_Debug dbg;
    twc_read_fn rd;            /* the target's memory, NULL: DWARF's stated values only */
    void *rctx;
    const struct twc_fact_frame *f;
    Dwarf_Die func;            /* the frame's function, whose frame base locates its variables */
    uint64_t bias, rel_pc, tid;
    int cu_version;
    twc__guard_fn fn;
    void *arg;
};

static Dwarf_Die die_at(Dwarf_Debug dbg, Dwarf_Off off)
{
    Dwarf_Die d = 0; Dwarf_Error e = 0;
    return dwarf_offdie_b(dbg, off, 1, &d, &e) == DW_DLV_OK ? d : NULL;
}

/* The class a variable's type names once typedefs and qualifiers are peeled: its DIE offset
 * when its name starts with `prefix`, else 0. */
static Dwarf_Off class_named(Dwarf_Debug dbg, Dwarf_Off type, const char *prefix)
{
    for (int hops = 0; hops < 8; hops++) {
        Dwarf_Die t = die_at(dbg, type);
        Dwarf_Half tag = 0;
        Dwarf_Error e = 0;
        char *nm = NULL;
        if (!t) return 0;
        dwarf_tag(t, &tag, &e);
        if (tag == DW_TAG_class_type || tag == DW_TAG_structure_type) {
            int ok = dwarf_diename(t, &nm, &e) == DW_DLV_OK && nm && !strncmp(nm, prefix, strlen(prefix));
            dwarf_dealloc_die(t);
            return ok ? type : 0;
        }
        int next = (tag == DW_TAG_typedef || tag == DW_TAG_const_type || tag == DW_TAG_volatile_type) &&
                   twc__dw_attr_ref(t, DW_AT_type, &type) == 0;
        dwarf_dealloc_die(t);
        if (!next) return 0;
    }
    return 0;
}

struct member { const char *name; long long off; };

static int member_named(Dwarf_Die k, void *arg)
{
    struct member *m = arg;
    Dwarf_Half tag = 0;
    Dwarf_Error e = 0;
    char *nm = NULL;
    dwarf_tag(k, &tag, &e);
    if (tag == DW_TAG_member && dwarf_diename(k, &nm, &e) == DW_DLV_OK && nm && !strcmp(nm, m->name) &&
        twc__dw_attr_num(k, DW_AT_data_member_location, &m->off) != 0)
        m->off = -1;
    return m->off >= 0;
}

/* Byte offset of the data member `name` of the class at cls, -1 when it has none. */
static long long member_offset(Dwarf_Debug dbg, Dwarf_Off cls, const char *name)
{
    Dwarf_Die c = die_at(dbg, cls);
    struct member m = { name, -1 };
    if (!c) return -1;
    twc__dw_each_child(dbg, c, 0, member_named, &m);
    dwarf_dealloc_die(c);
    return m.off;
}

/* The pieces of one location description whose values the expression states outright
 * (constants, link-time addresses, each ended by DW_OP_stack_value); any other operation
 * leaves its piece unknown. Returns how many pieces. */
static int pieces_of(Dwarf_Locdesc_c ld, Dwarf_Unsigned nops, uint64_t bias, struct piece *p)
{
    int n = 0, have = 0, is_value = 0, unknown = 0;
    uint64_t v = 0, off = 0;
    for (Dwarf_Unsigned i = 0; i < nops && n < MAX_PIECES; i++) {
        Dwarf_Small op = 0;
        Dwarf_Unsigned o1 = 0, o2 = 0, o3 = 0, br = 0;
        Dwarf_Error e = 0;
        if (dwarf_get_location_op_value_c(ld, i, &op, &o1, &o2, &o3, &br, &e) != DW_DLV_OK) return 0;
        if (op >= DW_OP_lit0 && op <= DW_OP_lit31) { v = op - DW_OP_lit0; have = 1; continue; }
        switch (op) {
        case DW_OP_addr: v = o1 + bias; have = 1; break;   /* a link-time address: relocate */
        case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u: case DW_OP_constu:
        case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s: case DW_OP_consts:
            v = o1; have = 1; break;
        case DW_OP_stack_value: is_value = have; break;
        case DW_OP_piece:
            p[n++] = (struct piece){ off, o1, v, have && is_value && !unknown };
            off += o1; have = is_value = unknown = 0;
            break;
        default: unknown = 1; break;                       /* a register, memory, an implicit pointer */
        }
    }
    if (n == 0 && nops > 0)                                 /* no pieces: the expression is the whole */
        p[n++] = (struct piece){ 0, 0, v, have && is_value && !unknown };
    return n;
}

/* The pieces of v's location at the pc (a whole expression is one piece of size 0); 0 when
 * none applies there. */
static int location_at(struct guards *g, Dwarf_Die v, struct piece *p)
{
    Dwarf_Attribute a;
    Dwarf_Error e = 0;
    Dwarf_Loc_Head_c head = 0;
    Dwarf_Unsigned count = 0;
    int n = 0;
    if (dwarf_attr(v, DW_AT_location, &a, &e) != DW_DLV_OK) return 0;
    if (dwarf_get_loclist_c(a, &head, &count, &e) == DW_DLV_OK) {
        for (Dwarf_Unsigned i = 0; i < count && !n; i++) {
            Dwarf_Small lle = 0, src = 0;
            Dwarf_Unsigned rlo = 0, rhi = 0, nops = 0, eoff = 0, doff = 0;
            Dwarf_Bool no_addr = 0;
            Dwarf_Addr lo = 0, hi = 0;
            Dwarf_Locdesc_c ld = 0;
            if (dwarf_get_locdesc_entry_d(head, i, &lle, &rlo, &rhi, &no_addr, &lo, &hi, &nops, &ld, &src, &eoff, &doff,
                                          &e) != DW_DLV_OK || no_addr || !ld)
                continue;
            /* a single expression (source 0) holds everywhere; a list entry only in its range */
            if (src != 0 && !(g->rel_pc >= lo && g->rel_pc < hi)) continue;
            n = pieces_of(ld, nops, g->bias, p);
            if (!n) n = -1;   /* this entry applies, and states nothing we read */
        }
        dwarf_loc_head_c_dealloc(head);
    }
    dwarf_dealloc_attribute(a);
    return n < 0 ? 0 : n;
}

/* Does the variable v, a std::shared_lock, own a mutex at the pc? Then report it. */
static void try_guard(struct guards *g, Dwarf_Die v)
{
    Dwarf_Off type, cls;
    if (twc__dw_attr_ref(v, DW_AT_type, &type) != 0 || !(cls = class_named(g->dbg, type, "shared_lock<"))) return;
    long long pm = member_offset(g->dbg, cls, "_M_pm"), owns = member_offset(g->dbg, cls, "_M_owns");
    struct piece p[MAX_PIECES];
    int n = pm < 0 || owns < 0 ? 0 : location_at(g, v, p);
    uint64_t mutex = 0, owned = 0;
    for (int k = 0; k < n; k++) {
        if (p[k].known && p[k].off == (uint64_t)pm && p[k].size == 8) mutex = p[k].value;
        if (p[k].known && p[k].off == (uint64_t)owns && p[k].size == 1) owned = p[k].value;
    }
    if (mutex && owned) {
        g->fn(g->arg, g->tid, mutex, 0);
        return;
    }
    /* -O0 keeps the guard in the frame: read its members there */
    uint64_t at, pmv = 0;
    uint8_t ownsv = 0;
    int in_memory = n == 0 || (n == 1 && !p[0].known && p[0].size == 0);   /* no values stated */
    if (!in_memory || !g->rd || pm < 0 || owns < 0 || twc__stack_var_addr(g->f, g->dbg, g->func, v, &at) != 0) return;
    if (g->rd(g->rctx, at + (uint64_t)pm, &pmv, 8) == 8 && g->rd(g->rctx, at + (uint64_t)owns, &ownsv, 1) == 1 && pmv &&
        ownsv == 1)
        g->fn(g->arg, g->tid, pmv, 1);
}

/* `this` of an inlined member function, when DWARF states it (a global's address). */
static void try_this(struct guards *g, Dwarf_Die v)
{
    char *nm = NULL;
    Dwarf_Error e = 0;
    struct piece p[MAX_PIECES];
    Dwarf_Off o;
    Dwarf_Die origin = NULL;
    /* an inlined instance's parameter carries its name on its abstract origin */
    if (dwarf_diename(v, &nm, &e) != DW_DLV_OK && twc__dw_attr_ref(v, DW_AT_abstract_origin, &o) == 0 &&
        (origin = die_at(g->dbg, o)) && dwarf_diename(origin, &nm, &e) != DW_DLV_OK)
        nm = NULL;
    int is_this = nm && !strcmp(nm, "this");
    if (origin) dwarf_dealloc_die(origin);
    if (!is_this) return;
    int n = location_at(g, v, p);
    uint64_t at, obj = 0;
    if (n == 1 && p[0].known && p[0].size == 0 && p[0].value) g->fn(g->arg, g->tid, p[0].value, 0);
    /* an out-of-line member function (-O0) keeps `this` in its frame */
    else if ((n == 0 || (n == 1 && !p[0].known)) && g->rd && twc__stack_var_addr(g->f, g->dbg, g->func, v, &at) == 0 &&
             g->rd(g->rctx, at, &obj, 8) == 8 && obj)
        g->fn(g->arg, g->tid, obj, 1);
}

/* A variable (a guard) or formal parameter (`this`) in scope at the frame's pc. */
static int in_scope(Dwarf_Die c, void *arg)
{
    struct guards *g = arg;
    Dwarf_Half tag = 0;
    Dwarf_Error e = 0;
    dwarf_tag(c, &tag, &e);
    if (tag == DW_TAG_variable && g->want == WANT_GUARDS) try_guard(g, c);
    else if (tag == DW_TAG_formal_parameter && g->want == WANT_THIS) try_this(g, c);
    return 0;
}

static int each_frame(struct guards *g, struct stack_names *sn, uint64_t only_tid)
{
    size_t n;
    const struct twc_fact_frame *f = twc__stack_frames(sn, &n);
    if (!g->dbg || !g->fn) return -1;
    twc__stack_names_exe(sn, &g->bias);
    for (size_t i = 0; i < n; i++) {
        Dwarf_Off fdie;
        Dwarf_Die d;
        if (only_tid && f[i].tid != only_tid) continue;
        if (twc__stack_fn_at(sn, f[i].pc, &fdie, &g->rel_pc) != 0 || !(d = die_at(g->dbg, fdie))) continue;
        Dwarf_Half ver = 0, osz = 0;
        g->cu_version = dwarf_get_version_of_die(d, &ver, &osz) == DW_DLV_OK ? ver : 0;
        g->tid = f[i].tid;
        g->f = &f[i];
        g->func = d;
        /* its own variables, those of the lexical blocks and inlined bodies the pc lies in */
        int budget = MAX_DIES_PER_FRAME;
        twc__dw_each_in_scope(g->dbg, d, g->rel_pc, g->cu_version, 1, &budget, in_scope, g);
        dwarf_dealloc_die(d);
    }
    return 0;
}

int twc__shared_guards(struct stack_names *sn, twc_read_fn rd, void *rctx, twc__guard_fn fn, void *arg)
{
    struct guards g = { WANT_GUARDS, twc__stack_dwarf(sn), rd, rctx, NULL, NULL, 0, 0, 0, 0, fn, arg };
    return each_frame(&g, sn, 0);
}

int twc__inlined_this(struct stack_names *sn, uint64_t tid, twc_read_fn rd, void *rctx, twc__guard_fn fn, void *arg)
{
    struct guards g = { WANT_THIS, twc__stack_dwarf(sn), rd, rctx, NULL, NULL, 0, 0, 0, 0, fn, arg };
    return tid ? each_frame(&g, sn, tid) : -1;
}
