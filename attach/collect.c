/* collect.c — attach-only facts for a live process (twa_collect_pid) or a core
 * (twa_collect_core): threads → unwind → classify → struct twc_facts.
 *
 * Everything the facts point to lives in one `struct store`, released by twa_release, so the
 * console can hand the facts to twc_open_facts (which copies) and free them in one call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "classify.h"
#include "progress.h"
#include "ptrace_sample.h"
#include "twa_internal.h"

struct store {
    struct twc_fact_thread *threads;
    size_t nthreads;
    struct twc_fact_object *objs;
    size_t nobjs, capobjs;
    struct twc_fact_frame *frames;   /* the program's own frames, for naming its locals */
    size_t nframes, capframes;
    char **strs;
    size_t nstrs, capstrs;
};

static const char *keep(struct store *s, const char *str)
{
    if (!str)
        return NULL;
    if (tws_grow((void **)&s->strs, &s->capstrs, s->nstrs, sizeof *s->strs, 64) != 0)
        return NULL;
    char *d = strdup(str);
    if (d)
        s->strs[s->nstrs++] = d;
    return d;
}

static void add_object(struct store *s, const struct twc_fact_object *o)
{
    for (size_t i = 0; i < s->nobjs; i++)
        if (s->objs[i].addr == o->addr) {
            if (!s->objs[i].owner_tid)
                s->objs[i].owner_tid = o->owner_tid;
            return;
        }
    if (tws_grow((void **)&s->objs, &s->capobjs, s->nobjs, sizeof *s->objs, 16) != 0)
        return;
    s->objs[s->nobjs++] = *o;
}

/* The executable's frames of one thread, for libtwcore to find its locals in them. A frame's
 * CFA is the stack pointer of its caller as unwound (the rsp the call was made with). */
static void add_frames(struct store *s, uint32_t tid, const struct twa_frame *fr, int n)
{
    for (int k = 0; k < n; k++) {
        if (!fr[k].in_exe)
            continue;
        if (tws_grow((void **)&s->frames, &s->capframes, s->nframes, sizeof *s->frames, 64) != 0)
            return;
        s->frames[s->nframes++] = (struct twc_fact_frame){
            .tid = tid,
            .pc = k == 0 ? fr[k].ip : fr[k].ip - 1,
            .cfa = k + 1 < n ? fr[k + 1].sp : 0,
            .sp = fr[k].sp,
            .fp = fr[k].callee_saved[1],
        };
    }
}

void twa_release(void *storage)
{
    struct store *s = storage;
    if (!s)
        return;
    for (size_t i = 0; i < s->nstrs; i++)
        free(s->strs[i]);
    free(s->strs);
    free(s->threads);
    free(s->objs);
    free(s->frames);
    free(s);
}

struct thread_in {
    uint32_t tid;
    const char *name;
    const struct user_regs_struct *regs; /* NULL when the thread could not be stopped */
};

/* The common part: classify every thread of a stopped target into the store. */
static void collect_threads(struct store *s, const struct twa_target *t, const twc_glibc *g,
                            const struct thread_in *in, size_t n)
{
    s->threads = calloc(n ? n : 1, sizeof *s->threads);
    if (!s->threads)
        return;
    struct twa_frame *fr = malloc(TWA_MAX_FRAMES * sizeof *fr);
    for (size_t i = 0; i < n; i++) {
        struct twc_fact_thread *ft = &s->threads[s->nthreads++];
        ft->tid = in[i].tid;
        ft->name = keep(s, in[i].name);
        if (!in[i].regs || !fr) {
            ft->block = TWC_BLOCK_UNKNOWN; /* never stopped: we do not know, so do not claim */
            continue;
        }
        int nfr = twa_unwind(t, in[i].regs, fr, TWA_MAX_FRAMES);
        if (getenv("TWA_DEBUG")) { /* the frames behind a classification, for people */
            fprintf(stderr, "tid %u orig_rax %lld rax %lld rdi %#llx rsi %#llx rdx %#llx r10 %#llx\n", in[i].tid,
                    (long long)in[i].regs->orig_rax, (long long)in[i].regs->rax, in[i].regs->rdi,
                    in[i].regs->rsi, in[i].regs->rdx, in[i].regs->r10);
            for (int k = 0; k < nfr; k++)
                fprintf(stderr, "  #%d ip %#llx sp %#llx %s%s regs %#llx %#llx %#llx %#llx %#llx %#llx\n", k,
                        (unsigned long long)fr[k].ip, (unsigned long long)fr[k].sp,
                        fr[k].nnames ? fr[k].names[0] : "?", fr[k].in_exe ? " [exe]" : "",
                        (unsigned long long)fr[k].callee_saved[0], (unsigned long long)fr[k].callee_saved[1],
                        (unsigned long long)fr[k].callee_saved[2], (unsigned long long)fr[k].callee_saved[3],
                        (unsigned long long)fr[k].callee_saved[4], (unsigned long long)fr[k].callee_saved[5]);
        }
        add_frames(s, in[i].tid, fr, nfr);
        struct twa_class c;
        twa_classify(t, g, in[i].tid, in[i].regs, fr, nfr, &c);
        ft->block = c.v.block;
        ft->timed = c.v.timed;
        ft->object = c.v.object;
        ft->object2 = c.v.object2;
        ft->file = keep(s, c.file);
        ft->line = c.line;
        ft->func = keep(s, c.func);
        for (int k = 0; k < c.v.nobjs; k++)
            add_object(s, &c.v.objs[k]);
    }
    free(fr);
}

static uint64_t exe_bias(const struct twa_target *t)
{
    const struct tws_space *sp = &t->space;
    for (size_t i = 0; i < sp->nmaps; i++)
        if (t->exe && sp->maps[i].fileofs == 0 && strcmp(sp->maps[i].path, t->exe) == 0) {
            uint64_t b;
            if (tws_space_object(sp, sp->maps[i].start, &b, NULL))
                return b;
        }
    return 0;
}

static void fill_out(struct store *s, struct twc_facts *out)
{
    out->threads = s->threads;
    out->nthreads = s->nthreads;
    out->objects = s->objs;
    out->nobjects = s->nobjs;
    out->frames = s->frames;
    out->nframes = s->nframes;
}

/* One live sample: stop, read, release. */
/* objs and *g persist across the two samples: ELF symbols, debug files and glibc's layout
 * do not change in 100 ms, and loading them is most of a sample's cost. *g is NULL until the
 * first sample opens it. */
/* Read before the stop whatever does not need it: libc's layouts from its debug information
 * (115 ms for Debian's) and the symbols of every mapped object were read with every thread of
 * the target stopped, 140 of a memcached's 171 ms stop. The cache is keyed by path, so the
 * stop's own reading (fresh maps: a library loaded meanwhile is still found) finds them. */
static void read_before_stop(int pid, struct tws_cache *objs, twc_glibc **g)
{
    struct tws_map *maps = NULL;
    long n = tws_parse_maps(pid, &maps);
    if (n <= 0)
        return;
    struct tws_space space = {maps, (size_t)n, objs};
    if (!*g)
        *g = twa_glibc_for(&space);
    for (long i = 0; i < n; i++)
        (void)tws_object_get(objs, &maps[i]);
    tws_free_maps(maps, (size_t)n);
}

static int sample_pid(int pid, struct tws_cache *objs, twc_glibc **g, struct store **sp,
                      struct twc_facts *out, char *err, size_t errlen)
{
    struct twa_stopped st;
    int early = twa_reader_tid(pid);
    read_before_stop(early < 0 ? pid : early, objs, g);
    int rc = twa_ptrace_stop_all(pid, &st, err, errlen);
    if (rc != TWC_OK)
        return rc;
    struct store *s = calloc(1, sizeof *s);
    struct tws_map *maps = NULL;
    int via = twa_reader_tid(pid);
    if (via < 0)
        via = pid;
    long nmaps = tws_parse_maps(via, &maps);
    if (nmaps < 0)
        nmaps = 0;
    char exe[4096];
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/exe", via);
    ssize_t el = readlink(p, exe, sizeof exe - 1);
    exe[el > 0 ? el : 0] = 0;
    struct twa_target t = {twa_pid_read, (void *)(intptr_t)via, 0, {maps, (size_t)nmaps, objs},
                           exe[0] ? exe : NULL, twa_page_cache_new(), NULL};
    if (!*g)
        *g = twa_glibc_for(&t.space);
    struct thread_in *in = calloc(st.n ? st.n : 1, sizeof *in);
    size_t n = 0;
    for (size_t i = 0; in && i < st.n; i++) {
        if (!st.t[i].seized && !st.t[i].stopped)
            continue; /* exited while we stopped the others */
        in[n].tid = st.t[i].tid;
        in[n].name = st.t[i].comm[0] ? st.t[i].comm : NULL;
        in[n].regs = st.t[i].have_regs ? &st.t[i].regs : NULL;
        n++;
    }
    if (s && in && objs && *g)
        collect_threads(s, &t, *g, in, n);
    /* Reading is over: let the process go before any bookkeeping. */
    twa_ptrace_release(&st);
    twa_unwind_done(&t);
    twa_page_cache_free(t.cache);
    if (!s || !in || !objs || !*g) {
        free(in);
        twa_release(s);
        tws_free_maps(maps, (size_t)nmaps);
        snprintf(err, errlen, "out of memory collecting facts from process %d", pid);
        return TWC_EINTERNAL;
    }
    memset(out, 0, sizeof *out);
    fill_out(s, out);
    out->exe = keep(s, t.exe);
    out->load_bias = exe_bias(&t);
    out->source = keep(s, twc_glibc_source(*g));
    free(in);
    tws_free_maps(maps, (size_t)nmaps);
    *sp = s;
    return TWC_OK;
}


/* State 'Z' in /proc/PID/stat (the field after the parenthesised name, which may hold ')'). */
int twa_collect_pid(int pid, int samples, struct twc_facts *out, void **storage, char *err, size_t errlen)
{
    *storage = NULL;
    memset(out, 0, sizeof *out);
    if (pid <= 0) {
        snprintf(err, errlen, "%d is not a process id", pid);
        return TWC_EUSAGE;
    }
    if (kill(pid, 0) != 0 && errno == ESRCH) {
        snprintf(err, errlen, "process %d not found", pid);
        return TWC_ENOTFOUND;
    }
    /* A kernel thread has no executable and no user-space state: nothing to attach to. A
     * process whose main thread called pthread_exit has lost its exe link too, but its other
     * threads run on, and are read through one of them. */
    char exe_link[64], target[16];
    snprintf(exe_link, sizeof exe_link, "/proc/%d/exe", pid);
    if (readlink(exe_link, target, sizeof target) < 0 && errno == ENOENT) {
        if (!twa_thread_is_dead(pid, (uint32_t)pid)) {
            snprintf(err, errlen, "process %d is a kernel thread: there is no user-space program to examine", pid);
            return TWC_ENOREGION;
        }
        if (twa_reader_tid(pid) < 0) {
            snprintf(err, errlen, "process %d has exited: all its threads are gone, nothing runs to examine", pid);
            return TWC_ENOTFOUND;
        }
    }
    struct store *s1 = NULL;
    struct twc_facts f1;
    twc_glibc *g = NULL;
    struct tws_cache *objs = tws_cache_new();
    if (!objs) {
        snprintf(err, errlen, "out of memory collecting facts from process %d", pid);
        return TWC_EINTERNAL;
    }
    int rc = sample_pid(pid, objs, &g, &s1, &f1, err, errlen);
    if (rc != TWC_OK || samples < 2 || !twc_facts_need_second_sample(&f1)) {
        tws_cache_free(objs);
        twc_glibc_close(g);
        if (rc == TWC_OK) {
            /* The stop woke every sleeper; hand the process back as it was, each one asleep in
             * its call again, so that what is read next (the region, /proc) agrees with the
             * facts instead of catching a thread mid-restart. */
            twa_await_asleep(pid, &f1, 100);
            *out = f1;
            *storage = s1;
        }
        return rc;
    }
    /* A thread just woken from a futex still looks blocked while stopped: only facts that
     * hold 100 ms later, with no blocked thread having run meanwhile, count as stable. */
    twa_await_asleep(pid, &f1, 100);
    twa_read_switches(pid, s1->threads, s1->nthreads);
    struct timespec gap = {0, 100 * 1000 * 1000};
    nanosleep(&gap, NULL);
    struct twc_fact_thread *at_end = calloc(s1->nthreads ? s1->nthreads : 1, sizeof *at_end);
    for (size_t i = 0; at_end && i < s1->nthreads; i++)
        at_end[i].tid = s1->threads[i].tid;
    if (at_end)
        twa_read_switches(pid, at_end, s1->nthreads);
    struct store *s2 = NULL;
    struct twc_facts f2;
    rc = sample_pid(pid, objs, &g, &s2, &f2, err, errlen);
    tws_cache_free(objs);
    twc_glibc_close(g);
    if (rc != TWC_OK) {
        free(at_end);
        *out = f1; /* the process may have exited meanwhile: one sample is still an answer */
        *storage = s1;
        return TWC_OK;
    }
    for (size_t i = 0; at_end && i < s2->nthreads; i++)
        for (size_t j = 0; j < s1->nthreads; j++)
            if (at_end[j].tid == s2->threads[i].tid)
                s2->threads[i].switches = at_end[j].switches;
    free(at_end);
    f2.samples_agree = twc_facts_agree(&f1, &f2);
    twa_release(s1);
    *out = f2;
    *storage = s2;
    return TWC_OK;
}

int twa_collect_core(const char *core, const char *exe, struct twc_facts *out, void **storage, char *err,
                     size_t errlen)
{
    *storage = NULL;
    memset(out, 0, sizeof *out);
    int st;
    struct twcf_core *c = twcf_open(core, &st, err, errlen);
    if (!c)
        return st;
    const struct twcf_thread *th;
    size_t nth = twcf_threads(c, &th);
    if (nth == 0) {
        snprintf(err, errlen, "core file %s has no thread notes (NT_PRSTATUS)", core);
        twcf_close(c);
        return TWC_ECORRUPT;
    }
    /* --exe may name the executable at another path than the one recorded in the core, and
     * relative to our cwd: twcf_maps puts its absolute path in the executable's mappings. */
    struct tws_map *maps = NULL;
    long nmaps = twcf_maps(c, exe, &maps);
    struct store *s = calloc(1, sizeof *s);
    struct thread_in *in = calloc(nth, sizeof *in);
    struct tws_cache *objs = tws_cache_new();
    if (nmaps < 0 || !s || !in || !objs) {
        if (nmaps > 0)
            tws_free_maps(maps, (size_t)nmaps);
        free(s);
        free(in);
        tws_cache_free(objs);
        twcf_close(c);
        snprintf(err, errlen, "out of memory reading core file %s", core);
        return TWC_EINTERNAL;
    }
    char exe_abs[4096];
    const char *the_exe = exe && realpath(exe, exe_abs) ? exe_abs : exe ? exe : twcf_exe(c);
    struct twa_target t = {twcf_read, c, 1, {maps, (size_t)nmaps, objs}, the_exe, twa_page_cache_new(), NULL};
    twc_glibc *g = twa_glibc_for(&t.space);
    const char *comm = twcf_comm(c);
    for (size_t i = 0; i < nth; i++) {
        in[i].tid = th[i].tid;
        in[i].name = comm[0] ? comm : NULL;
        in[i].regs = &th[i].regs;
    }
    if (g)
        collect_threads(s, &t, g, in, nth);
    twa_unwind_done(&t);
    twa_page_cache_free(t.cache);
    fill_out(s, out);
    out->from_core = 1;
    out->exe = keep(s, the_exe);
    out->load_bias = exe_bias(&t);
    out->source = keep(s, twc_glibc_source(g));
    twc_glibc_close(g);
    free(in);
    tws_free_maps(maps, (size_t)nmaps);
    tws_cache_free(objs);
    twcf_close(c);
    *storage = s;
    return TWC_OK;
}
