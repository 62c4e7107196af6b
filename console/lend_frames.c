/* lend_frames.c — a region's objects that no symbol covers are named by the adapter with their
 * address ("0x7ffd61177660": a mutex that is a local of main, handed to threads by pointer).
 * The frames of the target's threads know better: collect them through libtwattach's
 * attach-only collector (one ptrace stop of every thread, or the core's notes), and lend them to
 * libtwcore (twc_set_frames), which names such objects "main:mu1". The same collection says
 * which threads are blocked in the kernel (twc_set_thread_facts) and who owns what they block on.
 * A core is read once, when it is opened. A live process is stopped only when libtwcore says the
 * facts could change an answer (twc_set_fact_collector: a poll blocked longer than a threshold,
 * an object named only by its address...), and asked again before every command and every
 * refresh of `tw top`: a healthy, fast program is never stopped (docs/attach-only.md).
 * Best effort: a process we may not ptrace (another debugger holds it) keeps address names. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tw.h"
#include "tw_region.h"
#include "twattach.h"

static void lend(struct tw_target *t, int st, const struct twc_facts *f, void *storage)
{
    if (st == TWC_OK && f->nframes && f->exe)
        twc_set_frames(t->s, f->frames, f->nframes, f->exe, f->load_bias);
    /* and whether each thread is blocked in the kernel: a thread task polling in the region
     * while its thread sleeps in a call no adapter wraps is waiting (core/kernel_waits.c) */
    if (st == TWC_OK && f->nthreads)
        twc_set_thread_facts(t->s, f->threads, f->nthreads);
    /* with the owners of what they block on: whose lock a blocked worker waits for */
    if (st == TWC_OK && f->nobjects)
        twc_set_thread_objects(t->s, f->objects, f->nobjects);
    if (storage) twa_release(storage);
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* libtwcore's collector (twc_set_fact_collector): called only when the facts matter. */
static void collect_live(twc_session *s, void *ctx)
{
    struct tw_target *t = ctx;
    struct twc_facts f;
    void *storage = NULL;
    char err[TW_ERRLEN];
    memset(&f, 0, sizeof f);
    /* the control area says a stop is under way, then how long it was (the whole window: the
     * threads were let go one by one before `to`), so the shim takes it off a poll it crossed */
    uint64_t from = mono_ns();
    ctl_stop_begins(t, from);
    int st = twa_collect_pid(t->pid, 1, &f, &storage, err, sizeof err);
    uint64_t to = mono_ns();
    ctl_stop_ends(t, to - from);
    twc_set_reader_stop(s, from, to);
    if (getenv("TW_SHOW_STOPS")) { /* when and why the target was stopped, for people */
        char why[200];
        twc_needs_thread_facts(s, 0, why, sizeof why);
        fprintf(stderr, "tw: stopped every thread of process %d once (collection took %.1f ms): %s\n", t->pid,
                (double)(to - from) / 1e6, why);
    }
    lend(t, st, &f, storage);
}

void tgt_lend_frames(struct tw_target *t)
{
    struct twc_facts f;
    void *storage = NULL;
    char err[TW_ERRLEN];
    memset(&f, 0, sizeof f);
    if (!t->s) return;
    if (t->pid > 0)
        twc_set_fact_collector(t->s, collect_live, t);
    else if (t->path && t->core)
        lend(t, twa_collect_core(t->path, t->exe, &f, &storage, err, sizeof err), &f, storage);
}
