/* kernel_waits.c — a thread asleep in a call no adapter wraps is waiting, not polling.
 *
 * The pthread adapter sees a thread block only in the calls it interposes. One that sleeps in
 * sigsuspend, pause, or a read of a socket opened before the adapter loaded stays "polling"
 * in the region, for ever and with no busy time (nginx's master in sigsuspend), and would be a
 * long_poll. The frontend knows better: it lends the attach-only facts of the threads (blocked
 * in the kernel or not, how, at which frame of the program: registers and stacks from ptrace,
 * a core's notes or the debugger), and here the present model is corrected: a thread's task
 * (TW_TF_ROOT) that the region shows polling while its thread is blocked is waiting, at a site
 * naming the program's frame ("waiting in the kernel"). Such a wait is on the outside world
 * (TW_WAIT_IO, TW_WAIT_TIMER when timed sleep): nothing the model records can end it, so it
 * never makes a deadlock certain. Runtime tasks (not TW_TF_ROOT) polling on a blocked worker
 * thread, and event loop threads (TW_TF_LOOP) polling, are not changed: that is a poll blocked
 * in the kernel, for the analysis to judge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct kernel_wait {
    /* The lent fact, and what a runtime task polling on this thread is blocked in: thread,
     * call, object and its owner as lent; object_name and owner_task found when first applied.
     * file, func and object_name are this struct's own copies. */
    struct blocked_poll f;
    /* The task's record version when the fact was first applied: a live session re-reads the
     * region before each command while the fact stays as lent, so once the task has recorded
     * anything since, the fact describes a moment that is over and is no longer applied. */
    int bound;
    int sited;        /* the user's line was looked for (user_line) */
    /* The futex word it sleeps on as a resource (kernel_objects.c), decided when first applied:
     * its kind (0 = nothing names it: a kernel wait) and its name (NULL = none; a copy) */
    int obj_looked, obj_kind;
    char *obj_name;
    uint64_t task_id;
    uint32_t task_version;
};
struct thread_name { uint32_t tid; char *name; };
struct kernel_waits {
    struct kernel_wait *w;
    size_t n;
    struct thread_name *names; /* every lent thread's, for naming an owner */
    size_t nnames;
    /* A live target: when the facts were lent, in the region's raw clock (0 = not known). The
     * frontend collects them (a stop of every thread) just before it lends them, and reads the
     * region after: a task whose current poll began after this was woken and ran since, so
     * the fact is about its previous wait, not this poll. */
    uint64_t lent_raw;
};

#define SYNTH_STR_BASE 0xfff00000u  /* string offsets beyond any arena (TW_STRINGS_BYTES <= 256 MiB) */

void twc__kernel_waits_free(struct kernel_waits *k)
{
    if (!k) return;
    for (size_t i = 0; i < k->n; i++) {
        free((char *)k->w[i].f.file);
        free((char *)k->w[i].f.func);
        free((char *)k->w[i].f.object_name);
        free(k->w[i].obj_name);
        free((char *)k->w[i].f.api_call);
    }
    for (size_t i = 0; i < k->nnames; i++) free(k->names[i].name);
    free(k->w);
    free(k->names);
    free(k);
}

void twc__drop_present_model(struct twc_session *s)
{
    if (!s->model_loaded || s->facts) return;
    twc__model_free(&s->now); s->model_loaded = 0;
    twc__model_free(&s->view); s->view_valid = 0;
}

int twc_set_thread_facts(twc_session *s, const struct twc_fact_thread *t, size_t n)
{
    if (!s || (n && !t)) return TWC_EUSAGE;
    twc__kernel_waits_free(s->kernel_waits);
    s->kernel_waits = NULL;
    /* the present model is rebuilt with the new facts at the next command */
    if (s->at_now) twc__drop_present_model(s);
    if (!n || s->facts) return TWC_OK;
    struct kernel_waits *k = calloc(1, sizeof *k);
    if (!k || !(k->w = calloc(n, sizeof *k->w)) || !(k->names = calloc(n, sizeof *k->names))) {
        twc__kernel_waits_free(k);
        return TWC_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!t[i].tid || t[i].tid > 0xffffffffull) continue;
        if (t[i].name) k->names[k->nnames++] = (struct thread_name){ (uint32_t)t[i].tid, strdup(t[i].name) };
        if (t[i].block == TWC_BLOCK_NONE) continue;
        k->w[k->n++].f = (struct blocked_poll){
            .tid = (uint32_t)t[i].tid, .block = t[i].block, .timed = t[i].timed, .line = t[i].line,
            .file = t[i].file ? strdup(t[i].file) : NULL, .func = t[i].func ? strdup(t[i].func) : NULL,
            .call = twc__block_call(t[i].block), .object = t[i].block == TWC_BLOCK_JOIN ? 0 : t[i].object,
            .object2 = t[i].object2 };
    }
    if ((s->flags & TWC_LIVE) && s->ns_per_raw > 0) {
        /* The facts are true from the moment the frontend began stopping the threads (its own
         * stop, twc_set_reader_stop), not from now: a thread the stop found in the kernel and
         * that, once let go, began a new poll before this call would otherwise keep the stale
         * wait. Without a stop of its own (a debugger holding the target), now is the stop. */
        double ns = twc__mono_now_ns();
        if (s->stop_from_ns && (double)s->stop_from_ns < ns) ns = (double)s->stop_from_ns;
        k->lent_raw = twc__mono_to_raw(s, ns);
    }
    s->kernel_waits = k;
    return TWC_OK;
}

static const char *lent_name(const struct kernel_waits *k, uint64_t tid)
{
    for (size_t i = 0; tid && i < k->nnames; i++)
        if (k->names[i].tid == tid) return k->names[i].name;
    return NULL;
}

int twc_set_thread_objects(twc_session *s, const struct twc_fact_object *o, size_t n)
{
    if (!s || (n && !o)) return TWC_EUSAGE;
    struct kernel_waits *k = s->kernel_waits;
    for (size_t j = 0; k && j < k->n; j++)
        for (size_t i = 0; i < n; i++) {
            struct blocked_poll *f = &k->w[j].f;
            if (!f->object || o[i].addr != f->object) continue;
            f->owner_tid = o[i].owner_tid;
            /* a core keeps no thread's name but the process's, which each frontend spells
             * its own way: none, rather than a false one */
            f->owner_name = (s->flags & TWC_LIVE) ? lent_name(k, f->owner_tid) : NULL;
        }
    return TWC_OK;
}

/* Collectors differ on an untimed sleep (libtwattach calls pause and sigsuspend a sleep, gdb's
 * and lldb's I/O): both read "waiting in the kernel", so every frontend prints the same. */
static const char *what(const struct blocked_poll *w)
{
    switch (w->block) {
    case TWC_BLOCK_SLEEP: return w->timed ? "sleep (in the kernel)" : "waiting in the kernel";
    case TWC_BLOCK_IO: return "waiting in the kernel";
    default: return "futex wait (in the kernel)";   /* a lock or condvar the adapter never saw */
    }
}

/* a copy of str as a synthetic string of the session: its offset, 0 when out of memory */
static uint32_t synth_str(struct twc_session *s, const char *str) { return twc__lazy_copy(s, SYNTH_STR_BASE, str); }

/* a site for w, appended to the session's site table; 0 when out of memory. on: the object it
 * waits on as a resource (NULL: a kernel wait), named in the call as attach-only does. */
static uint32_t site_for(struct twc_session *s, const struct blocked_poll *w, const struct mres *on)
{
    struct tw_site_rec *grown = realloc(s->sites, (s->nsites + 1) * sizeof *s->sites);
    if (!grown) return 0;
    s->sites = grown;
    struct tw_site_rec *r = &s->sites[s->nsites];
    memset(r, 0, sizeof *r);
    /* without a line, the text names the function as the adapter's sites do ("… in FUNC") */
    char expr[300], tmp[64];
    if (on)
        snprintf(expr, sizeof expr, "%s(&%s)", twc__block_call(w->block), twc__res_name(s, on, tmp, sizeof tmp));
    else
        snprintf(expr, sizeof expr, "%s%s%s", what(w), w->line <= 0 && w->func ? " in " : "",
                 w->line <= 0 && w->func ? w->func : "");
    const char *parts[3] = { w->file ? w->file : "?", expr, w->func };
    uint32_t offs[3] = { 0, 0, 0 };
    for (int i = 0; i < 3; i++)
        if (parts[i] && !(offs[i] = synth_str(s, parts[i]))) return 0;
    r->file = offs[0]; r->expr = offs[1]; r->func = offs[2];
    r->line = w->line > 0 ? (uint32_t)w->line : 0;
    return (uint32_t)s->nsites++;
}

/* The frontend's site is the thread's first frame in the executable. In a Rust program that is
 * the standard library, linked in (std::sync::Mutex::lock's futex wait, std::thread::sleep), or
 * tokio: the user's line is further out, found as for C++'s inlined std::lock_guard
 * (user_site.c), and the call is the std one that line made (rust_names.c). Kept as lent when
 * the frames do not reach one. */
static void user_line(struct twc_session *s, struct blocked_poll *f)
{
    struct twc__place p, callee;
    char api[256];
    if ((f->file && !twc__is_toolchain_source(f->file)) || !s->stack_names ||
        twc__user_site(s->stack_names, f->tid, &p, NULL, &callee) != 0)
        return;
    char *file = strdup(p.file), *func = p.func[0] ? strdup(p.func) : NULL;
    if (!file) { free(func); return; }
    free((char *)f->file);
    free((char *)f->func);
    f->file = file;
    f->func = func;
    f->line = p.line;
    if (twc__rust_api_call(&callee, api, sizeof api)) f->api_call = strdup(api);
}

/* the model's resource with id `id` (the model is not indexed yet), NULL when none */
static const struct mres *res_at(const struct model *m, uint64_t id)
{
    for (size_t i = 0; i < m->nres; i++)
        if (m->res[i].id == id) return &m->res[i];
    return NULL;
}

/* What w's futex word is, once per lent fact: the rule attach-only uses (kernel_objects.c), with
 * every lent thread asleep on the same word as its waiters. */
static void look_up_object(struct twc_session *s, const struct kernel_waits *k, struct kernel_wait *w)
{
    if (w->obj_looked) return;
    w->obj_looked = 1;
    uint64_t tids[64];
    size_t n = 0;
    for (size_t j = 0; j < k->n && n < ARRAY_LEN(tids); j++)
        if (k->w[j].f.object == w->f.object && k->w[j].f.block == w->f.block) tids[n++] = k->w[j].f.tid;
    w->obj_kind = twc__kernel_object_kind(s, w->f.block, w->f.object, tids, n, &w->obj_name);
}

const struct blocked_poll *twc__blocked_poll(const struct twc_session *s, const struct mtask *t)
{
    const struct kernel_waits *k = s->kernel_waits;
    return k && t->blocked_poll && t->blocked_poll <= k->n ? &k->w[t->blocked_poll - 1].f : NULL;
}

void twc__kernel_waits_apply(struct twc_session *s, struct model *m)
{
    struct kernel_waits *k = s->kernel_waits;
    if (!k || !k->n || !s->sites_loaded) return;
    for (size_t i = 0; i < m->ntasks; i++) {
        struct mtask *t = &m->tasks[i];
        if (t->state != TW_TASK_POLLING || !t->os_tid) continue;
        for (size_t j = 0; j < k->n; j++) {
            struct kernel_wait *w = &k->w[j];
            if (w->f.tid != t->os_tid) continue;
            if (k->lent_raw && t->state_ts > k->lent_raw) break;   /* polling since after the facts */
            /* A live target keeps moving while it is read: the lent facts are from the
             * collector's stop, the region from a moment later, and a thread seen blocked then
             * may be running a new poll by now. */
            if (twc__thread_state_now(s, w->f.tid) == 'R')
                break;   /* running now: the wait the facts saw is over */
            if (!(t->flags & TW_TF_ROOT) || (t->flags & TW_TF_LOOP)) {
                /* a runtime task's poll, or an event loop thread's (loop_polls.c), blocked in
                 * the kernel: still polling, for the analysis to judge (blocked_polls.c) */
                if (twc__inner_poll_on_thread(m, t)) { t->outer_blocked = 1; break; }
                if (w->f.object && !w->f.object_name) w->f.object_name = twc__object_name(s, m, w->f.object);
                if (!w->sited) { w->sited = 1; user_line(s, &w->f); }
                twc__blocked_poll_owner(m, &w->f);
                t->blocked_poll = (uint32_t)j + 1;
                break;
            }
            if (!w->bound) { w->bound = 1; w->task_id = t->id; w->task_version = t->version; }
            if (w->task_id != t->id || w->task_version != t->version) break;
            if (!w->sited && w->f.object && (w->f.block == TWC_BLOCK_FUTURE || w->f.block == TWC_BLOCK_UNKNOWN)) {
                w->sited = 1;   /* a C++ wait inlined from libstdc++'s headers: the user's line */
                user_line(s, &w->f);
            }
            look_up_object(s, k, w);
            /* synthetic strings last until the next refresh, the lent facts until replaced */
            uint64_t on = w->obj_kind ? twc__kernel_object_add(m, w->f.object, w->obj_kind,
                                                               w->obj_name ? synth_str(s, w->obj_name) : 0) : 0;
            twc__poll_was_kernel_wait(s, t);
            t->state = TW_TASK_WAITING;
            t->wait_kind = on ? TW_WAIT_SIGNAL : w->f.block == TWC_BLOCK_SLEEP && w->f.timed ? TW_WAIT_TIMER : TW_WAIT_IO;
            t->waiting_on = on;
            t->kernel_wait = 1;
            if (w->f.timed) t->flags |= TW_TF_TIMED;
            t->await_site = site_for(s, &w->f, on ? res_at(m, on) : NULL);
            break;
        }
    }
}

/* The mutex a std::condition_variable_any's waiter re-locks is the condvar's own, on the heap
 * (cxx_proxies.c): named by the path to it, as attach-only names it, unless something named it. */
static void name_cv_any_mutex(struct twc_session *s, struct model *m, const struct blocked_poll *f)
{
    uint64_t bias;
    const char *exe = twc__stack_names_exe(s->stack_names, &bias);
    struct mres *cv = NULL, *mu = NULL;
    for (size_t i = 0; i < m->nres; i++) {
        if (m->res[i].address == f->object && m->res[i].kind == TW_RES_CONDVAR) cv = &m->res[i];
        if (m->res[i].address == f->object2 && m->res[i].kind == TW_RES_MUTEX) mu = &m->res[i];
    }
    char hex[24], cls[128] = "", tmp[64], name[300];
    if (!exe || !cv || !mu) return;
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)mu->address);
    const char *was = twc__str_at(s, mu->name);
    if (was[0] && strcmp(was, hex) != 0) return;
    free(twc__symbolize_data_typed(exe, bias, cv->address, cls, sizeof cls));
    if (twc__cv_any_mutex_name(cls, twc__res_name(s, cv, tmp, sizeof tmp), name, sizeof name) == 0)
        mu->name = synth_str(s, name);
}

void twc__kernel_waits_cxx(struct twc_session *s, struct model *m)
{
    struct kernel_waits *k = s->kernel_waits;
    for (size_t j = 0; k && s->sites_loaded && j < k->n; j++) {
        const struct blocked_poll *f = &k->w[j].f;
        if (f->block == TWC_BLOCK_COND && f->object && f->object2) name_cv_any_mutex(s, m, f);
        if (f->block != TWC_BLOCK_JOIN || !f->object2) continue;
        for (size_t i = 0; i < m->ntasks; i++)
            if (m->tasks[i].os_tid == f->tid && (m->tasks[i].flags & TW_TF_ROOT)) {
                twc__jthread_apply(s, m, &m->tasks[i], f->object2, f->func, NULL, 0);
                break;
            }
    }
}
