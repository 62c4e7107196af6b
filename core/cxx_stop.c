/* cxx_stop.c — a std::jthread's stop request, read as a fact (issue 22).
 *
 * std::jthread's destructor is `if (joinable()) { request_stop(); join(); }`: a thread in it
 * has asked its worker to stop and waits for it. A worker that never looks at its stop_token
 * (a plain std::condition_variable wait, notified by nobody) then keeps the joiner waiting for
 * ever, and its wait alone says nothing of the stop. The join frame says which std::thread is
 * joined (classify.c: the `this` of libstdc++'s std::thread::join, the fact's object2); when the
 * call came from std::jthread::~jthread or std::jthread::join (the inline chain of the
 * executable's DWARF, else the frame's own symbol), that thread is the jthread's _M_thread, and
 * the jthread's stop state says whether a stop was requested:
 *
 *   jthread { stop_source _M_stop_source { _Stop_state_ref _M_state { _Stop_state_t *_M_ptr } };
 *             thread _M_thread; }
 *   _Stop_state_t { atomic<uint32_t> _M_owners, _M_value /+ bit 0: _S_stop_requested_bit +/; … }
 *
 * The offsets come from the executable's DWARF (the program instantiated these types from the
 * headers it was built with) when it has all of them, else from a table for libstdc++ 11 to 14
 * (the layout that GCC 11 introduced), keyed by the compiler that built the executable (its
 * .comment: the headers' version), and the output says which. A stop request is a fact of one
 * moment that no later moment undoes (the bit is never cleared), so it is read once the
 * frontend lends a memory reader. It changes no verdict: a worker that does not observe the
 * stop still waits on what it waits on, and a hang through a condvar nobody notifies stays
 * possible until two samples prove it (DESIGN.md "Certain means proven"). */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "dwarf_names.h"

struct stop_layout { long stop_source, thread, state, ptr, value, bit; };
enum { L_SS, L_TH, L_ST, L_PTR, L_VAL, L_BIT, L_N };

/* ---- the layout from the executable's DWARF ---- */

struct dw_walk { Dwarf_Debug dbg; long v[L_N]; int budget; };

static int member_of(Dwarf_Die c, void *arg);

static int all_found(const struct dw_walk *w)
{
    for (int k = 0; k < L_N; k++)
        if (w->v[k] < 0) return 0;
    return 1;
}

/* c's name (free it with dwarf_dealloc) and *tag; NULL when it has no name, or when the walk is
 * over (*stop then 1): its DIE budget spent, or every offset found */
static char *tag_and_name(struct dw_walk *w, Dwarf_Die c, Dwarf_Half *tag, int *stop)
{
    Dwarf_Error e = 0;
    char *nm = NULL;
    *tag = 0;
    if ((*stop = w->budget-- <= 0 || all_found(w))) return NULL;
    return dwarf_tag(c, tag, &e) == DW_DLV_OK && dwarf_diename(c, &nm, &e) == DW_DLV_OK ? nm : NULL;
}

/* the members this file needs of struct or class `name` (a child of namespace std or nested) */
static void read_type(struct dw_walk *w, Dwarf_Die d, const char *name)
{
    Dwarf_Bool decl = 0;
    Dwarf_Error e = 0;
    if (dwarf_hasattr(d, DW_AT_declaration, &decl, &e) == DW_DLV_OK && decl) return;
    struct { struct dw_walk *w; const char *type; } a = { w, name };
    twc__dw_each_child(w->dbg, d, 512, member_of, &a);
}

static int member_of(Dwarf_Die c, void *arg)
{
    struct { struct dw_walk *w; const char *type; } *a = arg;
    struct dw_walk *w = a->w;
    Dwarf_Half tag;
    int stop;
    char *nm = tag_and_name(w, c, &tag, &stop);
    if (!nm) return stop;
    long long v;
    static const struct { const char *type, *member; int slot, tag; } want[] = {
        { "jthread", "_M_stop_source", L_SS, DW_TAG_member }, { "jthread", "_M_thread", L_TH, DW_TAG_member },
        { "stop_source", "_M_state", L_ST, DW_TAG_member }, { "_Stop_state_ref", "_M_ptr", L_PTR, DW_TAG_member },
        { "_Stop_state_t", "_M_value", L_VAL, DW_TAG_member },
        { "_Stop_state_t", "_S_stop_requested_bit", L_BIT, DW_TAG_variable },
    };
    for (size_t k = 0; k < ARRAY_LEN(want); k++) {
        if (strcmp(a->type, want[k].type) || strcmp(nm, want[k].member) || tag != want[k].tag) continue;
        Dwarf_Half at = tag == DW_TAG_member ? DW_AT_data_member_location : DW_AT_const_value;
        if (twc__dw_attr_num(c, at, &v) == 0 && v >= 0 && v < 4096) w->v[want[k].slot] = (long)v;
    }
    /* stop_token's nested types */
    if ((tag == DW_TAG_structure_type || tag == DW_TAG_class_type) && !strcmp(a->type, "stop_token") &&
        (!strcmp(nm, "_Stop_state_t") || !strcmp(nm, "_Stop_state_ref")))
        read_type(w, c, nm);
    dwarf_dealloc(w->dbg, nm, DW_DLA_STRING);
    return 0;
}

/* A child of a CU (in_std 0: namespace std is looked into) or of namespace std (in_std 1: the
 * classes this file reads) */
struct scope_arg { struct dw_walk *w; int in_std; };

static int scope_child(Dwarf_Die c, void *arg)
{
    struct scope_arg *a = arg;
    Dwarf_Half tag;
    int stop;
    char *nm = tag_and_name(a->w, c, &tag, &stop);
    if (!nm) return stop;
    if (!a->in_std && tag == DW_TAG_namespace && !strcmp(nm, "std")) {
        struct scope_arg in = { a->w, 1 };
        twc__dw_each_child(a->w->dbg, c, 0, scope_child, &in);
    } else if (a->in_std && (tag == DW_TAG_class_type || tag == DW_TAG_structure_type) &&
               (!strcmp(nm, "jthread") || !strcmp(nm, "stop_source") || !strcmp(nm, "stop_token"))) {
        read_type(a->w, c, nm);
    }
    dwarf_dealloc(a->w->dbg, nm, DW_DLA_STRING);
    return 0;
}

static int layout_from_dwarf(Dwarf_Debug dbg, struct stop_layout *l)
{
    struct dw_walk w = { dbg, { -1, -1, -1, -1, -1, -1 }, 2000000 };
    Dwarf_Error e = 0;
    for (;;) {   /* every CU, to the end (libdwarf then starts over for the next reader) */
        Dwarf_Unsigned hl, next, toff; Dwarf_Half ver = 0, as, ls, es, ct; Dwarf_Sig8 sig; Dwarf_Off abbr;
        if (dwarf_next_cu_header_d(dbg, 1, &hl, &ver, &abbr, &as, &ls, &es, &sig, &toff, &next, &ct, &e) != DW_DLV_OK)
            break;
        Dwarf_Die cu = 0;
        if (w.budget > 0 && !all_found(&w) && dwarf_siblingof_b(dbg, NULL, 1, &cu, &e) == DW_DLV_OK) {
            struct scope_arg top = { &w, 0 };
            twc__dw_each_child(dbg, cu, 0, scope_child, &top);
            dwarf_dealloc_die(cu);
        }
    }
    if (!all_found(&w)) return -1;
    *l = (struct stop_layout){ w.v[L_SS], w.v[L_TH], w.v[L_ST], w.v[L_PTR], w.v[L_VAL], w.v[L_BIT] };
    return 0;
}

/* ---- else the table, by the compiler that built the executable ---- */

/* The GCC major version in exe's .comment ("GCC: (Debian 12.2.0-14) 12.2.0"), 0 unknown. */
static int gcc_major(const char *exe)
{
    int fd = open(exe, O_RDONLY | O_CLOEXEC), major = 0;
    if (fd < 0) return 0;
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstr;
    Elf_Scn *scn = NULL;
    if (elf && elf_getshdrstrndx(elf, &shstr) == 0)
        while ((scn = elf_nextscn(elf, scn)) && !major) {
            GElf_Shdr sh;
            const char *nm = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstr, sh.sh_name) : NULL;
            Elf_Data *d = nm && !strcmp(nm, ".comment") ? elf_getdata(scn, NULL) : NULL;
            for (size_t o = 0; d && d->d_buf && o < d->d_size; o += strlen((char *)d->d_buf + o) + 1) {
                const char *str = (const char *)d->d_buf + o;
                if (memchr(str, 0, d->d_size - o) == NULL) break;
                const char *sp = strncmp(str, "GCC: ", 5) == 0 ? strrchr(str, ' ') : NULL;
                if (sp && sscanf(sp + 1, "%d.", &major) == 1) break;
                major = 0;
            }
        }
    if (elf) elf_end(elf);
    close(fd);
    return major;
}

static int layout_of(struct stack_names *sn, const char *exe, struct stop_layout *l, char *src, size_t n)
{
    Dwarf_Debug dbg = sn ? twc__stack_dwarf(sn) : NULL;
    if (dbg && layout_from_dwarf(dbg, l) == 0) {
        snprintf(src, n, "std::jthread layout from the executable's debug info");
        return 0;
    }
    int g = exe ? gcc_major(exe) : 0;
    if (g < 11 || g > 14) return -1;   /* GCC 10's stop state was another structure; later ones unknown */
    *l = (struct stop_layout){ 0, 8, 0, 0, 4, 1 };
    snprintf(src, n, "libstdc++ %d std::jthread layout table (the executable's .comment)", g);
    return 0;
}

/* ---- the join ---- */

/* 1 (dtor) or 2 (join()) when func, a function's name, is std::jthread's destructor or join */
static int jthread_fn(const char *func)
{
    char buf[256];
    const char *d = func ? twc__demangled_or(func, buf, sizeof buf) : NULL;
    if (!d) return 0;
    if (!strncmp(d, "std::jthread::~jthread", 22)) return 1;
    if (!strncmp(d, "std::jthread::join", 18)) return 2;
    return 0;
}

int twc__jthread_join(struct stack_names *sn, twc_read_fn rd, void *rctx, uint64_t tid, uint64_t thread_obj,
                      const char *func, struct twc__jthread *out)
{
    uint64_t bias = 0;
    const char *exe = twc__stack_names_exe(sn, &bias);
    memset(out, 0, sizeof out[0]);
    if (!thread_obj || !rd || !exe) return -1;
    /* the function the user's line called (inlined or not), else the frame's own symbol */
    struct twc__place own, callee;
    int how = 0;
    if (twc__user_site(sn, tid, &own, NULL, &callee) == 0) how = jthread_fn(callee.func);
    if (!how) how = jthread_fn(func);
    struct stop_layout l;
    if (!how || layout_of(sn, exe, &l, out->layout, sizeof out->layout) != 0 || thread_obj < (uint64_t)l.thread) return -1;
    out->jthread = thread_obj - (uint64_t)l.thread;
    out->dtor = how == 1;
    const char *var = twc__stack_name(sn, out->jthread);
    snprintf(out->var, sizeof out->var, "%s", var ? var : "");
    uint64_t state = 0;
    uint32_t value = 0;
    if (rd(rctx, out->jthread + (uint64_t)(l.stop_source + l.state + l.ptr), &state, 8) != 8) return 0;
    if (!state) { out->stop_known = 1; return 0; }   /* no stop state: nobody can request a stop */
    if (rd(rctx, state + (uint64_t)l.value, &value, 4) != 4) return 0;
    out->stop_known = 1;
    out->stop_requested = (value & (uint32_t)l.bit) != 0;
    return 0;
}

void twc__jthread_join_text(const struct twc__jthread *j, uint64_t worker, const char *worker_fn, char *out, size_t n)
{
    snprintf(out, n, "pthread_join(%llu) of std::jthread%s%s%s%s%s", (unsigned long long)worker, j->var[0] ? " " : "",
             j->var, worker_fn && worker_fn[0] ? " running " : "", worker_fn ? worker_fn : "",
             !j->stop_known ? "" : j->stop_requested ? (j->dtor ? ", stop requested by its destructor" : ", stop requested")
                                                       : ", no stop requested");
}

/* ---- the model: the joiner's site and its worker's say it ---- */

#define STOP_STR_BASE 0xffd00000u  /* below user_names.c's own strings */

/* a copy of site `site` whose expression is expr, appended; its index, 0 when none */
static uint32_t site_with_expr(struct twc_session *s, uint32_t site, const char *expr)
{
    if (!site || site >= s->nsites) return 0;
    struct tw_site_rec *grown = realloc(s->sites, (s->nsites + 1) * sizeof *s->sites);
    if (!grown) return 0;
    s->sites = grown;
    uint32_t e = twc__lazy_copy(s, STOP_STR_BASE, expr);
    if (!e) return 0;
    s->sites[s->nsites] = s->sites[site];
    s->sites[s->nsites].expr = e;
    return (uint32_t)s->nsites++;
}

int twc__jthread_apply(struct twc_session *s, struct model *m, struct mtask *t, uint64_t thread_obj, const char *func,
                       char *layout, size_t nl)
{
    struct twc__jthread j;
    struct mtask *w = NULL;
    for (size_t i = 0; i < m->ntasks && !w; i++)   /* the model may not be indexed yet */
        if (m->tasks[i].id == t->waiting_on) w = &m->tasks[i];
    if (t->state != TW_TASK_WAITING || t->wait_kind != TW_WAIT_JOIN || !w || !s->stack_names ||
        twc__jthread_join(s->stack_names, s->stack_rd, s->stack_rctx, t->os_tid ? t->os_tid : t->id, thread_obj, func, &j) != 0)
        return 0;
    if (layout && nl) snprintf(layout, nl, "%s", j.layout);
    char fn[256], expr[512];
    int have_fn = w->os_tid && twc__start_function_sig(s->stack_names, w->os_tid, fn, sizeof fn) == 0;
    twc__jthread_join_text(&j, w->id, have_fn ? fn : NULL, expr, sizeof expr);
    uint32_t k = site_with_expr(s, t->await_site, expr);
    if (k) t->await_site = k;
    if (!j.stop_requested || w->state != TW_TASK_WAITING) return 1;
    const struct tw_site_rec *ws = twc__site_at(s, w->await_site);
    if (!ws) return 1;
    snprintf(expr, sizeof expr, "%s, stop requested, not observed", twc__str_at(s, ws->expr));
    if ((k = site_with_expr(s, w->await_site, expr))) w->await_site = k;
    return 1;
}
