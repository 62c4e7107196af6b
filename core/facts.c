/* facts.c — attach-only models: a session built from facts collected from the threads of a
 * process with no region (twc_facts). Task id = TID, resource id = the object's address, holders
 * from glibc's owner fields, waits from the blocking call. Strings go into a synthetic arena so
 * the renderers work unchanged. Certainty rules (issue 13): mutex cycles proven by owner fields
 * are certain from one sample; other deadlocks need samples_agree on a live target and from a
 * core are possible (deadlock.c applies them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct arena_b { char *p; size_t len, cap; };

static uint32_t intern(struct arena_b *a, const char *s)
{
    if (!s || !s[0]) return 0;
    size_t n = strlen(s);
    if (n > 255) n = 255;
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 1024;
        while (cap < a->len + n + 1) cap *= 2;
        char *p = realloc(a->p, cap);
        if (!p) return 0;
        a->p = p; a->cap = cap;
    }
    uint32_t off = (uint32_t)a->len;
    memcpy(a->p + a->len, s, n);
    a->p[a->len + n] = 0;
    a->len += n + 1;
    return off;
}

int twc__block_res_kind(int block)
{
    switch (block) {
    case TWC_BLOCK_MUTEX: return TW_RES_MUTEX;
    case TWC_BLOCK_RWLOCK_RD: case TWC_BLOCK_RWLOCK_WR: return TW_RES_RWLOCK;
    case TWC_BLOCK_SEM: return TW_RES_SEMAPHORE;
    case TWC_BLOCK_COND: return TW_RES_CONDVAR;
    case TWC_BLOCK_BARRIER: return TW_RES_BARRIER;
    case TWC_BLOCK_FUTURE: return TW_RES_FUTURE;
    default: return 0;
    }
}

/* A HOLD edge from task tid to the rwlock `lock` the model already knows, once. */
static void add_reader(void *arg, uint64_t tid, uint64_t lock, int from_memory)
{
    struct model *m = arg;
    struct mres *r = twc__model_res(m, lock);
    struct mtask *t = twc__model_task(m, tid);
    /* memory is read after the stop: only a thread still blocked kept its frame as it was */
    if (!r || r->kind != TW_RES_RWLOCK || !t || (from_memory && t->state != TW_TASK_WAITING)) return;
    r->available = 0;
    for (int e = 0; e < TW_MAX_EDGES; e++) {
        if (t->edges[e].res == lock && t->edges[e].role == TW_EDGE_HOLD) return;
        if (!t->edges[e].res) { t->edges[e] = (struct medge){ lock, TW_EDGE_HOLD, 0, 1 }; return; }
    }
}

/* The threads blocked on the object at `word` (at most n), into tids. */
static size_t waiters_of(const struct twc_facts *f, uint64_t word, uint64_t *tids, size_t n)
{
    size_t nt = 0;
    for (size_t i = 0; i < f->nthreads && nt < n; i++)
        if (f->threads[i].object == word) tids[nt++] = f->threads[i].tid;
    return nt;
}

/* The mutex a std::condition_variable_any's waiters re-lock is its own, on the heap: named by
 * the path to it unless something named it already. */
static void name_cv_mutex(struct model *m, const struct twc_facts *f, uint64_t cv, uint32_t name)
{
    for (size_t i = 0; i < f->nthreads; i++) {
        struct mres *mu = f->threads[i].object == cv && f->threads[i].object2 ? twc__model_res(m, f->threads[i].object2) : NULL;
        if (mu && !mu->name) mu->name = name;
    }
}

/* Append a string to a facts session's arena after it was built (its offset, 0 when out of
 * memory). Only before the first command: nothing holds a pointer into the arena yet. */
static uint32_t append(struct twc_session *s, const char *str)
{
    size_t n = strlen(str);
    char *p = realloc(s->arena, s->arena_len + n + 1);
    if (!p) return 0;
    memcpy(p + s->arena_len, str, n + 1);
    s->arena = p;
    uint32_t off = (uint32_t)s->arena_len;
    s->arena_len += n + 1;
    return off;
}

/* A pool slot whose waiters' `this` only their frames' memory says (-O0): name it, and their
 * sites' expression, after the object. */
static void pool_slots_from_memory(struct twc_session *s)
{
    struct model *m = &s->now;
    for (size_t i = 0; i < m->nres; i++) {
        struct mres *r = &m->res[i];
        uint64_t tids[64];
        size_t nt = 0;
        char owner[256], expr[300];
        int k = 0;
        if (r->kind != TW_RES_OTHER || !r->name || !twc__is_wait_pool(twc__str_at(s, r->name))) continue;
        for (size_t t = 0; t < m->ntasks && nt < ARRAY_LEN(tids); t++)
            if (m->tasks[t].state == TW_TASK_WAITING && m->tasks[t].waiting_on == r->id) tids[nt++] = m->tasks[t].id;
        if (twc__wait_pool_owner(s->stack_names, s->stack_rd, s->stack_rctx, tids, nt, owner, sizeof owner, &k) != 0) continue;
        uint32_t name = append(s, owner);
        snprintf(expr, sizeof expr, "%s(&%s)", twc__block_call(TWC_BLOCK_UNKNOWN), owner);
        uint32_t ex = append(s, expr);
        if (!name || !ex) return;
        r->name = name;
        r->kind = (uint8_t)k;
        r->capacity = k == TW_RES_SEMAPHORE ? -1 : 1;
        for (size_t t = 0; t < m->ntasks; t++)
            if (m->tasks[t].waiting_on == r->id && m->tasks[t].await_site && m->tasks[t].await_site < s->nsites)
                s->sites[m->tasks[t].await_site].expr = ex;
    }
}

void twc__facts_guards_in_memory(struct twc_session *s)
{
    if (!s || !s->facts || !s->stack_names || !s->stack_rd || s->facts_memory_read) return;
    s->facts_memory_read = 1;
    twc__shared_guards(s->stack_names, s->stack_rd, s->stack_rctx, add_reader, &s->now);
    pool_slots_from_memory(s);
    /* a std::jthread's stop request (cxx_stop.c) */
    struct model *m = &s->now;
    char layout[96] = "";
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct tw_site_rec *site = m->tasks[i].join_obj ? twc__site_at(s, m->tasks[i].await_site) : NULL;
        if (site) twc__jthread_apply(s, m, &m->tasks[i], m->tasks[i].join_obj, twc__str_at(s, site->func), layout, sizeof layout);
    }
    /* the summary says where the jthread's offsets came from, next to glibc's */
    const char *was = s->facts_source ? s->facts_source : "facts from threads";
    size_t n = strlen(was) + strlen(layout) + 3;
    char *src = layout[0] ? malloc(n) : NULL;
    if (src) {
        snprintf(src, n, "%s; %s", was, layout);
        free(s->facts_source);
        s->facts_source = src;
    }
}

const char *twc__block_call(int block)
{
    static const char *n[] = { "running", "pthread_mutex_lock", "pthread_rwlock_rdlock", "pthread_rwlock_wrlock", "sem_wait",
                               "pthread_cond_wait", "pthread_join", "pthread_barrier_wait", "sleep", "io", "futex_wait",
                               "std::future::wait" };
    return block >= 0 && block < (int)ARRAY_LEN(n) ? n[block] : "?";
}

twc_session *twc_open_facts(const struct twc_facts *f, int *status, char *err, size_t errlen)
{
    int dummy;
    if (!status) status = &dummy;
    if (!f || (f->nthreads && !f->threads) || (f->nobjects && !f->objects)) {
        *status = TWC_EUSAGE; MSG(err, errlen, "no facts given"); return NULL;
    }
    struct twc_session *s = calloc(1, sizeof *s);
    struct arena_b A = { 0 };
    if (!s) { *status = TWC_EINTERNAL; MSG(err, errlen, "out of memory"); return NULL; }
    s->facts = 1; s->at_now = 1; s->long_poll_ms = 50;
    s->facts_agree = f->samples_agree; s->facts_from_core = f->from_core;
    s->facts_source = f->source ? strdup(f->source) : NULL;
    s->facts_exe = f->exe ? strdup(f->exe) : NULL;
    if (f->exe && f->frames && f->nframes) s->stack_names = twc__stack_names_new(f->exe, f->load_bias, f->frames, f->nframes);
    s->ns_per_raw = 1.0;
    intern(&A, " ");            /* offset 0 means "no string" */
    struct model *m = &s->now;
    m->from_facts = 1;
    size_t nobj_max = f->nobjects + f->nthreads;
    m->tasks = calloc(f->nthreads + 1, sizeof *m->tasks);
    m->res = calloc(nobj_max + 1, sizeof *m->res);
    s->sites = calloc(f->nthreads + 2, sizeof *s->sites);
    if (!m->tasks || !m->res || !s->sites) goto oom;
    twc__idmap_init(&m->rmap, nobj_max);
    /* resources: the listed objects first, then anything a thread blocks on */
    for (size_t i = 0; i < f->nobjects; i++) {
        const struct twc_fact_object *o = &f->objects[i];
        if (!o->addr || twc__idmap_get(&m->rmap, o->addr) >= 0) continue;
        struct mres *r = &m->res[m->nres];
        r->id = o->addr; r->address = o->addr; r->kind = (uint8_t)(o->kind > 0 && o->kind <= TW_RES_FUTURE ? o->kind : TW_RES_OTHER);
        twc__idmap_put(&m->rmap, r->id, (uint32_t)m->nres++);
        if (o->name) r->name = intern(&A, o->name);
        r->owner_known = o->owner_tid != 0;
        r->available = (r->kind == TW_RES_SEMAPHORE) ? (o->value >= 0 ? o->value : 0) : (o->owner_tid ? 0 : 1);
    }
    for (size_t i = 0; i < f->nthreads; i++) {
        const struct twc_fact_thread *t = &f->threads[i];
        int k = twc__block_res_kind(t->block);
        if (!k || !t->object || twc__idmap_get(&m->rmap, t->object) >= 0) continue;
        struct mres *r = &m->res[m->nres];
        r->id = t->object; r->address = t->object; r->kind = (uint8_t)k;
        r->available = k == TW_RES_SEMAPHORE ? 0 : -1;
        twc__idmap_put(&m->rmap, r->id, (uint32_t)m->nres++);
    }
    for (size_t i = 0; i < m->nres; i++) {
        struct mres *r = &m->res[i];
        int reusable = r->kind == TW_RES_MUTEX || r->kind == TW_RES_RWLOCK || r->kind == TW_RES_SEMAPHORE;
        r->class_ = reusable ? TW_CLASS_REUSABLE : TW_CLASS_CONSUMABLE;
        r->capacity = r->kind == TW_RES_SEMAPHORE ? -1 : 1;
        if (r->available < 0) r->available = 0;
        /* a local of some thread's frame ("main:mu1"), else a global ("vault[1]") */
        const char *local = r->name ? NULL : twc__stack_name(s->stack_names, r->address);
        if (local) r->name = intern(&A, local);
        if (!r->name && f->exe) {
            char cls[128];
            uint64_t tids[64];
            int k;
            /* a futex nobody's name identified, inside a std::latch, std::counting_semaphore...,
             * or a slot of libstdc++'s atomic-wait pools that the object's waiters share */
            char *nm = twc__futex_word_name(f->exe, f->load_bias, s->stack_names, NULL, NULL, r->address, tids,
                                            waiters_of(f, r->address, tids, ARRAY_LEN(tids)), &k, cls, sizeof cls);
            if (r->kind != TW_RES_OTHER) k = 0;
            if (nm) r->name = intern(&A, nm);
            free(nm);
            if (k) { r->kind = (uint8_t)k; r->class_ = TW_CLASS_CONSUMABLE; r->capacity = k == TW_RES_SEMAPHORE ? -1 : 1; }
            char mu[300];
            if (r->kind == TW_RES_CONDVAR && r->name && twc__cv_any_mutex_name(cls, A.p + r->name, mu, sizeof mu) == 0)
                name_cv_mutex(m, f, r->address, intern(&A, mu));
        }
    }
    /* tasks */
    for (size_t i = 0; i < f->nthreads; i++) {
        const struct twc_fact_thread *ft = &f->threads[i];
        if (!ft->tid || ft->tid > 0xffffffffull) continue;
        struct mtask *t = &m->tasks[m->ntasks];
        t->id = ft->tid; t->os_tid = (uint32_t)ft->tid; t->flags = TW_TF_ROOT; t->wakers_alive = 1;
        char nm[256];
        if (ft->name && ft->name[0] && twc__program_named(f->exe, ft->name) &&
            twc__start_function(s->stack_names, ft->tid, nm, sizeof nm) == 0 && strcmp(nm, "main") != 0)
            t->name = intern(&A, nm);   /* a thread nobody named: its start function says what it is for */
        else if (ft->name && ft->name[0]) t->name = intern(&A, ft->name);
        else { snprintf(nm, sizeof nm, "thread-%llu", (unsigned long long)ft->tid); t->name = intern(&A, nm); }
        int b = ft->block;
        if (b == TWC_BLOCK_NONE) t->state = TW_TASK_POLLING;
        else {
            t->state = TW_TASK_WAITING;
            t->waiting_on = ft->object;
            switch (b) {
            case TWC_BLOCK_MUTEX: case TWC_BLOCK_RWLOCK_RD: case TWC_BLOCK_RWLOCK_WR: t->wait_kind = TW_WAIT_ACQUIRE; break;
            case TWC_BLOCK_JOIN: t->wait_kind = TW_WAIT_JOIN; t->join_obj = ft->object2; break;
            case TWC_BLOCK_SEM: t->wait_kind = TW_WAIT_SIGNAL; break;
            case TWC_BLOCK_COND: case TWC_BLOCK_BARRIER: t->wait_kind = TW_WAIT_SIGNAL; break;
            case TWC_BLOCK_SLEEP: t->wait_kind = TW_WAIT_TIMER; break;
            case TWC_BLOCK_IO: t->wait_kind = TW_WAIT_IO; break;
            default: t->wait_kind = TW_WAIT_SIGNAL; break;   /* an unidentified futex: wakers unknown */
            }
            if (ft->timed) t->flags |= TW_TF_TIMED;
            if (b == TWC_BLOCK_SEM) {
                const struct mres *r = twc__model_res(m, ft->object);
                if (r && r->available > 0) t->state = TW_TASK_READY;   /* a post is already there: it is about to run */
            }
        }
        m->ntasks++;
    }
    twc__idmap_init(&m->tmap, m->ntasks);
    for (size_t i = 0; i < m->ntasks; i++) twc__idmap_put(&m->tmap, m->tasks[i].id, (uint32_t)i);
    /* holders from owner fields */
    for (size_t i = 0; i < f->nobjects; i++) {
        const struct twc_fact_object *o = &f->objects[i];
        if (!o->owner_tid) continue;
        struct mtask *t = twc__model_task(m, o->owner_tid);
        if (!t) continue;
        for (int e = 0; e < TW_MAX_EDGES; e++)
            if (!t->edges[e].res) { t->edges[e] = (struct medge){ o->addr, TW_EDGE_HOLD, 0, 1 }; break; }
    }
    /* readers of a std::shared_mutex: glibc keeps no list of them, their std::shared_lock does */
    if (s->stack_names) twc__shared_guards(s->stack_names, NULL, NULL, add_reader, m);
    /* sites: the blocking call with the object's name, at the first frame in the program */
    s->nsites = 1;
    char tmp[64];
    for (size_t i = 0, k = 0; i < f->nthreads; i++) {
        const struct twc_fact_thread *ft = &f->threads[i];
        if (!ft->tid || ft->tid > 0xffffffffull) continue;
        struct mtask *t = &m->tasks[k++];
        if (ft->block == TWC_BLOCK_NONE && !ft->file) continue;
        char expr[300], fbuf[256], api[256];
        const char *func = ft->func ? twc__demangled_or(ft->func, fbuf, sizeof fbuf) : NULL;
        /* the frontend's first frame of the executable may be inlined toolchain code
         * (std::lock_guard's gthr-default.h:749, Rust's futex.rs): the user's line is further
         * out, and in Rust the call is the std one it made (rust_names.c) */
        struct twc__place own, callee;
        int further = (!ft->file || twc__is_toolchain_source(ft->file)) &&
                      twc__user_site(s->stack_names, ft->tid, &own, NULL, &callee) == 0;
        int rust = further && twc__rust_api_call(&callee, api, sizeof api);
        const char *call = rust ? api : twc__block_call(ft->block);
        if (ft->block == TWC_BLOCK_JOIN) snprintf(expr, sizeof expr, "%s(%llu)", call, (unsigned long long)ft->object);
        else if (ft->object) {
            const struct mres *r = twc__model_res(m, ft->object);
            s->arena = A.p; s->arena_len = A.len;   /* names resolve through the arena built so far */
            const struct mres *r2 = ft->object2 ? twc__model_res(m, ft->object2) : NULL;
            char tmp2[64];
            /* a condvar wait names its mutex too, as the call was written: wait(&cv, &m) */
            snprintf(expr, sizeof expr, "%s(&%s%s%s)", call, r ? twc__res_name(s, r, tmp, sizeof tmp) : "?",
                     r2 ? ", &" : "", r2 ? twc__res_name(s, r2, tmp2, sizeof tmp2) : "");
        } else snprintf(expr, sizeof expr, "%s", rust || !func ? call : func);
        struct tw_site_rec *site = &s->sites[s->nsites];
        if (further) {
            site->file = intern(&A, own.file);
            site->line = (uint32_t)own.line;
            site->func = intern(&A, own.func);
        } else {
            site->file = intern(&A, ft->file ? ft->file : "??");
            site->line = ft->line > 0 ? (uint32_t)ft->line : 0;
            site->func = intern(&A, func);
        }
        site->expr = intern(&A, expr);
        t->await_site = (uint32_t)s->nsites++;
    }
    s->sites_loaded = 1;
    s->arena = A.p; s->arena_len = A.len;
    s->model_loaded = 1;
    s->events_loaded = 1;
    *status = TWC_OK;
    return s;
oom:
    free(A.p);
    twc_close(s);
    *status = TWC_EINTERNAL;
    MSG(err, errlen, "out of memory");
    return NULL;
}
