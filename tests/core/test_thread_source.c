/* The kernel's view of a live target's threads reaches libtwcore only through the thread source
 * a frontend sets (twc_set_thread_source): without one, a live session's figures run to the
 * image's newest timestamp, as a core's do — libtwcore does not go and read /proc of the pid the
 * region names (another pid namespace's, or another host's). With one, "now" for a target held
 * stopped is the latest moment the source proves a thread ran. The clock is in nanoseconds
 * (clock_kind 2) and anchored at 0, so raw timestamps are CLOCK_MONOTONIC. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "region_builder.h"

static struct rb R;

/* Task 1 ready since 1000; another task's event at 5000 is the image's newest moment. */
static void ready_task(int pid)
{
    struct rb_sizes sz = { 4, 4, 4, 2, 64, 4096 };
    rb_init(&R, &sz);
    struct tw_header *h = rb_hdr(&R);
    h->pid = pid;
    h->anchor_raw = 0;
    h->anchor_ns = 0;
    struct tw_task_rec *t = rb_task(&R, 1, "waiter", TW_TASK_READY), *o = rb_task(&R, 2, "other", TW_TASK_READY);
    rb_event(&R, 0, 10, TW_EV_SPAWN, 1, 0, 1, 0, TW_TASK_READY, 0);
    t->version = 1; t->created_ts = 10; t->state_ts = 1000;
    rb_event(&R, 1, 5000, TW_EV_WAKER_CLONE, 2, 0, 2, 1, 0, 0);
    o->version = 2; o->wakers_alive = 2; o->created_ts = o->state_ts = 5;
}

static unsigned long long scheduled_ns_of_task_1(twc_session *s)
{
    int st;
    char *o = rb_exec(s, "tasks --json", &st);
    cr_assert_not_null(o, "tasks failed with %d", st);
    const char *p = strstr(o, "\"id\":1,");
    cr_assert(p, "%s", o);
    p = strstr(p, "\"scheduled_ns\":");
    cr_assert(p, "%s", o);
    unsigned long long v = 0;
    cr_assert_eq(sscanf(p, "\"scheduled_ns\":%llu", &v), 1, "%s", p);
    free(o);
    return v;
}

Test(thread_source, without_one_a_live_session_reads_no_proc_of_the_pid_the_region_names)
{
    /* the region names this very process, running on this host: reading its /proc would give
     * a "now" of the monotonic clock, seconds past the image */
    ready_task((int)getpid());
    twc_session *s = rb_open(&R, TWC_LIVE);
    cr_assert_eq(scheduled_ns_of_task_1(s), 5000 - 1000);
    twc_close(s);
    rb_free(&R);
}

struct fake { char state; double start, cpu, run, queue; int asked_one, asked_all; uint32_t tid_asked; };

static int fake_one(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    struct fake *f = ctx;
    (void)want;
    f->asked_one++;
    f->tid_asked = tid;
    if (tid != 77) return -1;
    *k = (struct twc_kthread){ .state = f->state, .in_syscall = -1, .start_ns = f->start, .cpu_ns = f->cpu,
                               .run_ns = f->run, .queue_ns = f->queue, .since_ran_ns = -1 };
    return 0;
}

static size_t fake_all(void *ctx, uint32_t *tids, size_t max)
{
    ((struct fake *)ctx)->asked_all++;
    if (max) tids[0] = 77;
    return 1;
}

Test(thread_source, a_target_held_stopped_is_as_late_as_its_threads_provably_ran)
{
    ready_task(4242);
    twc_session *s = rb_open(&R, TWC_LIVE);
    /* started at 100, on a CPU or queued for 7900 ns in all: it ran until at least 8000 */
    struct fake f = { .state = 't', .start = 100, .cpu = 3000, .run = 6000, .queue = 1900 };
    twc_set_thread_source(s, fake_one, fake_all, &f);
    cr_assert_eq(scheduled_ns_of_task_1(s), 8000 - 1000);
    cr_assert(f.asked_all > 0 && f.asked_one > 0 && f.tid_asked == 77);
    twc_close(s);
    rb_free(&R);
}

Test(thread_source, a_core_never_asks_the_source)
{
    ready_task(4242);
    twc_session *s = rb_open(&R, 0);
    struct fake f = { .state = 't', .start = 100, .cpu = 3000, .run = 6000, .queue = 1900 };
    twc_set_thread_source(s, fake_one, fake_all, &f);
    cr_assert_eq(scheduled_ns_of_task_1(s), 5000 - 1000);
    cr_assert_eq(f.asked_all + f.asked_one, 0);
    twc_close(s);
    rb_free(&R);
}

Test(thread_source, the_stock_source_reads_this_process_threads)
{
    int pid = (int)getpid();
    uint32_t tids[64];
    size_t n = twc_proc_kthreads(&pid, tids, 64);
    cr_assert(n >= 1 && n <= 64, "%zu threads", n);
    struct twc_kthread k;
    cr_assert_eq(twc_proc_kthread(&pid, (uint32_t)gettid(), TWC_KT_TIMES | TWC_KT_SINCE_RAN, &k), 0);
    cr_assert_eq(k.state, 'R');
    cr_assert(k.start_ns > 0 && k.cpu_ns >= 0 && k.run_ns > 0 && k.queue_ns >= 0);
    int nobody = 0;
    cr_assert_neq(twc_proc_kthread(&nobody, 1, TWC_KT_TIMES, &k), 0);
    cr_assert_eq(twc_proc_kthreads(&nobody, tids, 64), 0);
}

/* A poll in progress for 100 ms on thread 100 (ring 0's), a thread running now whose run queue
 * held it for nothing; the control area says readers stopped the process: for 60 ms that `tw`
 * timed (ABI 1.7), or for a time nobody knows (a debugger's). */
static int running_thread(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    (void)ctx; (void)want;
    if (tid != 100) return -1;
    *k = (struct twc_kthread){ .state = 'R', .in_syscall = 0, .start_ns = 0, .cpu_ns = 1e6, .run_ns = 1e6,
                               .queue_ns = 0, .since_ran_ns = 0 };
    return 0;
}
static size_t ring_thread(void *ctx, uint32_t *tids, size_t max)
{
    (void)ctx;
    if (max) tids[0] = 100;
    return 1;
}

static char *task_polling_100ms(uint32_t stops, uint32_t timed, uint32_t stopped_us)
{
    struct rb_sizes sz = { 4, 4, 4, 2, 64, 4096 };
    rb_init(&R, &sz);
    struct tw_header *h = rb_hdr(&R);
    h->pid = 4242;
    h->anchor_raw = 0;
    h->anchor_ns = 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t began = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec - 100000000ull;
    struct tw_task_rec *t = rb_task(&R, 1, "hog", TW_TASK_POLLING);
    rb_event(&R, 0, began - 1000, TW_EV_SPAWN, 1, 0, 1, 0, TW_TASK_READY, 0);
    rb_event(&R, 0, began, TW_EV_POLL_BEGIN, 1, 0, 2, TW_TASK_READY, 0, 0);
    t->version = 2; t->created_ts = began - 1000; t->state_ts = began; t->os_tid = 100; t->polls = 1;
    struct tw_control *c = (struct tw_control *)((char *)h + h->control_offset);
    c->reader_stops = stops; c->timed_stops = timed; c->stopped_us = stopped_us;
    twc_session *s = rb_open(&R, TWC_LIVE);
    twc_set_thread_source(s, running_thread, ring_thread, NULL);
    int st;
    char *o = rb_exec(s, "task 1", &st);
    cr_assert_not_null(o, "task 1 failed with %d", st);
    twc_close(s);
    rb_free(&R);
    return o;
}

Test(thread_source, a_poll_in_progress_is_told_without_the_stops_readers_timed)
{
    char *o = task_polling_100ms(2, 1, 60000);
    const char *p = strstr(o, "polling for ");
    double wall = 0, ran = 0;
    cr_assert(p && sscanf(p, "polling for %lfms, at least %lfms of it not preempted", &wall, &ran) == 2, "%s", o);
    /* both figures are printed rounded to 0.1 ms, each on its own: 0.1 of slack either way */
    cr_assert(wall >= 100 && wall < 1000 && ran <= wall - 59.9 && ran >= wall - 61.1, "the timed 60 ms stop: %s", o);
    free(o);
    o = task_polling_100ms(2, 0, 0);
    cr_assert(strstr(o, "(may include preemption: a debugger stopped the process since its thread last measured a poll)"),
              "a stop nobody timed: %s", o);
    free(o);
    o = task_polling_100ms(0, 0, 0);
    p = strstr(o, "polling for ");
    cr_assert(p && sscanf(p, "polling for %lfms, at least %lfms of it not preempted", &wall, &ran) == 2 && ran >= wall - 1,
              "no stop: %s", o);
    free(o);
}
