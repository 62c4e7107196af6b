/* lines.c — file:line of a code address from the object's DWARF line tables (libdwarf).
 *
 * Loaded once per object on first use and kept as one sorted array of rows, so a lookup is a
 * binary search. Objects without debug info simply have no rows: the caller then reports the
 * function name alone. libdwarf checks the sections against the file; the bounds here are on
 * what a hostile table could make us allocate. */
#include <dwarf.h>
#include <libdwarf.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"

#define MAX_ROWS (8u << 20) /* a hostile or enormous line table cannot exhaust memory */

static int line_cmp(const void *a, const void *b)
{
    const struct tws_line *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static uint32_t intern_file(struct tws_object *e, const char *name)
{
    /* Files repeat across rows of one CU; checking the last few keeps this cheap. */
    for (size_t i = e->nfiles; i > 0 && i + 8 > e->nfiles; i--)
        if (strcmp(e->files[i - 1], name) == 0)
            return (uint32_t)(i - 1);
    char **t = realloc(e->files, (e->nfiles + 1) * sizeof *t);
    if (!t)
        return UINT32_MAX;
    e->files = t;
    e->files[e->nfiles] = strdup(name);
    if (!e->files[e->nfiles])
        return UINT32_MAX;
    return (uint32_t)e->nfiles++;
}

static void add_row(struct tws_object *e, size_t *cap, uint64_t addr, uint32_t file, int line)
{
    if (e->nlines >= MAX_ROWS)
        return;
    if (e->nlines == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        struct tws_line *t = realloc(e->lines, c * sizeof *t);
        if (!t)
            return;
        e->lines = t;
        *cap = c;
    }
    e->lines[e->nlines] = (struct tws_line){addr, file, (uint32_t)e->nlines, line};
    e->nlines++;
}

static void load_lines(struct tws_object *e)
{
    e->lines_loaded = 1;
    Dwarf_Debug dbg = 0;
    Dwarf_Error derr = 0;
    if (e->fd < 0 || dwarf_init_b(e->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, &derr) != DW_DLV_OK)
        return;
    size_t cap = 0;
    for (;;) {
        Dwarf_Unsigned hlen, abbr, next;
        Dwarf_Half ver, asz, lsz, xsz, cutype;
        Dwarf_Off abbroff;
        Dwarf_Sig8 sig;
        Dwarf_Unsigned tyoff;
        (void)abbr;
        if (dwarf_next_cu_header_d(dbg, 1, &hlen, &ver, &abbroff, &asz, &lsz, &xsz, &sig, &tyoff, &next, &cutype,
                                   &derr) != DW_DLV_OK)
            break;
        Dwarf_Die cu = 0;
        if (dwarf_siblingof_b(dbg, NULL, 1, &cu, &derr) != DW_DLV_OK)
            continue;
        Dwarf_Unsigned lver;
        Dwarf_Small tcount;
        Dwarf_Line_Context ctx = 0;
        if (dwarf_srclines_b(cu, &lver, &tcount, &ctx, &derr) == DW_DLV_OK) {
            Dwarf_Line *rows = 0;
            Dwarf_Signed n = 0;
            if (dwarf_srclines_from_linecontext(ctx, &rows, &n, &derr) == DW_DLV_OK) {
                uint32_t last_file = UINT32_MAX;
                char *last_name = NULL;
                for (Dwarf_Signed i = 0; i < n; i++) {
                    Dwarf_Addr a;
                    Dwarf_Unsigned ln;
                    Dwarf_Bool end = 0;
                    char *src = 0;
                    if (dwarf_lineaddr(rows[i], &a, &derr) != DW_DLV_OK ||
                        dwarf_lineno(rows[i], &ln, &derr) != DW_DLV_OK)
                        continue;
                    dwarf_lineendsequence(rows[i], &end, &derr);
                    if (end) { /* a gap after the sequence: line 0 means "no line here" */
                        add_row(e, &cap, a, UINT32_MAX, 0);
                        continue;
                    }
                    if (dwarf_linesrc(rows[i], &src, &derr) != DW_DLV_OK)
                        continue;
                    if (!last_name || strcmp(last_name, src) != 0) {
                        last_file = intern_file(e, src);
                        free(last_name);
                        last_name = strdup(src);
                    }
                    dwarf_dealloc(dbg, src, DW_DLA_STRING);
                    add_row(e, &cap, a, last_file, (int)ln);
                }
                free(last_name);
            }
            dwarf_srclines_dealloc_b(ctx);
        }
        dwarf_dealloc(dbg, cu, DW_DLA_DIE);
    }
    dwarf_finish(dbg, &derr);
    /* Rows at one address keep the table's order (ord): an end-of-sequence row and the next
     * sequence's first row may share an address, and of several rows at one address the
     * last one is the line that applies. */
    qsort(e->lines, e->nlines, sizeof *e->lines, line_cmp);
}

int tws_object_line(struct tws_object *e, uint64_t v, const char **file, int *line)
{
    if (!e)
        return -1;
    if (!e->lines_loaded)
        load_lines(e);
    size_t lo = 0, hi = e->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->lines[mid].addr <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -1;
    size_t i = lo - 1;
    uint64_t a = e->lines[i].addr;
    for (size_t j = i + 1; j-- > 0 && e->lines[j].addr == a;)
        if (e->lines[j].line > 0 && e->lines[j].file != UINT32_MAX) {
            *file = e->files[e->lines[j].file];
            *line = e->lines[j].line;
            return 0;
        }
    return -1;
}

void tws_lines_free(struct tws_object *e)
{
    for (size_t i = 0; i < e->nfiles; i++)
        free(e->files[i]);
    free(e->files);
    free(e->lines);
    e->files = NULL;
    e->lines = NULL;
    e->nfiles = e->nlines = 0;
}
