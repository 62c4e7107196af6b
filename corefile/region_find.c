/* region_find.c — where the TurboWish region sits in a core file.
 *
 * First choice is the NT_FILE note: the shim's memfd shows up there as "/memfd:turbowish
 * (deleted)", so we know the exact address even when the header bytes are damaged. Cores
 * without NT_FILE (old gdb, some converters) get a scan for the magic at page starts of
 * dumped segments: the region is page-aligned, so nothing else is worth looking at.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "tw_region.h"
#include "corefile.h"

#define MEMFD_NAME "/memfd:turbowish"

int twcf_find_region(struct twcf_core *c, uint64_t *addr, char *err, size_t errlen)
{
    if (!c || !addr)
        return TWC_EUSAGE;
    const struct tws_map *undumped = NULL;
    for (size_t i = 0; i < c->nmaps; i++) {
        if (strncmp(c->maps[i].path, MEMFD_NAME, sizeof MEMFD_NAME - 1) != 0)
            continue;
        /* The shim maps the region from offset 0; a mapping at another offset is something else. */
        if (c->maps[i].fileofs != 0)
            continue;
        char magic[8];
        if (twcf_read(c, c->maps[i].start, magic, 8) == 8) {
            *addr = c->maps[i].start; /* libtwcore validates the header; a bad one is "corrupt" */
            return TWC_OK;
        }
        if (!undumped)
            undumped = &c->maps[i];
    }
    /* No NT_FILE entry: scan page starts of what was dumped, bounded by the file size. A bare
     * "TURBOWSH" can be a string literal that starts a .rodata page, so the byte-order mark
     * that follows must match too. When NT_FILE lists the memfd but it was not dumped, a scan
     * could only find such look-alikes: say what happened instead. */
    uint32_t bom = TW_BYTE_ORDER_MARK;
    for (size_t i = 0; i < c->nsegs && !undumped; i++) {
        const struct twcf_seg *s = &c->segs[i];
        /* Not NT_FILE's page size: gdb writes 1 there (offsets in bytes). x86-64 pages. */
        const uint64_t ps = 4096;
        uint64_t first = (s->vaddr + ps - 1) & ~(ps - 1);
        for (uint64_t a = first; a >= s->vaddr && a - s->vaddr + 12 <= s->filesz; a += ps) {
            char magic[12];
            if (twcf_read(c, a, magic, 12) == 12 && memcmp(magic, TW_MAGIC, 8) == 0 &&
                memcmp(magic + 8, &bom, 4) == 0) {
                *addr = a;
                return TWC_OK;
            }
        }
    }
    if (err && errlen) {
        if (undumped)
            snprintf(err, errlen,
                     "the core maps the TurboWish region (%s at 0x%" PRIx64 ") but its contents were not "
                     "dumped: the process's coredump_filter excluded shared memory",
                     MEMFD_NAME, undumped->start);
        else
            snprintf(err, errlen, "the core file holds no TurboWish region");
    }
    return TWC_ENOREGION;
}
