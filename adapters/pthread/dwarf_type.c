/* dwarf_type.c — "forks[2]" rather than "forks+0x50": the element size of a global array from
 * the object's DWARF (.debug_info/.debug_abbrev, versions 4 and 5), read in-process at the
 * first use of an object inside a symbol, with no malloc. Only what naming needs is decoded:
 * the top-level DW_TAG_variable called `name`, its type through typedefs and qualifiers to an
 * array, and the byte size of the element type. Every read is bounds-checked; anything
 * unexpected (split DWARF, string forms we do not read, compressed sections) means "no
 * better name". */
#include <elf.h>
#include <string.h>
#include "twp.h"

struct rd { const uint8_t *p, *end; int bad; };

static uint64_t u(struct rd *r, int n)
{
    uint64_t v = 0;
    if (n < 0 || r->p + n > r->end) { r->bad = 1; r->p = r->end; return 0; }
    for (int i = 0; i < n; i++) v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    return v;
}
static uint64_t uleb(struct rd *r)
{
    uint64_t v = 0;
    for (int s = 0; r->p < r->end; s += 7) {
        uint8_t b = *r->p++;
        if (s < 64) v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80)) return v;
    }
    r->bad = 1;
    return v;
}
static void skip(struct rd *r, uint64_t n)
{
    if (n > (uint64_t)(r->end - r->p)) { r->bad = 1; r->p = r->end; } else r->p += n;
}

struct sect { const uint8_t *p; size_t n; };
static struct sect section(const char *map, size_t size, const char *want)
{
    struct sect s = {0, 0};
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)map;
    if (eh->e_shstrndx >= eh->e_shnum) return s;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(map + eh->e_shoff);
    const Elf64_Shdr *nm = &sh[eh->e_shstrndx];
    if (nm->sh_offset + nm->sh_size > size) return s;
    for (unsigned i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_name < nm->sh_size && sh[i].sh_type != SHT_NOBITS && !(sh[i].sh_flags & SHF_COMPRESSED) &&
            strcmp(map + nm->sh_offset + sh[i].sh_name, want) == 0 && sh[i].sh_offset + sh[i].sh_size <= size) {
            s.p = (const uint8_t *)map + sh[i].sh_offset;
            s.n = sh[i].sh_size;
            return s;
        }
    return s;
}

struct cu {
    const uint8_t *start;          /* unit header start (refs are relative to it) */
    struct rd abbrev;              /* this unit's abbreviation table */
    int off8, addr_size, version;
    struct sect str, line_str;
};

/* An attribute value: numbers in *v, strings in *s (NULL when not a string form we read). */
static int value(struct rd *r, const struct cu *c, uint64_t form, int64_t implicit, uint64_t *v, const char **s)
{
    *v = 0;
    *s = NULL;
    switch (form) {
    case 0x01: *v = u(r, c->addr_size); break;
    case 0x03: skip(r, u(r, 2)); break;
    case 0x04: skip(r, u(r, 4)); break;
    case 0x05: case 0x12: *v = u(r, 2); break;
    case 0x06: case 0x13: case 0x1c: *v = u(r, 4); break;
    case 0x07: case 0x14: case 0x20: case 0x24: *v = u(r, 8); break;
    case 0x08: *s = (const char *)r->p; while (r->p < r->end && *r->p) r->p++; skip(r, 1); break;
    case 0x09: case 0x18: skip(r, uleb(r)); break;
    case 0x0a: skip(r, u(r, 1)); break;
    case 0x0b: case 0x0c: case 0x11: *v = u(r, 1); break;
    case 0x0d: case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: *v = uleb(r); break;
    case 0x0e: case 0x1f: {
        uint64_t o = u(r, c->off8 ? 8 : 4);
        const struct sect *t = form == 0x0e ? &c->str : &c->line_str;
        if (o < t->n && memchr(t->p + o, 0, t->n - o)) *s = (const char *)t->p + o;
        break;
    }
    case 0x10: case 0x17: case 0x1d: *v = u(r, c->off8 ? 8 : 4); break;
    case 0x19: *v = 1; break;
    case 0x1e: skip(r, 16); break;
    case 0x21: *v = (uint64_t)implicit; break;
    case 0x25: case 0x29: *v = u(r, 1); break;
    case 0x26: case 0x2a: *v = u(r, 2); break;
    case 0x27: case 0x2b: *v = u(r, 3); break;
    case 0x28: case 0x2c: *v = u(r, 4); break;
    default: r->bad = 1; return 0;
    }
    return !r->bad;
}

/* The abbreviation `code`: its tag, children flag, and a reader over its attribute specs. */
static int abbrev(const struct cu *c, uint64_t code, uint64_t *tag, int *children, struct rd *specs)
{
    struct rd a = c->abbrev;
    for (unsigned n = 0; n < 100000 && a.p < a.end && !a.bad; n++) {
        uint64_t k = uleb(&a);
        if (k == 0) return 0;
        *tag = uleb(&a);
        *children = (int)u(&a, 1);
        *specs = a;
        for (;;) { /* skip the specs to the next abbreviation */
            uint64_t at = uleb(&a), form = uleb(&a);
            if (form == 0x21) (void)uleb(&a);
            if ((at == 0 && form == 0) || a.bad) break;
        }
        if (k == code) return 1;
    }
    return 0;
}

struct die { uint64_t tag; const char *name; uint64_t type, size; int has_type, has_size, children; };

/* Decode the DIE at r (advancing past it). Returns 0 at a null entry or on error. */
static int die(struct rd *r, const struct cu *c, struct die *d)
{
    memset(d, 0, sizeof *d);
    uint64_t code = uleb(r);
    if (code == 0 || r->bad) return 0;
    struct rd specs;
    if (!abbrev(c, code, &d->tag, &d->children, &specs)) { r->bad = 1; return 0; }
    for (unsigned n = 0; n < 256; n++) {
        uint64_t at = uleb(&specs), form = uleb(&specs);
        int64_t imp = form == 0x21 ? (int64_t)uleb(&specs) : 0;
        if ((at == 0 && form == 0) || specs.bad) break;
        if (form == 0x16) { form = uleb(r); }
        uint64_t v; const char *s;
        if (!value(r, c, form, imp, &v, &s)) return 0;
        if (at == 0x03) d->name = s;                                       /* DW_AT_name */
        else if (at == 0x49 && form >= 0x11 && form <= 0x15) { d->type = v; d->has_type = 1; } /* DW_AT_type (CU-relative) */
        else if (at == 0x0b) { d->size = v; d->has_size = 1; }            /* DW_AT_byte_size */
    }
    return 1;
}

/* The DIE at CU-relative offset off. */
static int die_at(const struct cu *c, const uint8_t *end, uint64_t off, struct die *d)
{
    struct rd r = {c->start + off, end, 0};
    if (off == 0 || r.p >= end) return 0;
    return die(&r, c, d);
}

/* Size of an element of the array variable's type, following typedefs and qualifiers. */
static uint64_t elem_size(const struct cu *c, const uint8_t *end, uint64_t type)
{
    struct die d;
    int arrays = 0;
    for (int hop = 0; hop < 16 && die_at(c, end, type, &d); hop++) {
        if (d.tag == 0x01 && !arrays) { arrays = 1; }                     /* array_type: then its element */
        else if (d.has_size && arrays) return d.size;
        else if (d.has_size) return 0;                                    /* not an array */
        if (!d.has_type) return 0;
        type = d.type;
    }
    return 0;
}

uint64_t twp_dwarf_elem_size(const char *map, size_t size, const char *name)
{
    struct sect info = section(map, size, ".debug_info"), abbr = section(map, size, ".debug_abbrev");
    if (!info.p || !abbr.p) return 0;
    struct cu c;
    c.str = section(map, size, ".debug_str");
    c.line_str = section(map, size, ".debug_line_str");
    struct rd all = {info.p, info.p + info.n, 0};
    while (all.p < all.end && !all.bad) {
        c.start = all.p;
        uint64_t len = u(&all, 4);
        c.off8 = 0;
        if (len == 0xffffffffu) { len = u(&all, 8); c.off8 = 1; }
        if (all.bad || len > (uint64_t)(all.end - all.p)) return 0;
        const uint8_t *end = all.p + len;
        struct rd r = {all.p, end, 0};
        all.p = end;
        c.version = (int)u(&r, 2);
        uint64_t aoff;
        if (c.version == 5) {
            int type = (int)u(&r, 1);
            c.addr_size = (int)u(&r, 1);
            aoff = u(&r, c.off8 ? 8 : 4);
            if (type != 1 /* DW_UT_compile */) continue;
        } else if (c.version >= 2 && c.version <= 4) {
            aoff = u(&r, c.off8 ? 8 : 4);
            c.addr_size = (int)u(&r, 1);
        } else {
            continue;
        }
        if (r.bad || aoff >= abbr.n) continue;
        c.abbrev = (struct rd){abbr.p + aoff, abbr.p + abbr.n, 0};
        struct die d;
        if (!die(&r, &c, &d) || !d.children) continue; /* the compile unit */
        /* its direct children only: globals are there */
        int depth = 0;
        for (unsigned n = 0; n < 2000000 && r.p < end && !r.bad; n++) {
            if (!die(&r, &c, &d)) {
                if (r.bad || depth == 0) break;
                depth--;
                continue;
            }
            if (depth == 0 && d.tag == 0x34 && d.name && d.has_type && strcmp(d.name, name) == 0) {
                uint64_t e = elem_size(&c, end, d.type);
                if (e) return e;
            }
            if (d.children) depth++;
        }
    }
    return 0;
}
