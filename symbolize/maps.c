/* maps.c — file-backed mappings of a live process (/proc/PID/maps) and lookups in them. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tws.h"

#define DELETED " (deleted)"

long tws_parse_maps(int pid, struct tws_map **out)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/maps", pid);
    FILE *f = fopen(p, "re");
    if (!f)
        return -errno;
    struct tws_map *m = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL, mapped[96] = "", deleted[4096] = "";
    size_t ll = 0;
    while (getline(&line, &ll, f) > 0) {
        uint64_t s, e, off;
        int pos = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n", &s, &e, &off, &pos) < 3 || !pos)
            continue;
        char *path = line + pos;
        path[strcspn(path, "\n")] = 0;
        if (!*path || s >= e)
            continue; /* anonymous: nothing to symbolise or unwind with */
        size_t pl = strlen(path), dl = sizeof DELETED - 1;
        const char *file = NULL;
        if (path[0] == '/' && pl > dl && strcmp(path + pl - dl, DELETED) == 0) {
            /* replaced on disk since it was loaded (a rebuild): the old inode is still
             * reachable through map_files, and only it matches the code that runs. One
             * entry per file (its first mapping's), so the object is read once. */
            if (strcmp(path, deleted) != 0) {
                snprintf(deleted, sizeof deleted, "%s", path);
                snprintf(mapped, sizeof mapped, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, s, e);
            }
            file = mapped;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct tws_map *t = realloc(m, cap * sizeof *t);
            if (!t)
                break;
            m = t;
        }
        m[n] = (struct tws_map){s, e, off, strdup(path), file ? strdup(file) : NULL};
        if (m[n].path && (!file || m[n].file))
            n++;
        else
            free(m[n].path), free(m[n].file);
    }
    free(line);
    fclose(f);
    *out = m;
    return (long)n;
}

void tws_free_maps(struct tws_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].path);
        free(m[i].file);
    }
    free(m);
}

const struct tws_map *tws_map_find(const struct tws_map *m, size_t n, uint64_t addr)
{
    for (size_t i = 0; i < n; i++)
        if (addr >= m[i].start && addr < m[i].end)
            return &m[i];
    return NULL;
}
