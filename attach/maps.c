/* maps.c — file-backed mappings of a live process (/proc/PID/maps) and lookups in them. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "twa_internal.h"

long twa_parse_maps(int pid, struct twa_map **out)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/maps", pid);
    FILE *f = fopen(p, "re");
    if (!f)
        return -errno;
    struct twa_map *m = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t ll = 0;
    while (getline(&line, &ll, f) > 0) {
        uint64_t s, e, off;
        int pos = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n", &s, &e, &off, &pos) < 3 || !pos)
            continue;
        char *path = line + pos;
        path[strcspn(path, "\n")] = 0;
        if (!*path)
            continue; /* anonymous: nothing to symbolise or unwind with */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct twa_map *t = realloc(m, cap * sizeof *t);
            if (!t)
                break;
            m = t;
        }
        m[n].start = s;
        m[n].end = e;
        m[n].fileofs = off;
        m[n].path = strdup(path);
        if (m[n].path)
            n++;
    }
    free(line);
    fclose(f);
    *out = m;
    return (long)n;
}

void twa_free_maps(struct twa_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(m[i].path);
    free(m);
}

const struct twa_map *twa_map_find(const struct twa_map *m, size_t n, uint64_t addr)
{
    for (size_t i = 0; i < n; i++)
        if (addr >= m[i].start && addr < m[i].end)
            return &m[i];
    return NULL;
}
