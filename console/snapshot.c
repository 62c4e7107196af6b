/* snapshot.c — `tw snapshot TARGET -o FILE`: the region's bytes from offset 0 to the used size
 * its header declares. Records caught mid-update (odd seqlock counter) are re-read for a
 * moment; one still torn after that is copied as it is, so every reader reports it as torn
 * rather than us inventing a consistent value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tw.h"
#include "tw_region.h"

#define SNAP_MAX (4ull << 30)   /* more than any region the shim makes: refuse, it is corrupt */
#define RETRIES 50              /* x 1 ms */

static void nap_ms(long ms) {
    struct timespec ts = { 0, ms * 1000000L };
    nanosleep(&ts, NULL);
}

/* Re-reads the torn records of one table in place; returns how many stay torn. */
static unsigned fix_table(struct tw_target *t, char *img, uint64_t used, const struct tw_table_desc *d) {
    unsigned torn = 0;
    if (d->stride < 4 || d->offset >= used) return 0;
    uint64_t count = d->count < d->capacity ? d->count : d->capacity;
    if (count > (used - d->offset) / d->stride) count = (used - d->offset) / d->stride;
    char *rec = malloc(d->stride);
    for (uint64_t i = 0; i < count; i++) {
        char *dst = img + d->offset + i * d->stride;
        uint32_t seq;
        memcpy(&seq, dst, 4);
        if (!(seq & 1)) continue;
        int ok = 0;
        for (int r = 0; r < RETRIES && !ok; r++) {
            uint32_t s1, s2;
            if (tgt_read_region(t, d->offset + i * d->stride, rec, d->stride) != (int64_t)d->stride) break;
            memcpy(&s1, rec, 4);
            /* stable only if the counter is even and unchanged after the copy */
            if (!(s1 & 1) && tgt_read_region(t, d->offset + i * d->stride, &s2, 4) == 4 && s1 == s2) {
                memcpy(dst, rec, d->stride);
                ok = 1;
            } else nap_ms(1);
        }
        if (!ok) torn++;
    }
    free(rec);
    return torn;
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
    if (t.kind == TGT_PID) {
        struct tw_header *hc = (struct tw_header *)img;
        torn += fix_table(&t, img, used, &hc->tasks);
        torn += fix_table(&t, img, used, &hc->resources);
        hc->snapshot_flags |= TW_SNAP_LIVE; /* validate then allows in-flight events */
    }
    st = write_file(a->out, img, used, err, sizeof err);
    free(img);
    tgt_close(&t);
    if (st) return tw_err(st, err);
    printf("wrote %llu bytes to %s", (unsigned long long)used, a->out);
    if (torn) printf(" (%u record%s still torn, left marked torn)", torn, torn == 1 ? "" : "s");
    printf("\n");
    return 0;
}
