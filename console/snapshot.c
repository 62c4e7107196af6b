/* snapshot.c — `tw snapshot TARGET -o FILE`: the region's bytes from offset 0 to the used size
 * its header declares. Records not proven whole (caught mid-update) are re-read for a
 * moment; one still torn after that is copied with its counter made odd, so every reader
 * reports it as torn rather than us passing off a value we could not prove. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"
#include "tw_region.h"

#define SNAP_MAX (4ull << 30)   /* more than any region the shim makes: refuse, it is corrupt */
#define RETRIES 50              /* x 1 ms */

static int64_t region_reader(void *t, uint64_t off, void *buf, uint64_t len) {
    return tgt_read_region(t, off, buf, len);
}

/* Makes the records of one table whole in the image (twc_whole_records, retrying a record for
 * up to RETRIES ms); returns how many stay torn. Those keep the image's copy with an odd counter,
 * so readers report them as torn rather than us passing off a copy we could not prove whole. */
static unsigned fix_table(struct tw_target *t, char *img, uint64_t used, const struct tw_table_desc *d) {
    if (d->stride < 4 || d->offset >= used) return 0;
    uint64_t count = d->count < d->capacity ? d->count : d->capacity;
    if (count > (used - d->offset) / d->stride) count = (used - d->offset) / d->stride;
    return (unsigned)twc_whole_records(region_reader, t, d->offset, d->stride, count, (uint8_t *)img + d->offset,
                                       NULL, RETRIES, 1);
}

/* The rings, copied again one at a time right after their own directory entry, so that the
 * copy of a ring and its head belong together even while a writer goes flat out. A writer
 * that kept going during the copy may have overwritten the oldest events: the head is read
 * again afterwards and every event that may have been overwritten, n <= head_after - capacity
 * (the slot of event head_after - capacity may be being rewritten right now), is zeroed
 * (type TW_EV_NONE), so no reader takes a newer event for an older one. Readers count the
 * zeroed events of a live snapshot as overwritten. Returns how many were zeroed. */
static uint64_t recopy_rings(struct tw_target *t, char *img, uint64_t used) {
    const struct tw_table_desc *rt = &((struct tw_header *)img)->rings;
    uint64_t marked = 0;
    if (rt->stride < sizeof(struct tw_ring_desc) || rt->offset >= used) return 0;
    uint64_t count = rt->count < rt->capacity ? rt->count : rt->capacity;
    if (count > (used - rt->offset) / rt->stride) count = (used - rt->offset) / rt->stride;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = rt->offset + i * rt->stride;
        struct tw_ring_desc d;
        uint64_t after;
        if (tgt_read_region(t, at, &d, sizeof d) != sizeof d) continue;
        if (!d.seq || !d.capacity || d.capacity > (1u << 28) || d.offset > used ||
            d.capacity * sizeof(struct tw_event) > used - d.offset)
            continue;
        char *ring = img + d.offset;
        uint64_t bytes = d.capacity * sizeof(struct tw_event);
        if (tgt_read_region(t, d.offset, ring, bytes) != (int64_t)bytes) continue; /* keep the first copy */
        if (tgt_read_region(t, at + offsetof(struct tw_ring_desc, head), &after, sizeof after) != sizeof after)
            after = UINT64_MAX;                 /* cannot tell: keep none of it */
        memcpy(img + at, &d, sizeof d);
        uint64_t first = d.head > d.capacity ? d.head - d.capacity : 0;
        uint64_t safe_from = after < d.head ? d.head : after >= d.capacity ? after - d.capacity + 1 : 0;
        for (uint64_t n = first; n < safe_from && n < d.head; n++, marked++)
            memset(ring + (n % d.capacity) * sizeof(struct tw_event), 0, sizeof(struct tw_event));
    }
    return marked;
}

int cmd_snapshot(const struct tw_args *a) {
    if (!a->out) return tw_err(TWC_EUSAGE, "tw snapshot needs -o FILE");
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    if (t.kind == TGT_FILE) return tw_err(TWC_EUSAGE, "a snapshot file is already a snapshot: copy it");
    if ((st = tgt_open(&t, 0, err, sizeof err))) return tw_err(st, err);
    if (t.attach_only) {
        tgt_close(&t);
        return tw_err(TWC_ENOREGION, "the target has no TurboWish region to snapshot (attach-only facts are not a region)");
    }
    struct tw_header h;
    if (tgt_read_region(&t, 0, &h, sizeof h) != (int64_t)sizeof h || memcmp(h.magic, TW_MAGIC, 8)) {
        tgt_close(&t);
        return tw_err(TWC_ECORRUPT, "the region header cannot be read or has no TURBOWSH magic");
    }
    uint64_t used = h.used_size;
    if (used < sizeof h || used > SNAP_MAX || (h.region_size && used > h.region_size)) {
        tgt_close(&t);
        return tw_fail(TWC_ECORRUPT, "the region declares an impossible used size (%llu bytes)", (unsigned long long)used);
    }
    char *img = malloc(used);
    if (!img) { tgt_close(&t); return tw_err(TWC_EINTERNAL, "out of memory"); }
    uint64_t off = 0;
    while (off < used) {
        uint64_t k = used - off > (1u << 20) ? (1u << 20) : used - off;
        int64_t r = tgt_read_region(&t, off, img + off, k);
        if (r <= 0) {
            free(img);
            tgt_close(&t);
            return tw_fail(TWC_ECORRUPT, "the region is truncated: only %llu of %llu bytes readable",
                           (unsigned long long)off, (unsigned long long)used);
        }
        off += (uint64_t)r;
    }
    unsigned torn = 0;
    uint64_t overwritten = 0;
    if (t.kind == TGT_PID) {
        struct tw_header *hc = (struct tw_header *)img;
        torn += fix_table(&t, img, used, &hc->tasks);
        torn += fix_table(&t, img, used, &hc->resources);
        overwritten = recopy_rings(&t, img, used);
        hc->snapshot_flags |= TW_SNAP_LIVE; /* validate then allows in-flight events */
    }
    st = write_file(a->out, img, used, err, sizeof err);
    free(img);
    tgt_close(&t);
    if (st) return tw_err(st, err);
    if (a->json) return print_wrote_json(a->out, NULL, used, torn, overwritten);
    printf("wrote %llu bytes to %s", (unsigned long long)used, a->out);
    if (torn) printf(" (%u record%s still torn, left marked torn)", torn, torn == 1 ? "" : "s");
    if (overwritten) printf(" (%llu events overwritten while copied, left out)", (unsigned long long)overwritten);
    printf("\n");
    return 0;
}
