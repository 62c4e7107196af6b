/* whole.c — copies of seqlocked records from a live target that are known to be whole.
 *
 * A record's copy is whole when the counter read before it and the counter read after it are
 * the same even number, and "before" must be a read of its own: the kernel copies a range with
 * string instructions whose loads may complete out of order, so the counter inside a copy may
 * have been loaded after part of an update that copy then hides (and a writer that stands still
 * afterwards leaves the next read's counter unchanged). So the first read (the caller's) gives
 * the "before" counters, a second the data, a third the "after" counters; a record they do not
 * prove whole is read alone — counter, record, counter — a few times before it is called torn,
 * and its copy's counter is made odd: the copy may be torn under an even counter.
 * Shared by libtwcore's live reads and `tw snapshot`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h" /* the public API with default visibility */

static uint32_t seq_at(const uint8_t *rec)
{
    uint32_t seq;
    memcpy(&seq, rec, 4);
    return seq;
}

static int read_all(twc_read_fn rd, void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    return rd(ctx, addr, buf, len) == (int64_t)len;
}

static int read_alone(twc_read_fn rd, void *ctx, uint64_t at, uint8_t *rec, uint32_t stride)
{
    uint32_t before, after;
    return read_all(rd, ctx, at, &before, 4) && !(before & 1) && read_all(rd, ctx, at, rec, stride) &&
           read_all(rd, ctx, at, &after, 4) && before == after;
}

static void nap(int ms)
{
    struct timespec ts = { 0, ms * 1000000L };
    nanosleep(&ts, NULL);
}

size_t twc_whole_records(twc_read_fn rd, void *ctx, uint64_t addr, uint32_t stride, size_t count, uint8_t *buf,
                         uint8_t *torn, int tries, int nap_ms)
{
    if (!count || stride < 4)
        return 0;
    size_t bytes = count * (size_t)stride, left_torn = 0;
    uint8_t *data = malloc(bytes), *after = malloc(bytes), *rec = malloc(stride);
    int bracketed = data && after && read_all(rd, ctx, addr, data, bytes) && read_all(rd, ctx, addr, after, bytes);
    for (size_t i = 0; i < count; i++) {
        uint8_t *dst = buf + i * stride;
        uint32_t before = seq_at(dst);
        if (bracketed && !(before & 1) && before == seq_at(after + i * stride)) {
            memcpy(dst, data + i * stride, stride);
            continue;
        }
        int ok = 0;
        for (int k = 0; rec && k < tries && !ok; k++) {
            if (read_alone(rd, ctx, addr + (uint64_t)i * stride, rec, stride)) {
                memcpy(dst, rec, stride);
                ok = 1;
            } else if (nap_ms) {
                nap(nap_ms);
            }
        }
        if (!ok) {
            /* the first copy's counter may be even over torn data: make it say torn, so that
             * every reader of this copy (a snapshot file too) reports it as such */
            uint32_t odd = before | 1;
            memcpy(dst, &odd, 4);
        }
        if (torn)
            torn[i] = (uint8_t)!ok;
        left_torn += !ok;
    }
    free(data);
    free(after);
    free(rec);
    return left_torn;
}
