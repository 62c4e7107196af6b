/* ring_order — checks, in the raw bytes of snapshot files, that every ring holds events in the
 * order its thread wrote them.
 *
 * A thread's own events on one entity (task or resource) carry strictly increasing versions,
 * and a ring holds events head-capacity .. head-1 in that order. A ring copied while its
 * writer went on can hold newer events (a later lap) in the slots of the oldest ones; a reader
 * that trusts the head it read first then shows them as old history, and their versions run
 * backwards in ring order. Zeroed events (type 0: left out by `tw snapshot`) are skipped.
 *
 * Usage: ring_order SNAPSHOT...   Prints one line per file; exit 1 if any ring is out of order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw_region.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Returns the number of out-of-order events in the file (prints the first), -1 if unreadable. */
static long check(const char *path, unsigned long long *checked)
{
    size_t len;
    char *img = slurp(path, &len);
    if (!img || len < sizeof(struct tw_header) || memcmp(img, TW_MAGIC, 8) != 0) {
        free(img);
        return -1;
    }
    const struct tw_header *h = (const struct tw_header *)img;
    const struct tw_table_desc *rt = &h->rings;
    uint32_t ntask = h->next_task_id, nres = h->next_res_id;
    uint32_t *last = calloc((size_t)ntask + nres + 2, sizeof *last);
    long bad = 0;
    for (uint32_t i = 0; i < rt->count && i < rt->capacity && last; i++) {
        const struct tw_ring_desc *d = (const void *)(img + rt->offset + (size_t)i * rt->stride);
        if ((const char *)(d + 1) > img + len || !d->seq || !d->capacity ||
            d->offset + d->capacity * sizeof(struct tw_event) > len)
            continue;
        const struct tw_event *ev = (const void *)(img + d->offset);
        memset(last, 0, ((size_t)ntask + nres + 2) * sizeof *last);
        uint64_t first = d->head > d->capacity ? d->head - d->capacity : 0;
        for (uint64_t n = first; n < d->head; n++) {
            const struct tw_event *e = &ev[n % d->capacity];
            if (e->type == TW_EV_NONE || e->version == 0)
                continue;
            int res = (e->flags & TW_EVF_RES_VERSION) != 0;
            uint32_t id = res ? e->res : e->task;
            if (id == 0 || id >= (res ? nres : ntask))
                continue;
            uint32_t *l = &last[(res ? ntask : 0) + id];
            if (*l && e->version <= *l && !bad++)
                printf("%s: ring %u (thread %u) event %llu: %s %u has version %u after %u: not in write order\n", path, i,
                       d->os_tid, (unsigned long long)n, res ? "resource" : "task", id, e->version, *l);
            *l = e->version;
            ++*checked;
        }
    }
    free(last);
    free(img);
    return bad;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        unsigned long long checked = 0;
        long bad = check(argv[i], &checked);
        if (bad < 0) {
            printf("%s: not a readable snapshot\n", argv[i]);
            rc = 1;
        } else if (bad) {
            printf("%s: %ld events out of order in their ring\n", argv[i], bad);
            rc = 1;
        } else {
            printf("%s: in order (%llu events)\n", argv[i], checked);
        }
    }
    return rc;
}
