/* locals.c — naming an object that lives in a stack frame: "main:mu1", "main:mutex_resource[2]",
 * "main:acct.lock". No ELF symbol covers a local, but the DWARF of the function whose frame holds
 * it does: the frontend lends the frames it unwound (pc, CFA, sp, fp per frame), and this file
 * finds the function around each pc, evaluates its DW_AT_frame_base and its variables'
 * DW_AT_location, and asks twc__dw_describe for the path inside the variable that covers the address.
 *
 * Only exact answers: a frame base or location is evaluated when it is one of the few forms gcc
 * and clang emit for a variable whose address was taken (DW_OP_call_frame_cfa, DW_OP_fbreg,
 * DW_OP_breg6/7, DW_OP_reg6/7 as a frame base), never a location list or an expression we would
 * have to guess at; a lexical block counts only when the pc lies inside it (outside it, its slots
 * may belong to another variable). Anything else leaves the object named by its address.
 *
 * The frames are untrusted numbers (a core file's registers): they are only compared and added,
 * never dereferenced. The executable's DWARF is read with libdwarf, which bounds-checks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dwarf_names.h"

#define MAX_FNS 1000000        /* functions indexed per executable */
#define MAX_SCOPE_DEPTH 32     /* nesting of lexical blocks we follow */
#define MAX_DIES_PER_FRAME 20000
#define REDZONE 128            /* x86-64 leaf functions may keep locals this far below rsp */

struct fn_range { uint64_t lo, hi; Dwarf_Off die; };
struct named { uint64_t addr; char *name; };

struct stack_names {
    char *exe;
    uint64_t bias;
    struct twc_fact_frame *frames;
    size_t nframes;
    uint64_t lo, hi;           /* every frame's [sp - REDZONE, cfa + 4096): a cheap first test */
    Dwarf_Debug dbg;
    int state;                 /* 0: DWARF not read yet, 1: indexed, -1: unusable */
    struct fn_range *fns;
    size_t nfns, capfns;
    struct named *cache;       /* answers so far, NULL name = "no local covers it" */
    size_t ncache, capcache;
};

/* ---- the function index: address ranges of every DW_TAG_subprogram ---- */

static void add_fn(struct stack_names *sn, uint64_t lo, uint64_t hi, Dwarf_Off die)
{
    if (hi <= lo || sn->nfns >= MAX_FNS) return;
    if (sn->nfns == sn->capfns) {
        size_t c = sn->capfns ? sn->capfns * 2 : 256;
        struct fn_range *p = realloc(sn->fns, c * sizeof *p);
        if (!p) return;
        sn->fns = p; sn->capfns = c;
    }
    sn->fns[sn->nfns++] = (struct fn_range){ lo, hi, die };
}

/* Call fn(lo, hi) for each address range of die: low_pc/high_pc, or a DWARF 5 range list.
 * Returns how many ranges it found (0: the DIE has no code, or ranges we do not read). */
int twc__dw_die_ranges(Dwarf_Die die, int cu_version, range_fn fn, void *arg)
{
    Dwarf_Error e = 0;
    Dwarf_Addr lo, hi;
    Dwarf_Half form = 0;
    enum Dwarf_Form_Class cls;
    if (dwarf_lowpc(die, &lo, &e) == DW_DLV_OK && dwarf_highpc_b(die, &hi, &form, &cls, &e) == DW_DLV_OK) {
        if (cls == DW_FORM_CLASS_CONSTANT) hi += lo;
        fn(arg, lo, hi);
        return 1;
    }
    /* DWARF 4's .debug_ranges is relative to the CU's base address; gcc 11+ emits DWARF 5,
     * whose range lists libdwarf hands over as final addresses. Older ones: no name. */
    Dwarf_Attribute a;
    if (cu_version < 5 || dwarf_attr(die, DW_AT_ranges, &a, &e) != DW_DLV_OK) return 0;
    int n = 0;
    Dwarf_Unsigned val = 0, count = 0, goff = 0;
    Dwarf_Off ref = 0;
    Dwarf_Rnglists_Head head = 0;
    if (dwarf_whatform(a, &form, &e) != DW_DLV_OK) goto out;
    if (form == DW_FORM_rnglistx) {
        if (dwarf_formudata(a, &val, &e) != DW_DLV_OK) goto out;
    } else if (dwarf_global_formref(a, &ref, &e) == DW_DLV_OK) {
        val = ref;
    } else if (dwarf_formudata(a, &val, &e) != DW_DLV_OK) {
        goto out;
    }
    if (dwarf_rnglists_get_rle_head(a, form, val, &head, &count, &goff, &e) != DW_DLV_OK) goto out;
    for (Dwarf_Unsigned i = 0; i < count && i < 4096; i++) {
        unsigned len = 0, code = 0;
        Dwarf_Unsigned r1, r2, c1 = 0, c2 = 0;
        Dwarf_Bool unavailable = 0;
        if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &r1, &r2, &unavailable, &c1, &c2, &e) != DW_DLV_OK)
            break;
        if (unavailable) continue;
        if (code == DW_RLE_offset_pair || code == DW_RLE_start_end || code == DW_RLE_start_length ||
            code == DW_RLE_startx_endx || code == DW_RLE_startx_length) {
            fn(arg, c1, c2);
            n++;
        }
    }
    dwarf_dealloc_rnglists_head(head);
out:
    dwarf_dealloc_attribute(a);
    return n;
}

struct fn_arg { struct stack_names *sn; Dwarf_Off die; };
static void fn_range_cb(void *arg, uint64_t lo, uint64_t hi)
{
    struct fn_arg *f = arg;
    add_fn(f->sn, lo, hi, f->die);
}

static int fn_cmp(const void *a, const void *b)
{
    const struct fn_range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

struct index_arg { struct stack_names *sn; int ver, depth; };
static void index_namespace(struct stack_names *sn, Dwarf_Die ns, int ver, int depth);

/* A function's ranges into the index; C++ functions defined inside a namespace are its
 * children, not the CU's. */
static int index_child(Dwarf_Die c, void *arg)
{
    struct index_arg *a = arg;
    Dwarf_Half tag = 0;
    Dwarf_Off off = 0;
    Dwarf_Error e = 0;
    if (dwarf_tag(c, &tag, &e) == DW_DLV_OK && tag == DW_TAG_subprogram && dwarf_dieoffset(c, &off, &e) == DW_DLV_OK) {
        struct fn_arg fa = { a->sn, off };
        twc__dw_die_ranges(c, a->ver, fn_range_cb, &fa);
    } else if (tag == DW_TAG_namespace) {
        index_namespace(a->sn, c, a->ver, a->depth + 1);
    }
    return 0;
}

static void index_namespace(struct stack_names *sn, Dwarf_Die ns, int ver, int depth)
{
    struct index_arg a = { sn, ver, depth };
    if (depth <= MAX_SCOPE_DEPTH) twc__dw_each_child(sn->dbg, ns, 0, index_child, &a);
}

static int index_functions(struct stack_names *sn)
{
    Dwarf_Error e = 0;
    if (dwarf_init_path(sn->exe, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &sn->dbg, NULL, 0, NULL, &e) !=
        DW_DLV_OK)
        return -1;
    for (int cus = 0; cus < 100000; cus++) {
        Dwarf_Unsigned hl, next, toff; Dwarf_Half ver = 0, as, ls, es, ct; Dwarf_Sig8 sig; Dwarf_Off abbr;
        if (dwarf_next_cu_header_d(sn->dbg, 1, &hl, &ver, &abbr, &as, &ls, &es, &sig, &toff, &next, &ct, &e) != DW_DLV_OK)
            break;
        Dwarf_Die cu = 0;
        if (dwarf_siblingof_b(sn->dbg, NULL, 1, &cu, &e) != DW_DLV_OK) continue;
        struct index_arg a = { sn, ver, -1 };   /* a namespace of the CU is depth 0 */
        twc__dw_each_child(sn->dbg, cu, 0, index_child, &a);
        dwarf_dealloc_die(cu);
    }
    if (!sn->nfns) return -1;
    qsort(sn->fns, sn->nfns, sizeof *sn->fns, fn_cmp);
    return 0;
}

static const struct fn_range *fn_at(const struct stack_names *sn, uint64_t pc)
{
    size_t lo = 0, hi = sn->nfns;
    while (lo < hi) {           /* the last range starting at or below pc */
        size_t mid = lo + (hi - lo) / 2;
        if (sn->fns[mid].lo <= pc) lo = mid + 1; else hi = mid;
    }
    return lo && pc < sn->fns[lo - 1].hi ? &sn->fns[lo - 1] : NULL;
}

/* ---- DWARF expressions: only the exact, register-relative forms ---- */

static int sleb(const uint8_t *p, size_t len, size_t *i, int64_t *v)
{
    uint64_t r = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        if (*i >= len || shift > 63) return -1;
        b = p[(*i)++];
        r |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) r |= ~0ull << shift;
    *v = (int64_t)r;
    return 0;
}

/* The expression bytes of an exprloc (or DWARF 2/3 block) attribute; -1 for location lists. */
static int expr_of(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, uint8_t *buf, size_t cap, size_t *len)
{
    Dwarf_Attribute a; Dwarf_Error e = 0; Dwarf_Half form = 0;
    if (dwarf_attr(die, at, &a, &e) != DW_DLV_OK) return -1;
    int rc = -1;
    if (dwarf_whatform(a, &form, &e) == DW_DLV_OK) {
        if (form == DW_FORM_exprloc) {
            Dwarf_Unsigned n = 0; Dwarf_Ptr p = 0;
            if (dwarf_formexprloc(a, &n, &p, &e) == DW_DLV_OK && p && n > 0 && n <= cap) {
                memcpy(buf, p, n); *len = n; rc = 0;
            }
        } else if (form == DW_FORM_block1 || form == DW_FORM_block2 || form == DW_FORM_block4 || form == DW_FORM_block) {
            Dwarf_Block *b = 0;
            if (dwarf_formblock(a, &b, &e) == DW_DLV_OK && b) {
                if (b->bl_data && b->bl_len > 0 && b->bl_len <= cap) { memcpy(buf, b->bl_data, b->bl_len); *len = b->bl_len; rc = 0; }
                dwarf_dealloc(dbg, b, DW_DLA_BLOCK);
            }
        }
    }
    dwarf_dealloc_attribute(a);
    return rc;
}

/* Evaluate one register-relative operation that must make up the whole expression. fb is the
 * frame base (0 = none). Returns 0 and *out, or -1 for anything we do not evaluate exactly. */
static int eval(const uint8_t *x, size_t len, const struct twc_fact_frame *f, uint64_t fb, int frame_base, uint64_t *out)
{
    size_t i = 1;
    int64_t off = 0;
    uint64_t base;
    if (len < 1) return -1;
    switch (x[0]) {
    case DW_OP_call_frame_cfa: if (!frame_base || len != 1 || !f->cfa) return -1; *out = f->cfa; return 0;
    case DW_OP_reg6: if (!frame_base || len != 1 || !f->fp) return -1; *out = f->fp; return 0;
    case DW_OP_reg7: if (!frame_base || len != 1 || !f->sp) return -1; *out = f->sp; return 0;
    case DW_OP_fbreg: base = frame_base ? 0 : fb; break;
    case DW_OP_breg6: base = f->fp; break;
    case DW_OP_breg7: base = f->sp; break;
    default: return -1;
    }
    if (!base || sleb(x, len, &i, &off) != 0 || i != len) return -1;
    *out = base + (uint64_t)off;
    return 0;
}

/* ---- the variables of one frame ---- */

static const char *die_name(Dwarf_Debug dbg, Dwarf_Die d, char *buf, size_t n)
{
    Dwarf_Error e = 0;
    char *nm = NULL;
    if (dwarf_diename(d, &nm, &e) == DW_DLV_OK && nm) { snprintf(buf, n, "%s", nm); return buf; }
    /* an out-of-line copy of an inline or a C++ member: the name is on the declaration */
    static const Dwarf_Half via[] = { DW_AT_abstract_origin, DW_AT_specification };
    for (size_t k = 0; k < ARRAY_LEN(via); k++) {
        Dwarf_Off o;
        Dwarf_Die t = 0;
        if (twc__dw_attr_ref(d, via[k], &o) != 0 || dwarf_offdie_b(dbg, o, 1, &t, &e) != DW_DLV_OK) continue;
        nm = NULL;
        int ok = dwarf_diename(t, &nm, &e) == DW_DLV_OK && nm;
        if (ok) snprintf(buf, n, "%s", nm);
        dwarf_dealloc_die(t);
        if (ok) return buf;
    }
    return NULL;
}

struct scope {
    struct stack_names *sn;
    const struct twc_fact_frame *f;
    uint64_t rel_pc, fb, addr;
    int cu_version;
    const char *func;
    char *out; size_t outlen;
};

static int try_variable(struct scope *sc, Dwarf_Die v)
{
    uint8_t x[64];
    size_t len = 0;
    uint64_t at;
    Dwarf_Off type;
    char nm[128];
    if (expr_of(sc->sn->dbg, v, DW_AT_location, x, sizeof x, &len) != 0 || eval(x, len, sc->f, sc->fb, 0, &at) != 0) return 0;
    if (sc->addr < at || twc__dw_attr_ref(v, DW_AT_type, &type) != 0) return 0;
    long long size = twc__dw_type_size(sc->sn->dbg, type, 0);
    if (size <= 0 || sc->addr - at >= (uint64_t)size) return 0;
    if (!die_name(sc->sn->dbg, v, nm, sizeof nm)) return 0;
    snprintf(sc->out, sc->outlen, "%s:%s", sc->func, nm);
    twc__dw_describe(sc->sn->dbg, type, sc->addr - at, sc->out, sc->outlen);
    return 1;
}

/* A variable or parameter in scope at the pc that holds the address names it. */
static int in_scope(Dwarf_Die c, void *arg)
{
    Dwarf_Half tag = 0;
    Dwarf_Error e = 0;
    dwarf_tag(c, &tag, &e);
    return (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) && try_variable(arg, c);
}

static int cu_version_of(Dwarf_Die d)
{
    Dwarf_Half ver = 0, osz = 0;
    return dwarf_get_version_of_die(d, &ver, &osz) == DW_DLV_OK ? ver : 0;
}

static int name_in_frame(struct stack_names *sn, const struct twc_fact_frame *f, uint64_t addr, char *out, size_t n)
{
    if (f->pc < sn->bias) return 0;
    if (f->sp && addr + REDZONE < f->sp) return 0;      /* below this frame: a callee's */
    if (f->cfa && addr >= f->cfa + 4096) return 0;      /* far above it: a caller's */
    uint64_t rel = f->pc - sn->bias;
    const struct fn_range *fr = fn_at(sn, rel);
    if (!fr) return 0;
    Dwarf_Die fn = 0;
    Dwarf_Error e = 0;
    if (dwarf_offdie_b(sn->dbg, fr->die, 1, &fn, &e) != DW_DLV_OK) return 0;
    char func[128];
    uint8_t x[64];
    size_t len = 0;
    uint64_t fb = 0;
    int found = 0;
    if (die_name(sn->dbg, fn, func, sizeof func) && expr_of(sn->dbg, fn, DW_AT_frame_base, x, sizeof x, &len) == 0 &&
        eval(x, len, f, 0, 1, &fb) == 0) {
        struct scope sc = { sn, f, rel, fb, addr, cu_version_of(fn), func, out, n };
        /* the function's variables and those of the lexical blocks the pc is in; an inlined
         * function's belong to it, whose frame is not a frame: not named yet (the address stays) */
        int budget = MAX_DIES_PER_FRAME;
        found = twc__dw_each_in_scope(sn->dbg, fn, rel, sc.cu_version, 0, &budget, in_scope, &sc) > 0;
    }
    dwarf_dealloc_die(fn);
    return found;
}

/* ---- the per-session object ---- */

struct stack_names *twc__stack_names_new(const char *exe, uint64_t bias, const struct twc_fact_frame *f, size_t n)
{
    if (!exe || !f || !n) return NULL;
    struct stack_names *sn = calloc(1, sizeof *sn);
    if (!sn) return NULL;
    sn->exe = strdup(exe);
    sn->frames = malloc(n * sizeof *f);
    if (!sn->exe || !sn->frames) { twc__stack_names_free(sn); return NULL; }
    memcpy(sn->frames, f, n * sizeof *f);
    sn->nframes = n;
    sn->bias = bias;
    sn->lo = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {   /* a frame with neither sp nor cfa cannot place anything */
        uint64_t top = f[i].cfa > f[i].sp ? f[i].cfa : f[i].sp;
        if (!top) continue;
        /* without sp a frame's bottom is unknown (its locals may lie far below its CFA) */
        uint64_t lo = f[i].sp > REDZONE ? f[i].sp - REDZONE : 0;
        uint64_t hi = top < UINT64_MAX - 4096 ? top + 4096 : UINT64_MAX;
        if (lo < sn->lo) sn->lo = lo;
        if (hi > sn->hi) sn->hi = hi;
    }
    return sn;
}

const char *twc__stack_name(struct stack_names *sn, uint64_t addr)
{
    if (!sn || !addr || addr < sn->lo || addr >= sn->hi) return NULL;
    for (size_t i = 0; i < sn->ncache; i++)
        if (sn->cache[i].addr == addr) return sn->cache[i].name;
    if (sn->state == 0) sn->state = index_functions(sn) == 0 ? 1 : -1;
    char buf[256] = "";
    int found = 0;
    for (size_t i = 0; sn->state == 1 && i < sn->nframes && !found; i++)
        found = name_in_frame(sn, &sn->frames[i], addr, buf, sizeof buf);
    if (sn->ncache == sn->capcache) {
        size_t c = sn->capcache ? sn->capcache * 2 : 16;
        struct named *p = realloc(sn->cache, c * sizeof *p);
        if (!p) return NULL;
        sn->cache = p; sn->capcache = c;
    }
    char *name = found ? strdup(buf) : NULL;
    sn->cache[sn->ncache++] = (struct named){ addr, name };
    return name;
}

void twc__stack_names_free(struct stack_names *sn)
{
    if (!sn) return;
    Dwarf_Error e = 0;
    if (sn->dbg) dwarf_finish(sn->dbg, &e);
    for (size_t i = 0; i < sn->ncache; i++) free(sn->cache[i].name);
    free(sn->cache); free(sn->fns); free(sn->frames); free(sn->exe);
    free(sn);
}

const char *twc__stack_names_exe(const struct stack_names *sn, uint64_t *bias)
{
    if (!sn) return NULL;
    *bias = sn->bias;
    return sn->exe;
}

int twc_set_frames(twc_session *s, const struct twc_fact_frame *frames, size_t n, const char *exe, uint64_t load_bias)
{
    if (!s || (n && (!frames || !exe))) return TWC_EUSAGE;
    twc__stack_names_free(s->stack_names);
    s->stack_names = NULL;
    if (!n) return TWC_OK;
    s->stack_names = twc__stack_names_new(exe, load_bias, frames, n);
    return s->stack_names ? TWC_OK : TWC_EINTERNAL;
}

/* ---- for cxx_guards.c: where a variable of a frame lives, the same exact forms ---- */

int twc__stack_var_addr(const struct twc_fact_frame *f, Dwarf_Debug dbg, Dwarf_Die fn, Dwarf_Die var, uint64_t *addr)
{
    uint8_t x[64];
    size_t len = 0;
    uint64_t fb = 0;
    if (expr_of(dbg, fn, DW_AT_frame_base, x, sizeof x, &len) != 0 || eval(x, len, f, 0, 1, &fb) != 0) return -1;
    if (expr_of(dbg, var, DW_AT_location, x, sizeof x, &len) != 0 || eval(x, len, f, fb, 0, addr) != 0) return -1;
    return 0;
}

/* ---- for user_site.c: the same DWARF and function index, never read twice ---- */

Dwarf_Debug twc__stack_dwarf(struct stack_names *sn)
{
    if (!sn) return NULL;
    if (sn->state == 0) sn->state = index_functions(sn) == 0 ? 1 : -1;
    return sn->state == 1 ? sn->dbg : NULL;
}

int twc__stack_fn_at(struct stack_names *sn, uint64_t pc, Dwarf_Off *die, uint64_t *rel_pc)
{
    if (!twc__stack_dwarf(sn) || pc < sn->bias) return -1;
    const struct fn_range *fr = fn_at(sn, pc - sn->bias);
    if (!fr) return -1;
    *die = fr->die;
    *rel_pc = pc - sn->bias;
    return 0;
}

const struct twc_fact_frame *twc__stack_frames(const struct stack_names *sn, size_t *n)
{
    *n = sn ? sn->nframes : 0;
    return sn ? sn->frames : NULL;
}
