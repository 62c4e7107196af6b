/* alerts_lock_order.c — lock_order (docs/alerts/lock_order.md): the cycles of the region's
 * lock-order graph (lockorder.c), one alert per inversion with the sites of each edge. A fact
 * of the present that survives wrapped rings, like max_poll_us: not shown when viewing the
 * past, and not in attach-only models (no order graph there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"

/* "x.c:12" for a site, "?" when unknown */
static const char *site_short(struct twc_session *s, uint32_t site, char *buf, size_t n)
{
    const struct tw_site_rec *r = site ? twc__site_at(s, site) : NULL;
    if (!r) return "?";
    const char *f = twc__str_at(s, r->file), *slash = strrchr(f, '/');
    snprintf(buf, n, "%s:%u", slash ? slash + 1 : f, r->line);
    return buf;
}

static const char *lock_name(struct twc_session *s, const struct model *m, uint64_t id, char *buf, size_t n)
{
    const struct mres *r = twc__model_res(m, id);
    if (r) return twc__res_name(s, r, buf, n);
    snprintf(buf, n, "lock#%llu", (unsigned long long)id);
    return buf;
}

/* Does a cycle pass between two lock classes whose instance edges the writer folded? Then its
 * count of instance cycles is a lower bound. */
static int cycle_folded(const struct model *m, const struct lo_cycle *y, const uint64_t *folded, size_t nfolded)
{
    for (size_t k = 0; k < y->n; k++) {
        const struct mres *h = twc__model_res(m, y->edge[k].held), *a = twc__model_res(m, y->edge[k].acquired);
        if (!h || !a || !h->create_site || !a->create_site) continue;
        uint64_t key = TW_ORDER_CLASS_KEY(h->create_site, a->create_site);
        for (size_t i = 0; i < nfolded; i++) if (folded[i] == key) return 1;
    }
    return 0;
}

/* One alert per inversion: every lock of the representative cycle with the sites of each
 * edge, and how many instance cycles of the same lock classes it stands for. */
static void lock_order_alerts(struct twc_session *s, const struct model *m, const uint8_t *in_dl_res, struct alist *L)
{
    struct lo_cycle *c; size_t n; int truncated;
    if (twc__find_lock_cycles(s, m, in_dl_res, &c, &n, &truncated)) return;
    uint64_t *folded = NULL; size_t nfolded = 0;
    if (n) twc__read_folded_classes(s, &folded, &nfolded);
    for (size_t i = 0; i < n; i++) {
        const struct lo_cycle *y = &c[i];
        const struct mtask *t = twc__model_task(m, y->edge[0].task);
        struct alert *a = twc__alert_add(L, "lock_order", t);
        if (!a) break;
        if (!t) { a->task = y->edge[0].task; a->has_task = y->edge[0].task != 0; }
        char *p = a->message, *end = a->message + sizeof a->message;
        p += snprintf(p, (size_t)(end - p), "lock order inversion: a cycle of %zu locks, each acquired (blocking) while holding the one before:", y->n);
        for (size_t k = 0; k < y->n && p < end; k++) {
            const struct lo_edge *e = &y->edge[k];
            const struct mtask *by = twc__model_task(m, e->task);
            char n1[96], n2[96], s1[96], s2[96];
            p += snprintf(p, (size_t)(end - p), "%s %s (%s%s) then %s (%s) by %s %u%s", k ? ";" : "",
                          lock_name(s, m, e->held, n1, sizeof n1), site_short(s, e->held_site, s1, sizeof s1),
                          (e->flags & TW_ORDER_HELD_TRY) ? ", by trylock" : "", lock_name(s, m, e->acquired, n2, sizeof n2),
                          site_short(s, e->acquired_site, s2, sizeof s2), by ? twc__task_name(s, by) : "task", e->task,
                          e->waiting ? ", waiting now" : "");
        }
        if (p < end)
            p += snprintf(p, (size_t)(end - p), ". %llu instance cycle%s of this order of lock classes%s", (unsigned long long)y->instances,
                          y->instances == 1 ? "" : "s", truncated ? " (search bounded: counts are lower bounds)" : "");
        if (p < end && cycle_folded(m, y, folded, nfolded))
            snprintf(p, (size_t)(end - p), " (at least: beyond %d lock pairs of two classes the program's further pairs are folded into the classes)",
                     TW_ORDER_PER_CLASS);
        for (size_t k = 0; k < y->n; k++) a->res[k] = y->edge[k].held;
        a->nres = y->n;
    }
    free(folded);
    free(c);
}

void twc__detect_lock_order(struct alert_scan *a, struct alist *L)
{
    if (a->s->at_now && !a->s->facts) lock_order_alerts(a->s, a->m, a->in_dl_res, L);
}
