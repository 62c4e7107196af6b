/* select.c — the branches of a select, so that its wakers are known.
 *
 * A task waiting in a select waits on several channel operations at once; its record names only
 * the first channel (waiting_on). The reference runtime records every branch as a conditional
 * intent for the length of the wait — to receive from a channel, or to send to it — so readers
 * know each branch: who can wake the task is whoever can complete any branch (a sender of a
 * channel it receives from, a receiver of one it sends to), and the task is not blocked when
 * any branch can complete now. A select with no branch recorded keeps unknown wakers. */
#include "internal.h"

static unsigned branch_kind(const struct medge *e)
{
    if (!e->res || (e->role != TW_EDGE_INTENT_COND && e->role != TW_EDGE_INTENT_UNCOND)) return TW_WAIT_NONE;
    return e->dir == TW_DIR_RECV ? TW_WAIT_RECV : e->dir == TW_DIR_SEND ? TW_WAIT_SEND : TW_WAIT_NONE;
}

size_t twc__select_branches(const struct mtask *t, uint64_t res[TW_MAX_EDGES], uint8_t kind[TW_MAX_EDGES])
{
    size_t n = 0;
    if (t->state != TW_TASK_WAITING || t->wait_kind != TW_WAIT_SELECT) return 0;
    for (int e = 0; e < TW_MAX_EDGES; e++) {
        unsigned k = branch_kind(&t->edges[e]);
        if (k == TW_WAIT_NONE) continue;
        res[n] = t->edges[e].res;
        kind[n++] = (uint8_t)k;
    }
    return n;
}

unsigned twc__wait_kind_on(const struct mtask *t, uint64_t res)
{
    if (t->wait_kind != TW_WAIT_SELECT) return t->wait_kind;
    for (int e = 0; e < TW_MAX_EDGES; e++)
        if (t->edges[e].res == res && branch_kind(&t->edges[e]) != TW_WAIT_NONE) return branch_kind(&t->edges[e]);
    return TW_WAIT_SELECT;
}

size_t twc__wait_targets(const struct mtask *t, uint64_t out[TW_MAX_EDGES + 1])
{
    size_t n = 0;
    if (t->state != TW_TASK_WAITING || t->wait_kind == TW_WAIT_JOIN) return 0;
    if (t->waiting_on) out[n++] = t->waiting_on;
    uint64_t res[TW_MAX_EDGES]; uint8_t kind[TW_MAX_EDGES];
    size_t nb = twc__select_branches(t, res, kind);
    for (size_t b = 0; b < nb; b++) {
        size_t k = 0;
        while (k < n && out[k] != res[b]) k++;
        if (k == n) out[n++] = res[b];
    }
    return n;
}
