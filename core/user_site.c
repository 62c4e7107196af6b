/* user_site.c — the user's own line (DESIGN.md "Names"): the innermost place in a thread's
 * stack, inline frames included, whose source is not a system or toolchain header. In C++ the
 * first frame of the executable is rarely the user's code: std::lock_guard, std::mutex::lock and
 * __gthread_mutex_lock are inlined into `transfer`, so the line table of the call says
 * gthr-default.h:749. DWARF keeps the chain: each DW_TAG_inlined_subroutine around the pc says
 * where it was called from (DW_AT_call_file/line), out to the concrete function. We walk that
 * chain innermost first and keep the first place in the program's own files, with the name of
 * the function that place lies in.
 *
 * The same chain, walked outermost first, gives a thread's start function: the first function
 * of the program's own (declared outside the toolchain's headers) — `transfer`, not
 * std::thread::_State_impl<...>::_M_run.
 *
 * Reads the executable's DWARF through locals.c's handle and function index (read once per
 * session). Frames are untrusted numbers: only looked up, never dereferenced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dwarf_names.h"

#define MAX_INLINE 32          /* nesting of inlined calls we follow */
#define MAX_CHILDREN 100000    /* DIEs visited per level */

struct level { Dwarf_Off die; long long call_file, call_line; };
struct chain { struct level lv[MAX_INLINE]; int n; Dwarf_Off cu; int cu_version; uint64_t pc; const char *exe; };

static Dwarf_Die die_at(Dwarf_Debug dbg, Dwarf_Off off)
{
    Dwarf_Die d = 0; Dwarf_Error e = 0;
    return dwarf_offdie_b(dbg, off, 1, &d, &e) == DW_DLV_OK ? d : NULL;
}

struct in_arg { uint64_t pc; int in; };
static void in_cb(void *arg, uint64_t lo, uint64_t hi)
{
    struct in_arg *a = arg;
    if (a->pc >= lo && a->pc < hi) a->in = 1;
}

struct inline_search { Dwarf_Debug dbg; const struct chain *c; int depth; Dwarf_Off found; };
static Dwarf_Off inlined_at(Dwarf_Debug dbg, Dwarf_Die d, const struct chain *c, int depth);

static int inlined_child(Dwarf_Die k, void *arg)
{
    struct inline_search *is = arg;
    Dwarf_Half tag = 0;
    Dwarf_Error e = 0;
    dwarf_tag(k, &tag, &e);
    if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) {
        struct in_arg ia = { is->c->pc, 0 };
        int found_ranges = twc__dw_die_ranges(k, is->c->cu_version, in_cb, &ia) ||
                           (is->c->cu_version < 5 && twc__dw_die_ranges4(is->dbg, k, in_cb, &ia));
        if (found_ranges && ia.in) {
            if (tag == DW_TAG_inlined_subroutine) dwarf_dieoffset(k, &is->found, &e);
            else is->found = inlined_at(is->dbg, k, is->c, is->depth + 1);
        }
    }
    return is->found != 0;
}

/* The inlined subroutine around pc among d's children (through lexical blocks), or 0. */
static Dwarf_Off inlined_at(Dwarf_Debug dbg, Dwarf_Die d, const struct chain *c, int depth)
{
    struct inline_search is = { dbg, c, depth, 0 };
    if (depth <= MAX_INLINE) twc__dw_each_child(dbg, d, MAX_CHILDREN, inlined_child, &is);
    return is.found;
}

static int chain_at(struct stack_names *sn, uint64_t pc, struct chain *c)
{
    Dwarf_Debug dbg = twc__stack_dwarf(sn);
    Dwarf_Off fn;
    Dwarf_Error e = 0;
    memset(c, 0, sizeof *c);
    if (!dbg || twc__stack_fn_at(sn, pc, &fn, &c->pc) != 0) return -1;
    Dwarf_Die d = die_at(dbg, fn);
    if (!d) return -1;
    Dwarf_Half ver = 0, osz = 0;
    c->cu_version = dwarf_get_version_of_die(d, &ver, &osz) == DW_DLV_OK ? ver : 0;
    if (dwarf_CU_dieoffset_given_die(d, &c->cu, &e) != DW_DLV_OK) { dwarf_dealloc_die(d); return -1; }
    c->lv[c->n++] = (struct level){ fn, 0, 0 };
    uint64_t bias;
    c->exe = twc__stack_names_exe(sn, &bias);
    while (c->n < MAX_INLINE) {
        Dwarf_Off in = inlined_at(dbg, d, c, 0);
        dwarf_dealloc_die(d);
        d = in ? die_at(dbg, in) : NULL;
        if (!d) break;
        struct level *l = &c->lv[c->n++];
        l->die = in;
        if (twc__dw_attr_num(d, DW_AT_call_file, &l->call_file) != 0) l->call_file = -1;
        if (twc__dw_attr_num(d, DW_AT_call_line, &l->call_line) != 0) l->call_line = 0;
    }
    if (d) dwarf_dealloc_die(d);
    return 0;
}

/* file:line of pc from the CU's line table: the last row at or below pc in its sequence. */
static int line_at(Dwarf_Debug dbg, Dwarf_Off cu_off, uint64_t pc, char *file, size_t n, int *line)
{
    Dwarf_Die cu = die_at(dbg, cu_off);
    Dwarf_Unsigned lver = 0;
    Dwarf_Small tcount = 0;
    Dwarf_Line_Context ctx = 0;
    Dwarf_Line *rows = NULL;
    Dwarf_Signed nrows = 0;
    Dwarf_Error e = 0;
    int rc = -1;
    if (!cu) return -1;
    if (dwarf_srclines_b(cu, &lver, &tcount, &ctx, &e) == DW_DLV_OK &&
        dwarf_srclines_from_linecontext(ctx, &rows, &nrows, &e) == DW_DLV_OK) {
        Dwarf_Signed best = -1;
        for (Dwarf_Signed i = 0; i + 1 < nrows; i++) {
            Dwarf_Addr a = 0, b = 0;
            Dwarf_Bool end = 0;
            if (dwarf_lineendsequence(rows[i], &end, &e) != DW_DLV_OK || end) continue;
            if (dwarf_lineaddr(rows[i], &a, &e) != DW_DLV_OK || dwarf_lineaddr(rows[i + 1], &b, &e) != DW_DLV_OK) continue;
            if (pc >= a && pc < b) best = i;   /* of several rows at one address the last applies */
        }
        char *src = NULL;
        Dwarf_Unsigned ln = 0;
        if (best >= 0 && dwarf_linesrc(rows[best], &src, &e) == DW_DLV_OK && src &&
            dwarf_lineno(rows[best], &ln, &e) == DW_DLV_OK) {
            snprintf(file, n, "%s", src);
            *line = (int)ln;
            rc = 0;
        }
        if (src) dwarf_dealloc(dbg, src, DW_DLA_STRING);
    }
    if (ctx) dwarf_srclines_dealloc_b(ctx);
    dwarf_dealloc_die(cu);
    return rc;
}

/* The function's name as the user writes it ("transfer(Account&, Account&, long)", "main") and
 * the file it is declared in. The names are spread over an inlined instance, its abstract
 * origin and, for members, the declaration inside the class: each is taken where first found. */
static void function_of(Dwarf_Debug dbg, const char *exe, Dwarf_Off off, char *name, size_t n, char *decl, size_t dn)
{
    static const Dwarf_Half via[] = { DW_AT_abstract_origin, DW_AT_specification };
    char plain[256] = "";
    Dwarf_Die d = die_at(dbg, off);
    Dwarf_Addr lo = 0;
    Dwarf_Error err = 0;
    name[0] = decl[0] = 0;
    /* gcc gives a function of internal linkage (a static `transfer`) no DW_AT_linkage_name, but
     * its out-of-line copy still has a mangled symbol, which carries the parameter types. Only
     * an out-of-line copy: an inlined call can start at its host's first byte (a Rust async
     * block inlined into GenFuture::poll), and the symbol there is the host's. */
    Dwarf_Half tag = 0;
    if (d && dwarf_tag(d, &tag, &err) == DW_DLV_OK && tag == DW_TAG_subprogram && dwarf_lowpc(d, &lo, &err) == DW_DLV_OK) {
        char *sym = twc__function_symbol_at(exe, lo);
        if (sym && twc__demangled_or(sym, name, n) != name) name[0] = 0;
        free(sym);
    }
    for (int hops = 0; d && hops < 4; hops++) {
        Dwarf_Error e = 0;
        Dwarf_Attribute a;
        char *s = NULL;
        if (!name[0] && dwarf_attr(d, DW_AT_linkage_name, &a, &e) == DW_DLV_OK) {
            if (dwarf_formstring(a, &s, &e) == DW_DLV_OK && s && twc__demangled_or(s, name, n) != name) name[0] = 0;
            dwarf_dealloc_attribute(a);
        }
        if (!plain[0] && dwarf_diename(d, &s, &e) == DW_DLV_OK && s) snprintf(plain, sizeof plain, "%s", s);
        long long f;
        Dwarf_Off cu;
        if (!decl[0] && twc__dw_attr_num(d, DW_AT_decl_file, &f) == 0 && dwarf_CU_dieoffset_given_die(d, &cu, &e) == DW_DLV_OK)
            twc__dw_file_name(dbg, cu, f, decl, dn);
        Dwarf_Off o;
        Dwarf_Die t = NULL;
        for (size_t k = 0; k < ARRAY_LEN(via) && !t; k++)
            if (twc__dw_attr_ref(d, via[k], &o) == 0) t = die_at(dbg, o);
        dwarf_dealloc_die(d);
        d = t;
    }
    if (d) dwarf_dealloc_die(d);
    if (!name[0]) snprintf(name, n, "%s", plain);
}

/* Place k of the chain, innermost (0) out: where the code at pc is, then where each inlined
 * call was made. */
static int place_at(Dwarf_Debug dbg, const struct chain *c, int k, struct twc__place *p)
{
    char decl[256];
    int inner = c->n - 1 - k;   /* the function this place lies in */
    if (inner < 0) return -1;
    if (k == 0) {
        if (line_at(dbg, c->cu, c->pc, p->file, sizeof p->file, &p->line) != 0) return -1;
    } else {
        const struct level *callee = &c->lv[inner + 1];
        if (callee->call_file < 0 || twc__dw_file_name(dbg, c->cu, callee->call_file, p->file, sizeof p->file) != 0)
            return -1;
        p->line = (int)callee->call_line;
    }
    function_of(dbg, c->exe, c->lv[inner].die, p->func, sizeof p->func, decl, sizeof decl);
    return 0;
}

int twc__user_site(struct stack_names *sn, uint64_t tid, struct twc__place *out, struct twc__place *innermost,
                   struct twc__place *callee)
{
    int first = 1;
    struct twc__place prev = { "", 0, "" };
    size_t n;
    const struct twc_fact_frame *f = twc__stack_frames(sn, &n);
    Dwarf_Debug dbg = twc__stack_dwarf(sn);
    if (!dbg) return -1;
    struct chain c;
    for (size_t i = 0; i < n; i++) {
        if (f[i].tid != tid || chain_at(sn, f[i].pc, &c) != 0) continue;
        for (int k = 0; k < c.n; k++) {
            struct twc__place p;
            if (place_at(dbg, &c, k, &p) != 0) continue;
            if (first && innermost) *innermost = p;
            first = 0;
            if (!twc__is_toolchain_source(p.file)) {
                *out = p;
                if (callee) *callee = prev;
                return 0;
            }
            prev = p;   /* lies in the function the next place out calls */
        }
    }
    return -1;
}

static int start_function(struct stack_names *sn, uint64_t tid, char *out, size_t n, int strip)
{
    size_t nf;
    const struct twc_fact_frame *f = twc__stack_frames(sn, &nf);
    Dwarf_Debug dbg = twc__stack_dwarf(sn);
    if (!dbg) return -1;
    struct chain c;
    for (size_t i = nf; i-- > 0;) {   /* outermost frame first */
        if (f[i].tid != tid || chain_at(sn, f[i].pc, &c) != 0) continue;
        for (int k = 0; k < c.n; k++) {
            char name[256], decl[256];
            function_of(dbg, c.exe, c.lv[k].die, name, sizeof name, decl, sizeof decl);
            if (name[0] && decl[0] && !twc__is_toolchain_source(decl)) {
                if (strip) twc__strip_params(name);
                snprintf(out, n, "%s", name);
                return 0;
            }
        }
    }
    return -1;
}

int twc__start_function(struct stack_names *sn, uint64_t tid, char *out, size_t n)
{
    return start_function(sn, tid, out, n, 1);
}

int twc__start_function_sig(struct stack_names *sn, uint64_t tid, char *out, size_t n)
{
    return start_function(sn, tid, out, n, 0);
}
