/* When does a look at a region need the threads' own facts (core/facts_needed.c)? Only when
 * they could change an answer: a poll older than the thresholds on a thread that is not
 * running, an object named only by its address, a thread nobody named. A frontend's collector
 * (the console's ptrace stop) is called by twc_exec only then, and what it lends is used.
 * Timestamps are nanoseconds (the builder's clock); the newest event is "now" for a session
 * that is not live. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "region_builder.h"

static const struct rb_sizes SZ = { 8, 8, 8, 2, 64, 4096 };

/* A healthy picture: task 1 waiting on mutex "gate" that task 2 holds (ready), task 3 polling on
 * thread 103 since `poll_since`; the newest event at 1,000,000,000 ns. */
static void picture(struct rb *R, uint64_t poll_since)
{
    rb_init(R, &SZ);
    struct tw_header *h = rb_hdr(R);
    h->pid = 100;
    strcpy(h->exe, "server");
    rb_res(R, 1, "gate", TW_RES_MUTEX, 1);
    struct tw_task_rec *w = rb_task(R, 1, "waiter", TW_TASK_WAITING), *o = rb_task(R, 2, "owner", TW_TASK_READY);
    rb_wait(w, TW_WAIT_ACQUIRE, 1, rb_site(R, "/src/server.c", 10, "lock(&gate)"));
    rb_edge(o, 1, TW_EDGE_HOLD, 1);
    struct tw_task_rec *p = rb_task(R, 3, "handler", TW_TASK_POLLING);
    p->os_tid = 103;
    p->state_ts = poll_since;
    rb_event(R, 0, 1000000000ull, TW_EV_WAKER_CLONE, 2, 0, 1, 0, 0, 0);
}

/* Asks a session of R (then freed) and checks the answer, and that the reason holds fragment. */
static void expect(struct rb *R, int want, const char *fragment)
{
    char why[200];
    twc_session *s = rb_open(R, 0);
    cr_assert(s);
    int v = twc_needs_thread_facts(s, 0, why, sizeof why);
    twc_close(s);
    rb_free(R);
    cr_assert_eq(v, want, "%s", why);
    if (fragment) cr_assert(strstr(why, fragment), "want '%s' in '%s'", fragment, why);
}

Test(facts_needed, a_healthy_picture_needs_none)
{
    struct rb R;
    picture(&R, 1000000000ull - 10000000ull);   /* polling for 10 ms */
    expect(&R, 0, NULL);
}

Test(facts_needed, a_poll_older_than_the_long_poll_threshold_needs_them)
{
    struct rb R;
    picture(&R, 1000000000ull - 60000000ull);   /* 60 ms: past long_poll's 50 */
    expect(&R, 1, "task 3 has been polling for 60.0 ms");
}

Test(facts_needed, an_object_named_by_its_address_needs_them)
{
    struct rb R;
    picture(&R, 1000000000ull);
    struct tw_res_rec *r = rb_res(&R, 2, "0x7ffd61177660", TW_RES_MUTEX, 1);
    r->address = 0x7ffd61177660ull;
    expect(&R, 1, "named only by its address");
}

/* a thread's task on thread tid that nobody named: it has the program's name */
static void program_named_thread(struct rb *R, uint32_t tid)
{
    picture(R, 1000000000ull);
    struct tw_task_rec *t = rb_task(R, 4, "server", TW_TASK_WAITING);
    t->flags |= TW_TF_ROOT;
    t->os_tid = tid;
}

Test(facts_needed, a_thread_nobody_named_needs_them_but_not_the_main_thread)
{
    struct rb R;
    program_named_thread(&R, 100);   /* the main thread keeps the program's name */
    expect(&R, 0, NULL);
    program_named_thread(&R, 104);
    expect(&R, 1, "no name of its own");
}

/* A live session: the collector runs only when a poll is long and its thread not running. */
struct probe { char state; int collected; };

static int thread_state(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    (void)want;
    if (tid != 103) return -1;
    *k = (struct twc_kthread){ .state = ((struct probe *)ctx)->state, .in_syscall = 1, .start_ns = 1, .cpu_ns = 1,
                               .run_ns = 1, .queue_ns = 0, .since_ran_ns = -1 };
    return 0;
}

static size_t threads(void *ctx, uint32_t *tids, size_t max)
{
    (void)ctx;
    if (max) tids[0] = 103;
    return 1;
}

static void collector(twc_session *s, void *ctx)
{
    ((struct probe *)ctx)->collected++;
    struct twc_fact_thread th = { .tid = 103, .name = "pool", .block = TWC_BLOCK_IO };
    twc_set_thread_facts(s, &th, 1);
}

static char *tasks_with(char state, struct probe *p)
{
    struct rb R;
    picture(&R, 1000);   /* polling since the clock's start: long past every threshold */
    twc_session *s = rb_open(&R, TWC_LIVE);
    cr_assert(s);
    p->state = state;
    twc_set_thread_source(s, thread_state, threads, p);
    twc_set_fact_collector(s, collector, p);
    int st;
    char *o = rb_exec(s, "tasks --json", &st);
    cr_assert(o, "status %d", st);
    twc_close(s);
    rb_free(&R);
    return o;
}

Test(facts_needed, the_collector_runs_only_for_a_long_poll_on_a_thread_not_running)
{
    struct probe p = { 0 };
    char *o = tasks_with('R', &p);
    cr_assert_eq(p.collected, 0, "a running thread's poll was collected for");
    cr_assert(strstr(o, "\"blocked_in\":null"), "%s", o);
    free(o);
    o = tasks_with('S', &p);
    cr_assert_eq(p.collected, 1);
    cr_assert(strstr(o, "\"blocked_in\":{\"thread\":103"), "the lent facts were not used: %s", o);
    free(o);
}

/* An object named only by its address can be named by a frame only if it lies on a thread's
 * stack (locals.c looks only in frames). A live target's thread source says where each
 * thread's stack is without stopping it: 100's in [0x7ffd0000, 0x7ffe0000), 101's in
 * [0x7f0000, 0x800000); a thread whose stack is unknown (on a CPU) is given as 0, 0. */
struct stack_probe { uint64_t lo101, hi101; int busy_reads; };   /* 101 reads 0, 0 this many times first */

static int stack_state(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    struct stack_probe *p = ctx;
    if (tid != 100 && tid != 101) return -1;
    int busy = tid == 101 && (want & TWC_KT_STACK) && p->busy_reads > 0 && p->busy_reads--;
    *k = (struct twc_kthread){ .state = 'S', .in_syscall = 1, .start_ns = 1, .cpu_ns = 1, .run_ns = 1,
                               .queue_ns = 0, .since_ran_ns = -1,
                               .stack_lo = tid == 100 ? 0x7ffd0000 : busy ? 0 : p->lo101,
                               .stack_hi = tid == 100 ? 0x7ffe0000 : busy ? 0 : p->hi101 };
    return 0;
}

static size_t two_threads(void *ctx, uint32_t *tids, size_t max)
{
    (void)ctx;
    for (size_t i = 0; i < 2 && i < max; i++) tids[i] = 100 + (uint32_t)i;
    return 2;
}

/* A live session of a picture whose only want is mutex 2, named by its address `addr`. */
static int needs_for_address(uint64_t addr, struct stack_probe *p, char *why, size_t n)
{
    struct rb R;
    rb_init(&R, &SZ);
    struct tw_header *h = rb_hdr(&R);
    h->pid = 100;
    strcpy(h->exe, "server");
    char name[24];
    snprintf(name, sizeof name, "0x%llx", (unsigned long long)addr);
    rb_res(&R, 2, name, TW_RES_MUTEX, 1)->address = addr;
    rb_task(&R, 1, "waiter", TW_TASK_WAITING);
    rb_event(&R, 0, 1000000000ull, TW_EV_WAKER_CLONE, 1, 0, 1, 0, 0, 0);
    twc_session *s = rb_open(&R, TWC_LIVE);
    cr_assert(s);
    twc_set_thread_source(s, stack_state, two_threads, p);
    int v = twc_needs_thread_facts(s, 0, why, n);
    twc_close(s);
    rb_free(&R);
    return v;
}

Test(facts_needed, an_object_in_the_heap_needs_none_when_every_stack_is_known)
{
    struct stack_probe p = { 0x7f0000, 0x800000, 0 };
    char why[200] = "";
    cr_assert_eq(needs_for_address(0x55d000a0, &p, why, sizeof why), 0, "%s", why);   /* malloc'd */
    cr_assert_eq(needs_for_address(0x7ffdf000, &p, why, sizeof why), 1);              /* main's stack */
    cr_assert(strstr(why, "may be on a thread's stack"), "%s", why);
    cr_assert_eq(needs_for_address(0x7f1000, &p, why, sizeof why), 1);                /* 101's stack */
}

Test(facts_needed, an_object_anywhere_needs_them_when_a_stack_is_unknown)
{
    struct stack_probe p = { 0, 0, 0 };   /* thread 101 stays on a CPU: its stack pointer unknown */
    char why[200] = "";
    cr_assert_eq(needs_for_address(0x55d000a0, &p, why, sizeof why), 1, "a heap object was trusted with a stack unknown");
}

Test(facts_needed, a_thread_on_a_cpu_is_asked_again_until_it_sleeps)
{
    struct stack_probe p = { 0x7f0000, 0x800000, 3 };   /* 101 runs for 3 reads, then sleeps */
    char why[200] = "";
    cr_assert_eq(needs_for_address(0x55d000a0, &p, why, sizeof why), 0, "%s", why);
    cr_assert_eq(p.busy_reads, 0);
}

/* `tw top` takes a snapshot and then renders its summary: two commands within milliseconds,
 * one stop. A command a moment later (the next refresh) asks, and stops, again. */
Test(facts_needed, a_refresh_stops_the_target_once_for_its_snapshot_and_its_summary)
{
    struct rb R;
    struct probe p = { .state = 'S' };
    picture(&R, 1000);   /* polling since the clock's start, on a thread not running */
    twc_session *s = rb_open(&R, TWC_LIVE);
    cr_assert(s);
    twc_set_thread_source(s, thread_state, threads, &p);
    twc_set_fact_collector(s, collector, &p);
    struct twc_snapshot snap;
    char err[200];
    int st;
    cr_assert_eq(twc_snapshot_take(s, TWC_SNAP_ALERTS, &snap, err, sizeof err), 0, "%s", err);
    twc_snapshot_free(&snap);
    free(rb_exec(s, "summary", &st));
    cr_assert_eq(p.collected, 1, "one refresh stopped the target %d times", p.collected);
    nanosleep(&(struct timespec){ 0, 150 * 1000 * 1000 }, NULL);
    free(rb_exec(s, "summary", &st));
    cr_assert_eq(p.collected, 2, "the next refresh did not ask again");
    twc_close(s);
    rb_free(&R);
}

/* A thread's own task polling while its thread sleeps in a call the adapter does not wrap: the
 * facts show it waiting in the kernel, which `tasks` shows and no verdict or alert depends on,
 * unless the call is a futex wait (a lock the adapter never saw). The thread source tells the
 * call without a stop: thread 104 sleeps in `sys`, thread 103 (task 3's) runs. */
struct call_probe { long sys; int collected; };

static int call_state(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    (void)want;
    if (tid != 103 && tid != 104) return -1;
    *k = (struct twc_kthread){ .state = tid == 103 ? 'R' : 'S', .in_syscall = tid == 104, .start_ns = 1, .cpu_ns = 1,
                               .run_ns = 1, .queue_ns = 0, .since_ran_ns = -1, .has_syscall = tid == 104,
                               .syscall = ((struct call_probe *)ctx)->sys };
    return 0;
}

static size_t two_workers(void *ctx, uint32_t *tids, size_t max)
{
    (void)ctx;
    for (size_t i = 0; i < 2 && i < max; i++) tids[i] = 103 + (uint32_t)i;
    return 2;
}

static void count_collect(twc_session *s, void *ctx)
{
    (void)s;
    ((struct call_probe *)ctx)->collected++;
}

/* runs `cmds` (150 ms apart) in a live session of R (then freed), threads as p says; how many
 * made libtwcore collect */
static int run_counting(struct rb *R, struct call_probe *p, const char *const *cmds)
{
    twc_session *s = rb_open(R, TWC_LIVE);
    cr_assert(s);
    twc_set_thread_source(s, call_state, two_workers, p);
    twc_set_fact_collector(s, count_collect, p);
    for (int i = 0; cmds[i]; i++) {
        int st;
        if (i) nanosleep(&(struct timespec){ 0, 150 * 1000 * 1000 }, NULL);
        free(rb_exec(s, cmds[i], &st));
    }
    twc_close(s);
    rb_free(R);
    return p->collected;
}

/* how many of `cmds` (run 150 ms apart) made libtwcore collect, thread 104 asleep in call sys */
static int collections(long sys, const char *const *cmds)
{
    struct rb R;
    struct call_probe p = { sys, 0 };
    picture(&R, 1000);
    struct tw_task_rec *t = rb_task(&R, 4, "pauser-0", TW_TASK_POLLING);
    t->flags |= TW_TF_ROOT;
    t->os_tid = 104;
    t->state_ts = 1000;
    return run_counting(&R, &p, cmds);
}

Test(facts_needed, a_thread_in_pause_stops_the_target_for_tasks_only)
{
    const char *verdicts[] = { "deadlocks --json", "alerts", NULL }, *tasks[] = { "tasks", NULL };
    cr_assert_eq(collections(34, verdicts), 0, "deadlocks or alerts stopped the target for a thread in pause()");
    cr_assert_eq(collections(34, tasks), 1, "tasks did not stop it to show the wait");
    cr_assert_eq(collections(202, verdicts), 2, "a futex wait, maybe a lock the adapter never saw, was not collected");
}

/* A thread nobody named (apache's libapr workers): its start function, which the frames know,
 * only names it where an answer shows it. `deadlocks` and `alerts` with nothing to show do not
 * stop the target for it; `tasks` does, and so does a deadlock that is there to be shown. */
/* the record picture() made idx-th (0: waiter, 1: owner, 2: handler) */
static struct tw_task_rec *task_at(struct rb *R, uint32_t idx)
{
    struct tw_header *h = rb_hdr(R);
    return (struct tw_task_rec *)(R->buf + h->tasks.offset + (uint64_t)idx * h->tasks.stride);
}

static int unnamed_collections(int with_cycle, const char *const *cmds)
{
    struct rb R;
    struct call_probe p = { 34, 0 };
    picture(&R, 1000000000ull);
    /* live, the handler's poll is as old as the wall clock says, a long_poll to show: it ends */
    task_at(&R, 2)->state = TW_TASK_READY;
    struct tw_task_rec *t = rb_task(&R, 4, "server", TW_TASK_WAITING);
    t->flags |= TW_TF_ROOT;
    t->os_tid = 104;
    if (with_cycle) {   /* the owner of gate waits for door, which the waiter holds */
        rb_res(&R, 2, "door", TW_RES_MUTEX, 1);
        struct tw_task_rec *w = task_at(&R, 0), *o = task_at(&R, 1);
        o->state = TW_TASK_WAITING;
        rb_wait(o, TW_WAIT_ACQUIRE, 2, rb_site(&R, "/src/server.c", 20, "lock(&door)"));
        rb_edge(w, 2, TW_EDGE_HOLD, 1);
    }
    return run_counting(&R, &p, cmds);
}

Test(facts_needed, a_thread_nobody_named_stops_the_target_only_for_an_answer_that_shows_it)
{
    const char *verdicts[] = { "deadlocks --json", "alerts", NULL }, *tasks[] = { "tasks", NULL },
               *deadlocks[] = { "deadlocks", NULL };
    cr_assert_eq(unnamed_collections(0, verdicts), 0, "no deadlock and no alert, yet the target was stopped for a name");
    cr_assert_eq(unnamed_collections(0, tasks), 1, "tasks did not stop it to name the thread");
    cr_assert_eq(unnamed_collections(1, deadlocks), 1, "a deadlock to show, and its names were not collected");
}
