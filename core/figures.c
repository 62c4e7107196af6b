/* figures.c — a task's times (busy, ready-wait, idle) as of the moment shown.
 *
 * The shim adds an interval to a task's counter only when the state ends (poll end, wake, poll
 * begin), so the record leaves out the state the task is in now: a philosopher deadlocked for
 * 19 minutes has its 19 minutes in no counter. Readers add the interval in progress, up to the
 * moment of reading: a live target's "now" (liveclock.c: the wall clock, or while a debugger
 * stops it the latest moment a thread provably ran), or an image's own time — a core or a
 * snapshot has no clock of its own, so its time is the newest timestamp it holds (a record's
 * last state change or a ring's newest event): a lower bound. A core file's time (its mtime,
 * twc_set_image_time) is an upper one — gcore writes for seconds, and a copied core is newer
 * still — so it is not added to any figure; summary and tasks say how much later it is.
 *
 * Rewinding (history.c) rewinds the figures too: undoing an event of a task gives back to the
 * state the task was in after it the time from the event to the next boundary. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* The raw timestamp of the newest event of every ring: one 32-byte read per ring, so that a
 * command which loads no history still knows an image's time. 0 when there is none. */
static uint64_t newest_ring_event(struct twc_session *s)
{
    const struct tw_table_desc *rt = &s->hdr.rings;
    uint64_t newest = 0;
    for (uint32_t i = 0; i < rt->count; i++) {
        struct tw_ring_desc d;
        if (twc__src_read(s, rt->offset + (uint64_t)i * rt->stride, &d, sizeof d)) break;
        if (!d.seq || !d.head || !d.capacity || d.capacity > (1u << 28)) continue;
        uint64_t at = d.offset + ((d.head - 1) % d.capacity) * sizeof(struct tw_event);
        struct tw_event e;
        if (d.offset < s->hdr.header_size || twc__src_read(s, at, &e, sizeof e)) continue;
        if (e.type != TW_EV_NONE && e.ts > newest) newest = e.ts;
    }
    return newest;
}

void twc_set_image_time(twc_session *s, uint64_t realtime_ns)
{
    if (s) s->image_realtime_ns = realtime_ns;
}

/* How much later than the moment the figures run to (read_now) the frontend says the image was
 * written, in ns; -1 when unknown (live, no file time, a clock that disagrees). The shim read
 * created_ns (CLOCK_REALTIME) beside its monotonic anchor, so read_now is wall time
 * created_ns + (ns(read_now) - anchor_ns). */
int64_t twc__image_written_after_ns(const struct twc_session *s)
{
    if ((s->flags & TWC_LIVE) || s->facts || !s->image_realtime_ns || !s->hdr.created_ns || !s->read_now) return -1;
    double newest = (double)s->hdr.created_ns + (double)twc__raw_to_ns(s, s->read_now) - (double)s->hdr.anchor_ns;
    double later = (double)s->image_realtime_ns - newest;
    return later >= 0 && later < 9e18 ? (int64_t)later : -1;
}

uint64_t twc__reading_now_raw(struct twc_session *s, const struct mtask *tasks, size_t n)
{
    uint64_t now = 0;
    if (s->events_loaded) {
        for (size_t i = 0; i < s->nevents; i++) if (s->events[i].ev.ts > now) now = s->events[i].ev.ts;
    } else now = newest_ring_event(s);
    for (size_t i = 0; i < n; i++) if (!tasks[i].torn && tasks[i].state_ts > now) now = tasks[i].state_ts;
    uint64_t live = twc__live_now_raw(s);
    return live > now ? live : now;
}

/* The counter a task in `state` adds its time to; NULL for states that count nothing. */
static uint64_t *counter_of(struct mtask *t, unsigned state)
{
    switch (state) {
    case TW_TASK_POLLING: return &t->busy;
    case TW_TASK_READY: return &t->scheduled;
    case TW_TASK_WAITING: return &t->idle;
    default: return NULL;
    }
}

void twc__add_time_in_progress(struct mtask *t, uint64_t now)
{
    uint64_t *c = t->torn || t->hidden ? NULL : counter_of(t, t->state);
    if (c && now > t->state_ts) *c += now - t->state_ts;
}

void twc__poll_was_kernel_wait(struct twc_session *s, struct mtask *t)
{
    uint64_t now = s->read_now;
    if (t->torn || t->hidden || now <= t->state_ts) return;
    uint64_t in_poll = now - t->state_ts;     /* what twc__add_time_in_progress gave busy */
    t->busy = t->busy > in_poll ? t->busy - in_poll : 0;
    /* the thread cannot have computed longer than its whole CPU time: busy keeps at most that,
     * and the rest of the interval was the wait (or a run queue before it), never less */
    double cpu = t->os_tid ? twc__thread_cpu_after(s, t->os_tid, 0) : -1;
    if (cpu < 0 || s->ns_per_raw <= 0) return;   /* when the wait began is not known: neither */
    uint64_t ran = twc__clamp_ns(cpu / s->ns_per_raw);
    if (ran > in_poll) ran = in_poll;
    t->busy += ran;
    t->idle += in_poll - ran;
}

struct time_rewind *twc__time_rewind_begin(const struct model *m, uint64_t now)
{
    struct time_rewind *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->until = malloc((m->ntasks ? m->ntasks : 1) * sizeof *r->until);
    if (!r->until) { free(r); return NULL; }
    for (size_t i = 0; i < m->ntasks; i++) r->until[i] = now;
    return r;
}

/* The time between boundary `ts` and the task's next boundary was spent in the state the task
 * is in now (before `ts` is undone): take it back from that state's counter. */
static void give_back(struct mtask *t, uint64_t *until, uint64_t ts)
{
    uint64_t *c = counter_of(t, t->state);
    uint64_t d = *until > ts ? *until - ts : 0;
    if (c) *c = *c > d ? *c - d : 0;
    if (ts < *until) *until = ts;
}

void twc__time_rewind_event(struct time_rewind *r, struct model *m, const struct mevent *e)
{
    long i = e->ev.task ? twc__idmap_get(&m->tmap, e->ev.task) : -1;
    if (r && i >= 0 && !m->tasks[i].torn) give_back(&m->tasks[i], &r->until[i], e->ev.ts);
}

void twc__time_rewind_end(struct time_rewind *r, struct model *m, uint64_t at_ts)
{
    if (!r) return;
    for (size_t i = 0; i < m->ntasks; i++)
        if (!m->tasks[i].torn && !m->tasks[i].hidden) give_back(&m->tasks[i], &r->until[i], at_ts);
    free(r->until);
    free(r);
}
