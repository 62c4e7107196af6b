/* longpoll.c — how long a task held its thread in one poll, told apart from preemption.
 *
 * A poll's wall time counts the time its thread sat in a run queue while other threads had the
 * CPU: four shell loops spinning beside a healthy program stretch its microsecond polls to
 * 150 ms of wall time. The kernel counts each thread's run-queue time (schedstat), and what a
 * poll was preempted is at most the growth of that count since a moment before the poll began.
 * The shim measures every poll of TW_MEASURED_POLL_US or more when it ends (task.max_ran_us)
 * and leaves its thread's count in the ring directory (ring_desc.sched_wait_ns); for a poll in
 * progress a live reader takes the count now (and bounds the wait the kernel has not counted
 * yet: a thread queued right now). A reader that stops the process (ptrace) counts itself in
 * control.reader_stops; `tw` also adds how long it held it (control.stopped_us, ABI 1.7), and
 * the shim takes that off a poll that spanned the stop. A poll that spanned a debugger's stop,
 * whose length nobody knows, is left unmeasured. A core or
 * snapshot holds no such count, nor does a rewound view: there only wall time is known, and it
 * counts against a task only from a second on, with a message that says it may include
 * preemption. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define UNMEASURED_MIN_NS 1000000000ull

/* Thread tid's ring directory entry as of its last measured poll: its run-queue time then
 * (0: never, count from its start, which can only overstate the preemption) and, from ABI 1.7,
 * the control area's stop counts then. */
static void measured_base(struct twc_session *s, uint32_t tid, struct tw_ring_desc *base)
{
    const struct tw_table_desc *rt = &s->hdr.rings;
    memset(base, 0, sizeof *base);
    if (s->facts || s->hdr.abi_minor < 4) return;
    for (uint32_t i = 0; i < rt->count; i++) {
        struct tw_ring_desc d;
        if (twc__src_read(s, rt->offset + (uint64_t)i * rt->stride, &d, sizeof d)) break;
        if (d.seq == 1 && d.os_tid == tid) *base = d;
    }
}

/* What readers held the process stopped since the thread's baseline, in ns, from the control
 * area (ABI 1.7), by the shim's rule (tw_stopped_since): -1 when a stop since was not timed (a
 * debugger's). */
static double stopped_since(struct twc_session *s, const struct tw_ring_desc *base)
{
    struct tw_control c;
    if (twc__src_read(s, s->hdr.control_offset, &c, sizeof c)) return -1;
    struct tw_stop_counts n = { c.reader_stops, c.timed_stops, c.stopped_us, c.stop_began_ns };
    return (double)tw_stopped_since(&n, (uint64_t)twc__mono_now_ns(), base->stops_base, base->timed_base, base->stopped_us_base);
}

void twc_set_reader_stop(twc_session *s, uint64_t from_ns, uint64_t to_ns)
{
    if (s && to_ns > from_ns) { s->stop_from_ns = from_ns; s->stop_to_ns = to_ns; }
}

/* How much of [from, to] (CLOCK_MONOTONIC ns) the frontend held the target stopped itself. */
static double own_stop_within(const struct twc_session *s, double from, double to)
{
    double a = from > (double)s->stop_from_ns ? from : (double)s->stop_from_ns;
    double b = to < (double)s->stop_to_ns ? to : (double)s->stop_to_ns;
    return b > a ? b - a : 0;
}

void twc__current_poll(struct twc_session *s, const struct mtask *t, uint64_t *wall_ns, int64_t *ran_ns)
{
    *wall_ns = s->read_now > t->state_ts ? twc__dur_ns(s, s->read_now - t->state_ts) : 0;
    *ran_ns = -1;
    s->poll_unknown_why = NULL;
    double wait = twc__thread_queue_wait_ns(s, t->os_tid), queued_now = twc__thread_uncounted_wait_ns(s, t->os_tid);
    if (wait < 0 || queued_now < 0) return;
    wait += queued_now;
    struct tw_ring_desc base;
    measured_base(s, t->os_tid, &base);
    /* neither a run queue nor the poll held the thread while a reader had it stopped: from
     * ABI 1.7 the control area counts every timed stop (ours included), before it only ours */
    double stopped = s->hdr.abi_minor >= 7 && s->hdr.control_offset
                         ? stopped_since(s, &base)
                         : own_stop_within(s, (double)twc__raw_to_ns(s, t->state_ts), (double)twc__raw_to_ns(s, s->read_now));
    if (stopped < 0) { s->poll_unknown_why = "a debugger stopped the process since its thread last measured a poll"; return; }
    double preempted = wait - (double)base.sched_wait_ns + stopped;
    if (preempted < 0) preempted = 0;
    *ran_ns = (double)*wall_ns > preempted ? (int64_t)((double)*wall_ns - preempted) : 0;
}

const char *twc__preemption_unknown_why(const struct twc_session *s)
{
    if (s->poll_unknown_why) return s->poll_unknown_why;
    if (!s->at_now) return "a rewound view knows no run-queue times";
    if (s->flags & TWC_LIVE) return "the kernel's run-queue times could not be read";
    return "a core or snapshot records no run-queue times";
}

static void keep(struct poll_figure *best, uint64_t ns, int measured, int running)
{
    if (ns > best->ns) *best = (struct poll_figure){ ns, measured, running };
}

int twc__long_poll_of(struct twc_session *s, const struct mtask *t, uint64_t ev_begin, uint64_t ev_max,
                 uint64_t lp_ns, struct poll_figure *f)
{
    /* a thread's stretches between waits are polls only when it runs an event loop */
    if ((t->flags & TW_TF_ROOT) && !(t->flags & TW_TF_LOOP)) return 0;
    struct poll_figure ran = { 0 }, wall = { 0 };
    /* a poll in progress asleep in the kernel is blocking_in_poll's (blocked_polls.c), not CPU
     * spent, and so is one whose inner poll (a LocalSet's task) is asleep; the task's finished
     * polls still count */
    if (t->state == TW_TASK_POLLING && !twc__blocked_poll(s, t) && !t->outer_blocked) {
        if (s->at_now) {
            uint64_t w; int64_t r;
            twc__current_poll(s, t, &w, &r);
            if (r >= 0) keep(&ran, (uint64_t)r, 1, 1); else keep(&wall, w, 0, 1);
        } else if (ev_begin && s->at_idx < s->nevents && s->events[s->at_idx].ev.ts > ev_begin) {
            keep(&wall, twc__dur_ns(s, s->events[s->at_idx].ev.ts - ev_begin), 0, 1);
        }
    }
    /* A poll in progress past the threshold is the stall to show, even when an earlier one was
     * longer: a finished stall printed while another is under way reads as if still current
     * (redis's 6.8 s EVAL was shown as the previous 2.6 s stall). */
    if (ran.ns > lp_ns) { *f = ran; return 1; }
    if (wall.ns > lp_ns && wall.ns >= UNMEASURED_MIN_NS) { *f = wall; return 1; }
    /* A shim of ABI 1.4 measured every long poll it could: one it did not measure spanned a
     * reader's stop of the process (or /proc was unreadable), and its wall time proves nothing.
     * Older regions have only wall times. */
    int measuring = s->hdr.abi_minor >= 4 && !s->facts;
    if (ev_max && !(s->at_now && measuring)) keep(&wall, twc__dur_ns(s, ev_max), 0, 0);
    /* the record's figures are facts of the present (they survive wrapped rings) */
    if (s->at_now) {
        keep(&ran, (uint64_t)t->max_ran_us * 1000, 1, 0);
        if (!measuring) {
            keep(&wall, (uint64_t)t->max_poll_us * 1000, 0, 0);
            /* the histogram proves a poll of at least its highest bucket's lower bound */
            if (t->hist_top > 1) keep(&wall, 1ull << (t->hist_top - 1 + 9), 0, 0);
        }
    }
    if (ran.ns > lp_ns) { *f = ran; return 1; }
    if (wall.ns > lp_ns && wall.ns >= UNMEASURED_MIN_NS) { *f = wall; return 1; }
    return 0;
}

/* The longest poll's own time not preempted, when the record ties it to that poll (ABI 1.7 on):
 * > 0 measured, 0 not measured, -1 unknown (an older region, or a view not of the present). */
static int64_t longest_poll_ran_us(const struct twc_session *s, uint32_t recorded)
{
    if (!s->at_now || s->facts || s->hdr.abi_minor < 7) return -1;
    return recorded;
}

/* tw task: the poll in progress and the longest poll, each with what is known of preemption:
 *   polling for 2.31s, at least 1.02s of it not preempted
 *   longest poll: 150.7ms, at least 10.1ms of it not preempted
 * max_ran_us is the most of any one poll not preempted, so it is told as the longest poll's only
 * when the record says it is that poll's; otherwise on a line of its own:
 *   longest poll: 3.79s (not measured: may include preemption or a reader's stop)
 *   most of a poll not preempted: at least 1.0us */
void twc__text_poll_lines(struct twc_session *s, struct sbuf *b, const struct mtask *t, const struct tw_task_rec *rec)
{
    uint32_t max_poll_us = rec->max_poll_us;
    if (s->at_now && t->state == TW_TASK_POLLING && !t->torn) {
        uint64_t w; int64_t r;
        twc__current_poll(s, t, &w, &r);
        twc__sb_puts(b, "  polling for "); twc__sb_dur(b, w);
        if (r >= 0) { twc__sb_puts(b, ", at least "); twc__sb_dur(b, (uint64_t)r); twc__sb_puts(b, " of it not preempted\n"); }
        else twc__sb_printf(b, " (may include preemption: %s)\n", twc__preemption_unknown_why(s));
    }
    if (!max_poll_us) return;
    int64_t own = longest_poll_ran_us(s, rec->longest_ran_us);
    twc__sb_puts(b, "  longest poll: "); twc__sb_dur(b, max_poll_us * 1000ull);
    if (own > 0) { twc__sb_puts(b, ", at least "); twc__sb_dur(b, (uint64_t)own * 1000); twc__sb_puts(b, " of it not preempted"); }
    else if (max_poll_us >= TW_MEASURED_POLL_US && (own == 0 || !t->max_ran_us))
        twc__sb_puts(b, " (not measured: may include preemption or a reader's stop)");
    twc__sb_puts(b, "\n");
    if (t->max_ran_us > (own > 0 ? (uint64_t)own : 0)) {
        twc__sb_puts(b, "  most of a poll not preempted: at least "); twc__sb_dur(b, t->max_ran_us * 1000ull); twc__sb_puts(b, "\n");
    }
}

/* tw task --json: "poll_ns" and "poll_ran_ns" (the poll in progress, null when not polling or,
 * for the second, unknown), "max_poll_ran_ns" (the most of any one poll not preempted, null when
 * nothing was measured) and "longest_poll_ran_ns" (the longest poll's own, null when that poll
 * was not measured or the region is older than ABI 1.7). */
void twc__json_poll_fields(struct twc_session *s, struct sbuf *b, const struct mtask *t)
{
    uint64_t w = 0; int64_t r = -1;
    int polling = s->at_now && t->state == TW_TASK_POLLING && !t->torn;
    if (polling) twc__current_poll(s, t, &w, &r);
    if (polling) twc__sb_printf(b, ",\"poll_ns\":%llu", (unsigned long long)w); else twc__sb_puts(b, ",\"poll_ns\":null");
    if (r >= 0) twc__sb_printf(b, ",\"poll_ran_ns\":%lld", (long long)r); else twc__sb_puts(b, ",\"poll_ran_ns\":null");
    if (t->max_ran_us && s->at_now) twc__sb_printf(b, ",\"max_poll_ran_ns\":%llu", (unsigned long long)t->max_ran_us * 1000ull);
    else twc__sb_puts(b, ",\"max_poll_ran_ns\":null");
    int64_t own = longest_poll_ran_us(s, t->longest_ran_us);
    if (own > 0) twc__sb_printf(b, ",\"longest_poll_ran_ns\":%llu", (unsigned long long)own * 1000ull);
    else twc__sb_puts(b, ",\"longest_poll_ran_ns\":null");
}
