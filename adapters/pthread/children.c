/* children.c — TW_CHILDREN=0 (`tw run --no-children`): programs this process starts run
 * without TurboWish. LD_PRELOAD is inherited through exec, so every shell a tmux pane starts
 * would be instrumented too. At load we take the TurboWish adapters (libtw-*.so) out of this
 * process's LD_PRELOAD, editing the environment string in place (before main, no allocation;
 * the loader has already read it, so this process keeps its adapters): every exec after that
 * starts uninstrumented. A forked copy of the program is still this program and stays
 * instrumented (tmux's server, nginx's workers). */
#include <stdlib.h>
#include <string.h>
#include "twp.h"

extern char **environ;

static int ours(const char *entry, size_t len)
{
    const char *base = entry;
    for (size_t i = 0; i < len; i++)
        if (entry[i] == '/')
            base = entry + i + 1;
    return strncmp(base, "libtw-", 6) == 0;
}

/* Removes our entries from the LD_PRELOAD list in s (':' or ' ' separated), in place. */
static void drop_ours(char *s)
{
    char *out = s, *p = s;
    while (*p) {
        while (*p == ':' || *p == ' ')
            p++;
        char *e = p;
        while (*e && *e != ':' && *e != ' ')
            e++;
        size_t len = (size_t)(e - p);
        if (len && !ours(p, len)) {
            if (out != s)
                *out++ = ':';
            memmove(out, p, len);
            out += len;
        }
        p = e;
    }
    *out = 0;
}

__attribute__((constructor(103))) static void twp_children_init(void)
{
    const char *c = getenv("TW_CHILDREN");
    if (!c || strcmp(c, "0") != 0 || !environ)
        return;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "LD_PRELOAD=", 11) == 0)
            drop_ours(*e + 11);
}
