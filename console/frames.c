/* frames.c — lends libtwcore the console's own symbolizer (libdwarf line tables, ELF symbols,
 * each module at its load bias) so that `tw task ID` names the frames of the stacks
 * TW_BACKTRACE recorded. The modules are read on the first frame asked for, so commands that
 * show no stack never pay for it. A snapshot file holds the region but no modules: its frames
 * stay bare addresses. */
#include <stdio.h>
#include "tw.h"
#include "symbolize.h"

static int symbolize_cb(void *ctx, uint64_t pc, char *func, size_t funclen, char *file, size_t filelen, int *line,
                        char *object, size_t objlen)
{
    struct tw_target *t = ctx;
    if (!t->sym && !(t->sym = tgt_new_symbolizer(t)))
        return -1;
    struct sym_info si;
    /* libtwcore passes return address - 1 already (twcore.h): look it up as is */
    if (sym_lookup(t->sym, pc, &si) != 0) return -1;
    snprintf(func, funclen, "%s", si.func);
    snprintf(file, filelen, "%s", si.file);
    snprintf(object, objlen, "%s", si.object);
    *line = si.line;
    return 0;
}

struct symbolizer *tgt_new_symbolizer(struct tw_target *t)
{
    struct symbolizer *sy = sym_new();
    if (!sy) return NULL;
    if (t->kind == TGT_PID) sym_load_proc_maps(sy, t->pid);
    else sym_load_core_maps(sy, t->path, t->exe);
    return sy;
}

static int64_t stack_reader(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    return tgt_read_mem(ctx, addr, buf, len);
}

/* The symbolizer, and the target's memory for `bt` (libtwcore walks the stack itself). */
void tgt_lend_symbolizer(struct tw_target *t)
{
    if ((t->kind == TGT_PID || t->kind == TGT_CORE) && !t->attach_only && t->s) {
        twc_set_symbolizer(t->s, symbolize_cb, t);
        twc_set_stack_reader(t->s, stack_reader, t);
    }
}

void tgt_drop_symbolizer(struct tw_target *t)
{
    sym_free(t->sym);
    t->sym = NULL;
}
