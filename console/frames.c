/* frames.c — lends libtwcore the console's symbolizer (libtwsym: ELF symbols, DWARF line
 * tables, each module at its load bias) so that `tw task ID` names the frames of the stacks
 * TW_BACKTRACE recorded. The modules are read on the first frame asked for, so commands that
 * show no stack never pay for it. A snapshot file holds the region but no modules: its frames
 * stay bare addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tw.h"
#include "twcorefile.h"
#include "tws.h"

struct tw_symbols {
    struct tws_space space;
    struct tws_map *maps;       /* owned: space.maps points here */
    char cwd[512];
};

/* The target's modules: /proc/PID/maps, or the core's NT_FILE note (its executable's
 * mappings at --exe's path, when given). */
static struct tw_symbols *symbols_new(struct tw_target *t)
{
    struct tw_symbols *y = calloc(1, sizeof *y);
    if (!y || !(y->space.objs = tws_cache_new())) {
        free(y);
        return NULL;
    }
    long n = t->kind == TGT_PID ? tws_parse_maps(t->pid, &y->maps)
           : t->core ? twcf_maps(t->core, t->exe, &y->maps) : 0;
    y->space.maps = y->maps;
    y->space.nmaps = n > 0 ? (size_t)n : 0;
    if (!getcwd(y->cwd, sizeof y->cwd)) y->cwd[0] = 0;
    return y;
}

static int symbolize_cb(void *ctx, uint64_t pc, char *func, size_t funclen, char *file, size_t filelen, int *line,
                        char *object, size_t objlen)
{
    struct tw_target *t = ctx;
    if (!t->sym && !(t->sym = symbols_new(t)))
        return -1;
    struct tws_info si;
    /* libtwcore passes return address - 1 already (twcore.h): look it up as is */
    if (tws_lookup(&t->sym->space, pc, &si) != 0) return -1;
    /* a file below where tw runs is named relative to it: shorter, and what tests grep for */
    const char *f = si.file;
    size_t cl = strlen(t->sym->cwd);
    if (cl > 1 && !strncmp(f, t->sym->cwd, cl) && f[cl] == '/') f += cl + 1;
    snprintf(func, funclen, "%s", si.func);
    snprintf(file, filelen, "%s", f);
    snprintf(object, objlen, "%s", si.object);
    *line = si.line;
    return 0;
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
    if (!t->sym) return;
    tws_cache_free(t->sym->space.objs);
    tws_free_maps(t->sym->maps, t->sym->space.nmaps);
    free(t->sym);
    t->sym = NULL;
}
