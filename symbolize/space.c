/* space.c — an address space's mappings over their ELF objects: which object holds an
 * address, at which load bias, and what function and line the address is. */
#include <stdio.h>
#include <string.h>
#include "object.h"

/* ELF vaddr of file offset `off`, from the PT_LOAD holding it. A mapping always maps a
 * segment congruently, so this works for every mapping of the object, including the parts
 * of one segment that mprotect split (RELRO) and segments whose offset is not page-aligned. */
static int vaddr_of_offset(const struct tws_object *o, uint64_t off, uint64_t *va)
{
    for (size_t i = 0; i < o->nloads; i++) {
        const struct tws_load *l = &o->loads[i];
        uint64_t align = l->align > 1 ? l->align : 1;
        uint64_t seg_off = l->offset & ~(align - 1);
        if (off >= seg_off && (off < l->offset || off - l->offset < l->filesz)) { /* no overflow */
            *va = l->vaddr - l->offset + off;
            return 0;
        }
    }
    return -1;
}

static int bias_from(const struct tws_object *o, const struct tws_map *m, uint64_t addr, uint64_t *bias)
{
    uint64_t va;
    if (vaddr_of_offset(o, m->fileofs + (addr - m->start), &va) != 0)
        return -1;
    *bias = addr - va;
    return 0;
}

struct tws_object *tws_space_object(const struct tws_space *s, uint64_t addr, uint64_t *bias,
                                    const struct tws_map **map)
{
    const struct tws_map *m = tws_map_find(s->maps, s->nmaps, addr);
    struct tws_object *o = m ? tws_object_get(s->objs, m) : NULL;
    if (!o)
        return NULL;
    /* The bias is fixed per object: from this mapping, else (an address past the file's
     * bytes, in .bss) from the object's offset-0 mapping. */
    if (bias_from(o, m, addr, bias) != 0) {
        int ok = 0;
        for (size_t i = 0; i < s->nmaps && !ok; i++)
            if (s->maps[i].fileofs == 0 && strcmp(s->maps[i].path, m->path) == 0)
                ok = bias_from(o, &s->maps[i], s->maps[i].start, bias) == 0;
        if (!ok)
            return NULL;
    }
    if (map)
        *map = m;
    return o;
}

int tws_lookup(const struct tws_space *s, uint64_t pc, struct tws_info *out)
{
    memset(out, 0, sizeof *out);
    const struct tws_map *m = tws_map_find(s->maps, s->nmaps, pc);
    if (!m || m->path[0] != '/')
        return -1; /* [vdso], [stack]...: no file to name it by, nor to show as its object */
    snprintf(out->object, sizeof out->object, "%s", m->path);
    uint64_t bias, start;
    const char *names[1], *file;
    struct tws_object *o = tws_space_object(s, pc, &bias, NULL);
    if (!o)
        return 0;
    if (tws_object_func(o, pc - bias, &start, names, 1) > 0) {
        snprintf(out->func, sizeof out->func, "%s", names[0]);
        out->func_off = pc - bias - start;
    }
    if (tws_object_line(o, pc - bias, &file, &out->line) == 0)
        snprintf(out->file, sizeof out->file, "%s", file);
    else
        out->line = 0;
    return 0;
}
