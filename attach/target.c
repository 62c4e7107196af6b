/* target.c — reading a stopped target's memory, common to live processes and cores. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "twa_internal.h"

#define PC_SLOTS 512
#define PC_PAGE 4096u

struct twa_page_cache {
    uint64_t page[PC_SLOTS];   /* page address + 1 (0 = empty slot) */
    int32_t valid[PC_SLOTS];   /* bytes readable from the page start (short at a mapping end) */
    uint8_t data[PC_SLOTS][PC_PAGE];
};

struct twa_page_cache *twa_page_cache_new(void) { return calloc(1, sizeof(struct twa_page_cache)); }
void twa_page_cache_free(struct twa_page_cache *c) { free(c); }

static int64_t raw_read(const struct twa_target *t, uint64_t addr, void *buf, uint64_t len);

int64_t twa_target_read(const struct twa_target *t, uint64_t addr, void *buf, uint64_t len)
{
    struct twa_page_cache *c = t->cache;
    uint64_t pg = addr & ~(uint64_t)(PC_PAGE - 1);
    if (!c || len == 0 || len > PC_PAGE || addr - pg + len > PC_PAGE)
        return raw_read(t, addr, buf, len);
    size_t slot = (size_t)((pg >> 12) * 0x9E3779B1u) % PC_SLOTS;
    if (c->page[slot] != pg + 1) {
        int64_t r = raw_read(t, pg, c->data[slot], PC_PAGE);
        if (r <= 0) /* the page start is unreadable: the tail may still be (a mapping start) */
            return raw_read(t, addr, buf, len);
        c->page[slot] = pg + 1;
        c->valid[slot] = (int32_t)r;
    }
    uint64_t off = addr - pg;
    if ((int64_t)off >= c->valid[slot])
        return -EFAULT;
    uint64_t n = (uint64_t)c->valid[slot] - off;
    if (n > len)
        n = len;
    memcpy(buf, c->data[slot] + off, n);
    return (int64_t)n;
}

static int64_t raw_read(const struct twa_target *t, uint64_t addr, void *buf, uint64_t len)
{
    int64_t r = t->read(t->ctx, addr, buf, len);
    if (r == (int64_t)len || !t->is_core)
        return r;
    /* gcore leaves out read-only file mappings (text, .eh_frame): the file has them. */
    uint64_t done = r > 0 ? (uint64_t)r : 0;
    const struct tws_map *m = tws_map_find(t->space.maps, t->space.nmaps, addr + done);
    struct tws_object *o = m ? tws_object_get(t->space.objs, m) : NULL;
    if (!o)
        return done ? (int64_t)done : -EFAULT;
    uint64_t n = len - done;
    if (n > m->end - (addr + done))
        n = m->end - (addr + done);
    int64_t got = tws_object_read_file(o, m->fileofs + (addr + done - m->start), (char *)buf + done, n);
    if (got > 0)
        done += (uint64_t)got;
    return done ? (int64_t)done : -EFAULT;
}
