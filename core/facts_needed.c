/* facts_needed.c — does a look at a region need the threads' own facts?
 *
 * A frontend of a live process collects attach-only facts (frames, kernel waits, owners) by
 * stopping every thread with ptrace: 25 ms for memcached's 10 threads, and the program's clients
 * wait meanwhile. The region alone tells when those facts could change an answer, because each
 * use of them starts from something the region shows:
 *   - a poll in progress on a thread (a runtime task, an event loop's turn, a thread's own
 *     task under the pthread adapter) whose thread is not running: the facts say what it is
 *     blocked in (kernel_waits.c, blocked_polls.c, poll_deadlocks.c). Only a poll older than
 *     the smaller of the long_poll and blocking_in_poll thresholds is asked about: below both,
 *     no alert depends on it, and a cross-world chain through it is only ever possible;
 *   - an object the adapter named by its address, which a stack frame may name (locals.c): only
 *     if it lies on a thread's stack, since a frame is on one. A live target's thread source
 *     says where each thread's stack is without stopping it (the mapping that holds its stack
 *     pointer); an object in any other mapping (malloc's heap, jemalloc's arenas) no frame
 *     names. Without that source, or with a thread on a CPU, every address may be on a stack;
 *   - a thread nobody named, whose start function the frames know, a thread waiting at a line
 *     of a toolchain header, whose user's line the frames know, and C++ names to demangle,
 *     which need the executable the frames come with (user_names.c).
 * Nothing else reads them. A thread that is running (state R) is not blocked in anything the
 * facts could show: kernel_waits.c would drop its fact anyway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dispatch.h"

/* Why facts are needed, in one sentence; 0 when they are not. */
static int say(char *why, size_t n, const char *fmt, unsigned long long a, const char *b)
{
    if (why && n) snprintf(why, n, fmt, a, b);
    return 1;
}

/* Where the threads' stacks are, read at most once per question. */
struct stacks {
    long n;                 /* -1: unknown, any address may be on a stack */
    int read;
    struct twc__span span[256];
};

static int on_a_stack(struct twc_session *s, struct stacks *st, uint64_t addr)
{
    if (!st->read) { st->read = 1; st->n = twc__thread_stacks(s, st->span, ARRAY_LEN(st->span)); }
    for (long i = 0; i < st->n; i++)
        if (st->span[i].lo <= addr && addr < st->span[i].hi) return 1;
    return st->n < 0;
}

static int addressed_only(struct twc_session *s, struct stacks *st, const struct mres *r)
{
    const char *x = twc__str_at(s, r->name);
    char hex[24];
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)r->address);
    if (!r->address || (x[0] && strcmp(x, hex))) return 0;
    /* frames lent earlier keep naming a local while its frame lives */
    if (s->stack_names && twc__stack_name(s->stack_names, r->address)) return 0;
    return on_a_stack(s, st, r->address);
}

static int mangled(const char *x) { return x[0] == '_' && x[1] == 'Z'; }

static int thread_is_main(const struct twc_session *s, const struct mtask *t)
{
    return s->hdr.pid > 0 && t->os_tid == (uint32_t)s->hdr.pid;
}

static int needs_frames(struct twc_session *s, const struct model *m, char *why, size_t n)
{
    char exe[sizeof s->hdr.exe + 1];
    memcpy(exe, s->hdr.exe, sizeof s->hdr.exe);
    exe[sizeof s->hdr.exe] = 0;
    struct stacks st = { .read = 0 };
    for (size_t i = 0; i < m->nres; i++) {
        const struct mres *r = &m->res[i];
        if (r->hidden || r->torn) continue;
        if (addressed_only(s, &st, r))
            return say(why, n, "resource %llu is named only by its address %s, which may be on a thread's stack",
                       (unsigned long long)r->id, twc__str_at(s, r->name));
        if (!s->stack_names && mangled(twc__str_at(s, r->name)))
            return say(why, n, "resource %llu has a C++ name to demangle (%s)", (unsigned long long)r->id,
                       twc__str_at(s, r->name));
    }
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct mtask *t = &m->tasks[i];
        if (t->hidden || t->torn || !(t->flags & TW_TF_ROOT) || !t->os_tid || t->state == TW_TASK_DONE) continue;
        const char *name = twc__str_at(s, t->name);
        if (!thread_is_main(s, t) && twc__unnamed_thread(exe, name))
            return say(why, n, "thread task %llu has no name of its own (%s)", (unsigned long long)t->id, name);
        const struct tw_site_rec *site = t->state == TW_TASK_WAITING ? twc__site_at(s, t->await_site) : NULL;
        if (site && twc__is_toolchain_source(twc__str_at(s, site->file)))
            return say(why, n, "thread task %llu waits at a line of a toolchain header (%s)", (unsigned long long)t->id,
                       twc__str_at(s, site->file));
    }
    for (size_t i = 1; !s->stack_names && s->sites_loaded && i < s->nsites; i++)
        if (mangled(twc__str_at(s, s->sites[i].func)))
            return say(why, n, "site %llu is in a C++ function to demangle (%s)", (unsigned long long)i,
                       twc__str_at(s, s->sites[i].func));
    return 0;
}

#define SYS_FUTEX 202        /* x86-64 */
#define SYS_FUTEX_WAITV 449

/* A thread's own task (not an event loop's) that the facts would show waiting in the kernel:
 * for a command that shows only verdicts and alerts, they change nothing unless the wait is on
 * a futex word, which may be a lock or condvar the adapter never saw (kernel_objects.c: then a
 * resource that can join a deadlock). Any other call (pause, read, sigsuspend, nanosleep...) is
 * a wait on the outside world (TW_WAIT_IO or TW_WAIT_TIMER), an exit of the wait-for graph as a
 * poll is (graph.c), and thread tasks have no long_poll. The call is read from /proc without a
 * stop; unknown counts as a futex. */
static int only_display_changes(struct twc_session *s, const struct mtask *t)
{
    if (!(t->flags & TW_TF_ROOT) || (t->flags & TW_TF_LOOP)) return 0;
    long nr = twc__thread_syscall_now(s, t->os_tid);
    return nr >= 0 && nr != SYS_FUTEX && nr != SYS_FUTEX_WAITV;
}

static int needs_kernel_waits(struct twc_session *s, const struct model *m, uint32_t poll_ms, int for_verdicts,
                              char *why, size_t n)
{
    uint64_t limit_ns = (uint64_t)poll_ms * 1000000ull;
    /* A debugger holds the target stopped, and "now" is then the latest moment it provably ran
     * (liveclock.c): for a thread asleep since long before, hardly later than its poll began.
     * How old a poll may be is bounded by the wall clock instead, the later of the two: a poll
     * younger than that bound is younger still. */
    uint64_t now = s->read_now;
    if (s->flags & TWC_LIVE) {
        uint64_t wall = twc__mono_to_raw(s, twc__mono_now_ns());
        if (wall > now) now = wall;
    }
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct mtask *t = &m->tasks[i];
        /* a thread's task shown waiting by earlier facts is, in the region, still polling */
        if (t->hidden || t->torn || !t->os_tid || (t->state != TW_TASK_POLLING && !t->kernel_wait)) continue;
        if (now <= t->state_ts || twc__dur_ns(s, now - t->state_ts) < limit_ns) continue;
        char st = (s->flags & TWC_LIVE) ? twc__thread_state_now(s, t->os_tid) : 0;
        if (st == 'R') continue;
        if (for_verdicts && (s->flags & TWC_LIVE) && only_display_changes(s, t)) continue;
        if (why && n)
            snprintf(why, n, "task %llu has been polling for %.1f ms (threshold %u ms) on thread %u, which is not running",
                     (unsigned long long)t->id, twc__dur_ns(s, now - t->state_ts) / 1e6, poll_ms, t->os_tid);
        return 1;
    }
    return 0;
}

/* Whether `deadlocks` or `alerts` has anything to show without the threads' facts. What the
 * frames add (a local's name, a thread's start function, the user's line, demangled names) only
 * names what a deadlock or an alert shows: with neither, the answer is "no deadlock" or "no
 * alerts" either way, and a server whose threads nobody named (apache's libapr workers) is not
 * stopped at every look. Facts that can make a deadlock (a lock or condvar the adapter never
 * saw) come from kernel waits, asked about before this. Both analyses run again for the
 * command itself, so this costs one more analysis when the frames would name something (the
 * deadlocks unproven: the command's own proof lets a live target run for its second sample, and
 * a candidate the proof would drop is one too many here, never one too few); the
 * alerts are taken with both thresholds at poll_ms, the lower, so that no alert the command
 * could raise is missed here. */
static int verdicts_to_show(struct twc_session *s, uint32_t poll_ms)
{
    size_t nd = 0;
    if (twc__deadlock_candidates(s, &s->now, &nd) || nd) return 1;
    char err[160];
    if (twc__need_events(s, err, sizeof err)) return 1;
    struct alert *al = NULL;
    size_t na = 0;
    struct cmdopts o = { .long_poll_ms = poll_ms, .blocking_poll_ms = poll_ms };
    if (twc__compute_alerts(s, &s->now, &o, &al, &na)) na = 1;
    free(al);
    return na > 0;
}

static int needs_facts(twc_session *s, uint32_t poll_ms, int for_verdicts, char *why, size_t n)
{
    if (why && n) why[0] = 0;
    if (!s || s->facts || !s->at_now) return 0;
    char err[160];
    if (twc__load_model(s, err, sizeof err)) return 0;   /* the command itself will say why */
    if (!poll_ms) {
        uint32_t lp = s->long_poll_ms ? s->long_poll_ms : 50;
        poll_ms = lp < TWC_BLOCKING_POLL_MS ? lp : TWC_BLOCKING_POLL_MS;
    }
    if (needs_kernel_waits(s, &s->now, poll_ms, for_verdicts, why, n)) return 1;
    if (!needs_frames(s, &s->now, why, n)) return 0;
    return !for_verdicts || verdicts_to_show(s, poll_ms);
}

int twc_needs_thread_facts(twc_session *s, uint32_t poll_ms, char *why, size_t n)
{
    return needs_facts(s, poll_ms, 0, why, n);
}

void twc_set_fact_collector(twc_session *s, twc_collect_fn fn, void *ctx)
{
    if (s) { s->collect = fn; s->collect_ctx = ctx; }
}

/* Facts collected this recently are fresh enough for the next command: `tw top` takes its
 * snapshot and then renders its summary line, two commands within milliseconds, and stopped the
 * target for each. What changed since is dropped by the staleness rules of the facts
 * (kernel_waits.c: a poll begun after the stop, a record changed since, a thread running now). */
#define FACTS_FRESH_NS 100e6

int twc__collect_if_needed(struct twc_session *s, uint32_t poll_ms, int for_verdicts)
{
    if (!s || !s->collect || !(s->flags & TWC_LIVE)) return 0;
    if (s->collected_ns > 0 && twc__mono_now_ns() - s->collected_ns < FACTS_FRESH_NS) return 0;
    if (!needs_facts(s, poll_ms, for_verdicts, NULL, 0)) return 0;
    s->collect(s, s->collect_ctx);
    s->collected_ns = twc__mono_now_ns();
    /* the present model is rebuilt with what was lent (names are applied when it is built) */
    twc__drop_present_model(s);
    return 1;
}
