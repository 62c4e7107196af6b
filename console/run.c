/* run.c — `tw run [--no-children] [--] PROG ARGS…`: start an unmodified program with the
 * pthread adapter preloaded. Ours is appended to any LD_PRELOAD the user already has, so their
 * own interposers keep working; then tw becomes the program (exec), so signals, exit status and
 * the terminal are the program's own. LD_PRELOAD is inherited by every program it starts in
 * turn; --no-children sets TW_CHILDREN=0, and the adapter then takes itself out of the
 * program's LD_PRELOAD before main (adapters/pthread/children.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tw.h"

static int find_adapter(char *out, size_t n) {
    const char *cands[] = { "%s/../lib/libtw-pthread.so", "%s/../lib/turbowish/libtw-pthread.so" };
    for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, cands[i], tw_self_dir());
        if (access(p, R_OK) == 0 && realpath(p, out)) return 0;
    }
    (void)n;
    return -1;
}

int cmd_run(const struct tw_args *a) {
    if (!a->prog || !a->prog[0]) return tw_err(TWC_EUSAGE, "usage: tw run [--no-children] [--] PROG [ARGS...]");
    char lib[PATH_MAX];
    if (find_adapter(lib, sizeof lib))
        return tw_fail(TWC_ENOTFOUND, "the pthread adapter libtw-pthread.so was not found next to tw (%s/../lib)",
                       tw_self_dir());
    const char *old = getenv("LD_PRELOAD");
    char *val = old && *old ? tw_strdup_printf("%s:%s", old, lib) : strdup(lib);
    if (!val || setenv("LD_PRELOAD", val, 1)) return tw_err(TWC_EINTERNAL, "cannot set LD_PRELOAD");
    free(val);
    if (a->no_children && setenv("TW_CHILDREN", "0", 1)) return tw_err(TWC_EINTERNAL, "cannot set TW_CHILDREN");
    fflush(NULL);
    execvp(a->prog[0], a->prog);
    int e = errno;
    return tw_fail(e == ENOENT ? TWC_ENOTFOUND : e == EACCES ? TWC_EPERM : TWC_EINTERNAL,
                   "cannot run %s: %s", a->prog[0], strerror(e));
}
