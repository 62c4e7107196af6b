/* check.c — two mistakes a core file's user makes that the readers further down would
 * answer with a misleading sentence: a core cut short (a full disk, a size limit, a copy
 * interrupted) looks like a core "without thread notes" or "without a region", and an --exe
 * that is not the program that dumped the core names every frame wrongly. Both are told
 * here, from what twcf_open read: the sizes the headers declare and the NT_PRPSINFO note. */
#include <stdio.h>
#include <string.h>
#include "corefile.h"

/* The base name of argv[0] in pr_psargs (arguments are separated by spaces there). */
static void argv0_base(const char *psargs, char *out, size_t n)
{
    char args[81];
    snprintf(args, sizeof args, "%s", psargs);
    args[strcspn(args, " ")] = 0;
    const char *base = strrchr(args, '/');
    snprintf(out, n, "%s", base ? base + 1 : args);
}

int twcf_check(const struct twcf_core *c, const char *path, const char *exe, char *err, size_t errlen)
{
    if (c->declared_end > c->fsize) {
        snprintf(err, errlen, "core file %s is truncated: it has %llu bytes, its headers declare %llu", path,
                 (unsigned long long)c->fsize, (unsigned long long)c->declared_end);
        return TWC_ECORRUPT;
    }
    if (!exe || !c->fname[0])
        return TWC_OK;
    /* pr_fname is the main thread's name, at most 15 characters, which the program may have
     * renamed; argv[0] is what it was started as */
    const char *base = strrchr(exe, '/');
    base = base ? base + 1 : exe;
    char argv0[96];
    argv0_base(c->psargs, argv0, sizeof argv0);
    if (strncmp(base, c->fname, 15) != 0 && strcmp(base, argv0) != 0) {
        snprintf(err, errlen, "%s is not the program of core file %s, which was dumped by '%s'", exe, path, c->fname);
        return TWC_EUSAGE;
    }
    return TWC_OK;
}
