/* dw_children.c — the one walk over a DIE's children (libdwarf hands out the first child, then
 * each next sibling, and every DIE it hands out must be freed): shared by every DWARF reader of
 * libtwcore (locals, the user's site, std::shared_lock guards, glibc's layouts). */
#include <stdint.h>
#include "dwarf_names.h"

int twc__dw_each_child(Dwarf_Debug dbg, Dwarf_Die parent, int limit, twc__dw_child_fn fn, void *arg)
{
    Dwarf_Error e = 0;
    Dwarf_Die c = 0;
    int stop = 0;
    if (dwarf_child(parent, &c, &e) != DW_DLV_OK) return 0;
    for (int visited = 0; c && !stop && (!limit || visited < limit); visited++) {
        stop = fn(c, arg);
        Dwarf_Die sib = 0;
        int rc = dwarf_siblingof_b(dbg, c, 1, &sib, &e);
        dwarf_dealloc_die(c);
        c = rc == DW_DLV_OK ? sib : NULL;
    }
    if (c) dwarf_dealloc_die(c);
    return stop;
}

#define MAX_SCOPE_DEPTH 32   /* nesting of lexical blocks and inlined bodies followed */

struct in_arg { uint64_t pc; int in; };
static void in_cb(void *arg, uint64_t lo, uint64_t hi)
{
    struct in_arg *a = arg;
    if (a->pc >= lo && a->pc < hi) a->in = 1;
}

struct scope_walk {
    Dwarf_Debug dbg;
    uint64_t pc;
    int cu_version, inlined, depth, *budget;
    twc__dw_child_fn fn;
    void *arg;
};

static int in_scope_child(Dwarf_Die c, void *arg)
{
    struct scope_walk *w = arg;
    Dwarf_Half tag = 0;
    Dwarf_Error e = 0;
    if ((*w->budget)-- <= 0) return -1;   /* spent: stop, nothing found */
    dwarf_tag(c, &tag, &e);
    if (tag == DW_TAG_lexical_block || (w->inlined && tag == DW_TAG_inlined_subroutine)) {
        struct in_arg ia = { w->pc, 0 };
        if (w->depth >= MAX_SCOPE_DEPTH || !twc__dw_die_ranges(c, w->cu_version, in_cb, &ia) || !ia.in) return 0;
        struct scope_walk inner = *w;
        inner.depth++;
        return twc__dw_each_child(w->dbg, c, 0, in_scope_child, &inner);
    }
    return w->fn(c, w->arg);
}

int twc__dw_each_in_scope(Dwarf_Debug dbg, Dwarf_Die d, uint64_t pc, int cu_version, int inlined, int *budget,
                          twc__dw_child_fn fn, void *arg)
{
    struct scope_walk w = { dbg, pc, cu_version, inlined, 0, budget, fn, arg };
    return twc__dw_each_child(dbg, d, 0, in_scope_child, &w);
}
