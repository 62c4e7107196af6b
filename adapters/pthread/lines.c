/* lines.c — file:line of a return address from the DWARF line table (.debug_line, versions
 * 2 to 5), read in-process from the object's file as symbols.c mapped it. Runs once per call
 * site; no malloc: the line program is walked in place until a row range holds the address.
 * Objects without .debug_line (stripped, or compressed sections) give no line: the site then
 * keeps file "?" and the address. */
#include <elf.h>
#include <string.h>
#include "twp.h"

struct rd {
    const uint8_t *p, *end;
    int bad;
};

static uint64_t u(struct rd *r, int n)
{
    uint64_t v = 0;
    if (r->p + n > r->end) {
        r->bad = 1;
        r->p = r->end;
        return 0;
    }
    for (int i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    return v;
}

static uint64_t uleb(struct rd *r)
{
    uint64_t v = 0;
    for (int shift = 0; r->p < r->end; shift += 7) {
        uint8_t b = *r->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = 1;
    return v;
}

static int64_t sleb(struct rd *r)
{
    int64_t v = 0;
    int shift = 0;
    uint8_t b = 0x80;
    while (r->p < r->end && (b & 0x80)) {
        b = *r->p++;
        if (shift < 64)
            v |= (int64_t)(b & 0x7f) << shift;
        shift += 7;
    }
    if (shift < 64 && (b & 0x40))
        v |= -((int64_t)1 << shift);
    return v;
}

static const char *cstr(struct rd *r)
{
    const char *s = (const char *)r->p;
    while (r->p < r->end && *r->p)
        r->p++;
    if (r->p >= r->end) {
        r->bad = 1;
        return "";
    }
    r->p++;
    return s;
}

struct sect {
    const uint8_t *p;
    size_t n;
};

static struct sect section(const char *map, size_t size, const char *want)
{
    struct sect s = {0, 0};
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)map;
    if (eh->e_shstrndx >= eh->e_shnum)
        return s;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(map + eh->e_shoff);
    const Elf64_Shdr *names = &sh[eh->e_shstrndx];
    if (names->sh_offset + names->sh_size > size)
        return s;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_name >= names->sh_size || sh[i].sh_type == SHT_NOBITS || (sh[i].sh_flags & SHF_COMPRESSED))
            continue;
        if (strcmp(map + names->sh_offset + sh[i].sh_name, want) == 0 && sh[i].sh_offset + sh[i].sh_size <= size) {
            s.p = (const uint8_t *)map + sh[i].sh_offset;
            s.n = sh[i].sh_size;
            return s;
        }
    }
    return s;
}

/* One attribute value of a v5 directory/file entry: a string, or skipped. */
static const char *form_value(struct rd *r, uint64_t form, int off8, struct sect line_str, struct sect str)
{
    switch (form) {
    case 0x08: /* DW_FORM_string */
        return cstr(r);
    case 0x1f: /* DW_FORM_line_strp */
    case 0x0e: { /* DW_FORM_strp */
        uint64_t o = u(r, off8 ? 8 : 4);
        struct sect s = form == 0x1f ? line_str : str;
        return o < s.n ? (const char *)s.p + o : "";
    }
    case 0x0b: u(r, 1); return NULL;   /* data1 */
    case 0x05: u(r, 2); return NULL;   /* data2 */
    case 0x06: u(r, 4); return NULL;   /* data4 */
    case 0x07: u(r, 8); return NULL;   /* data8 */
    case 0x1e: r->p += 16; if (r->p > r->end) r->bad = 1; return NULL; /* data16 (MD5) */
    case 0x0f: uleb(r); return NULL;   /* udata */
    case 0x09: { uint64_t n = uleb(r); r->p += n; if (r->p > r->end) r->bad = 1; return NULL; } /* block */
    default: r->bad = 1; return NULL;
    }
}

#define MAX_FILES 512

/* Looks pc (an offset in the object, as the line table's addresses are) up in one unit. */
static int unit(struct rd *r, int version, int off8, uint64_t pc, struct sect line_str, struct sect str,
                const char **file, unsigned *line)
{
    if (version >= 5) {
        u(r, 1); /* address_size */
        u(r, 1); /* segment_selector_size */
    }
    uint64_t hlen = u(r, off8 ? 8 : 4);
    struct rd prog = {r->p + hlen, r->end, 0};
    if (prog.p > r->end)
        return 0;
    unsigned min_inst = (unsigned)u(r, 1);
    unsigned max_ops = version >= 4 ? (unsigned)u(r, 1) : 1;
    (void)max_ops;
    int default_stmt = (int)u(r, 1);
    (void)default_stmt;
    int8_t line_base = (int8_t)u(r, 1);
    uint8_t line_range = (uint8_t)u(r, 1);
    uint8_t opcode_base = (uint8_t)u(r, 1);
    const uint8_t *std_len = r->p;
    r->p += opcode_base ? opcode_base - 1 : 0;
    if (r->bad || line_range == 0 || r->p > r->end)
        return 0;
    const char *files[MAX_FILES];
    unsigned nfiles = 0;
    int file_base = version >= 5 ? 0 : 1;
    if (version >= 5) {
        for (int pass = 0; pass < 2; pass++) { /* directories, then files */
            uint8_t nfmt = (uint8_t)u(r, 1);
            uint64_t fmt[16][2];
            for (unsigned i = 0; i < nfmt; i++) {
                uint64_t a = uleb(r), b = uleb(r);
                if (i < 16) { fmt[i][0] = a; fmt[i][1] = b; }
            }
            if (nfmt > 16)
                return 0;
            uint64_t count = uleb(r);
            for (uint64_t k = 0; k < count && !r->bad; k++) {
                const char *name = NULL;
                for (unsigned i = 0; i < nfmt; i++) {
                    const char *v = form_value(r, fmt[i][1], off8, line_str, str);
                    if (fmt[i][0] == 1 /* DW_LNCT_path */)
                        name = v;
                }
                if (pass == 1 && nfiles < MAX_FILES)
                    files[nfiles++] = name ? name : "?";
            }
        }
    } else {
        while (r->p < r->end && *r->p)
            cstr(r); /* include_directories */
        u(r, 1);
        while (r->p < r->end && *r->p && !r->bad) {
            const char *name = cstr(r);
            uleb(r); uleb(r); uleb(r);
            if (nfiles < MAX_FILES)
                files[nfiles++] = name;
        }
    }
    if (r->bad)
        return 0;
    /* the line program: rows (address, file, line); pc lies in [row, next row) of a sequence */
    uint64_t addr = 0, prev_addr = 0;
    unsigned fileno = 1, ln = 1, prev_file = 0, prev_line = 0;
    int have_prev = 0;
    struct rd *q = &prog;
    while (q->p < q->end && !q->bad) {
        uint8_t op = (uint8_t)u(q, 1);
        int row = 0, end_seq = 0;
        if (op >= opcode_base) {
            unsigned adj = (unsigned)(op - opcode_base);
            addr += (uint64_t)(adj / line_range) * min_inst;
            ln += (unsigned)(line_base + (int)(adj % line_range));
            row = 1;
        } else if (op == 0) {
            uint64_t len = uleb(q);
            const uint8_t *next = q->p + len;
            uint8_t sub = len ? (uint8_t)u(q, 1) : 0;
            if (sub == 1) { /* end_sequence */
                row = end_seq = 1;
            } else if (sub == 2) { /* set_address */
                addr = u(q, (int)(len - 1 > 8 ? 8 : len - 1));
            }
            q->p = next;
        } else {
            switch (op) {
            case 1: row = 1; break;                                   /* copy */
            case 2: addr += uleb(q) * min_inst; break;                /* advance_pc */
            case 3: ln += (unsigned)sleb(q); break;                   /* advance_line */
            case 4: fileno = (unsigned)uleb(q); break;                /* set_file */
            case 5: uleb(q); break;                                   /* set_column */
            case 6: case 7: case 10: case 11: break;                  /* flags */
            case 8: addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst; break; /* const_add_pc */
            case 9: addr += u(q, 2); break;                           /* fixed_advance_pc */
            case 12: uleb(q); break;                                  /* set_isa */
            default:
                for (unsigned i = 0; i < std_len[op - 1]; i++)
                    uleb(q);
            }
        }
        if (!row)
            continue;
        if (have_prev && prev_addr <= pc && pc < addr) {
            unsigned idx = prev_file - (unsigned)file_base;
            if (idx < nfiles) {
                *file = files[idx];
                *line = prev_line;
                return 1;
            }
            return 0;
        }
        if (end_seq) {
            have_prev = 0;
            addr = 0;
            fileno = 1;
            ln = 1;
        } else {
            have_prev = 1;
            prev_addr = addr;
            prev_file = fileno;
            prev_line = ln;
        }
    }
    return 0;
}

int twp_lines(const char *map, size_t size, uint64_t pc, const char **file, unsigned *line)
{
    struct sect dl = section(map, size, ".debug_line");
    if (!dl.p)
        return 0;
    struct sect line_str = section(map, size, ".debug_line_str"), str = section(map, size, ".debug_str");
    struct rd all = {dl.p, dl.p + dl.n, 0};
    while (all.p < all.end && !all.bad) {
        uint64_t len = u(&all, 4);
        int off8 = 0;
        if (len == 0xffffffffu) {
            len = u(&all, 8);
            off8 = 1;
        }
        if (all.bad || len > (uint64_t)(all.end - all.p))
            return 0;
        struct rd r = {all.p, all.p + len, 0};
        all.p += len;
        int version = (int)u(&r, 2);
        if (version < 2 || version > 5)
            continue;
        if (unit(&r, version, off8, pc, line_str, str, file, line))
            return 1;
    }
    return 0;
}
