/* Thread tasks asleep in calls no adapter wraps (core/kernel_waits.c): a frontend lends the
 * threads' kernel state (twc_set_thread_facts); a thread's task the region shows polling whose
 * thread is blocked is waiting on the outside world at its program frame, and no long_poll. A
 * running thread, and a runtime task (not TW_TF_ROOT) on a blocked worker thread, are left as
 * the region has them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "region_builder.h"

static const struct rb_sizes SZ = { 32, 32, 32, 2, 64, 8192 };

/* tasks 1 (thread 101, blocked in sigsuspend), 2 (thread 102, running), 3 (a runtime task on
 * blocked thread 103), all polling since the region's start (long past the threshold) */
static twc_session *three_polling(struct rb *R)
{
    rb_init(R, &SZ);
    const char *names[] = { "master", "worker", "coroutine" };
    for (uint32_t i = 0; i < 3; i++) {
        struct tw_task_rec *t = rb_task(R, i + 1, names[i], TW_TASK_POLLING);
        t->os_tid = 101 + i;
        if (i < 2) t->flags |= TW_TF_ROOT;
    }
    twc_session *s = rb_open(R, 0);
    cr_assert(s);
    struct twc_fact_thread th[] = {
        { .tid = 101, .name = "master", .block = TWC_BLOCK_SLEEP, .file = "/src/master.c", .line = 42, .func = "master_cycle" },
        { .tid = 102, .name = "worker", .block = TWC_BLOCK_NONE },
        { .tid = 103, .name = "pool", .block = TWC_BLOCK_IO },
    };
    cr_assert_eq(twc_set_thread_facts(s, th, 3), TWC_OK);
    return s;
}

/* tasks --json of s, which must show task NAME in STATE; returned for more checks (free it) */
static char *expect_state(twc_session *s, const char *name, const char *state)
{
    int st;
    char *o = rb_exec(s, "tasks --json", &st), want[96];
    cr_assert(o, "status %d", st);
    snprintf(want, sizeof want, "\"name\":\"%s\",\"state\":\"%s\"", name, state);
    cr_assert(strstr(o, want), "want %s in %s", want, o);
    return o;
}

Test(kernel_waits, a_thread_task_asleep_in_the_kernel_is_waiting_at_its_frame)
{
    struct rb R;
    twc_session *s = three_polling(&R);
    char *o = expect_state(s, "master", "waiting");
    cr_assert(strstr(o, "\"await\":{\"file\":\"/src/master.c\",\"line\":42,\"expr\":\"waiting in the kernel\",\"func\":\"master_cycle\"}"), "%s", o);
    cr_assert(strstr(o, "\"wait_kind\":\"io\""), "%s", o);
    free(o);
    free(expect_state(s, "worker", "polling"));      /* running: as the region has it */
    free(expect_state(s, "coroutine", "polling"));   /* a runtime task: not this file's to judge */
    twc_close(s);
    rb_free(&R);
}

/* master is waiting, then `after` happens, then master is polling again */
static void no_longer_waiting_after(void (*after)(struct rb *, twc_session *))
{
    struct rb R;
    twc_session *s = three_polling(&R);
    free(expect_state(s, "master", "waiting"));
    after(&R, s);
    free(expect_state(s, "master", "polling"));
    twc_close(s);
    rb_free(&R);
}

static void take_back(struct rb *R, twc_session *s)
{
    (void)R;
    cr_assert_eq(twc_set_thread_facts(s, NULL, 0), TWC_OK);
}

/* master recorded an event (a poll ended and began again, say), and a live session re-reads */
static void master_moves_on(struct rb *R, twc_session *s)
{
    ((struct tw_task_rec *)(R->buf + rb_hdr(R)->tasks.offset))->version += 2;
    cr_assert_eq(twc_refresh(s, NULL, 0), TWC_OK);
}

/* a program without line information: the function names the site, as the adapter's do */
Test(kernel_waits, without_a_line_the_function_is_named)
{
    struct rb R;
    rb_init(&R, &SZ);
    struct tw_task_rec *t = rb_task(&R, 1, "nginx", TW_TASK_POLLING);
    t->os_tid = 101;
    t->flags |= TW_TF_ROOT;
    twc_session *s = rb_open(&R, 0);
    struct twc_fact_thread th = { .tid = 101, .block = TWC_BLOCK_SLEEP, .func = "ngx_master_process_cycle" };
    cr_assert_eq(twc_set_thread_facts(s, &th, 1), TWC_OK);
    char *o = expect_state(s, "nginx", "waiting");
    cr_assert(strstr(o, "\"await\":{\"file\":\"?\",\"line\":0,\"expr\":\"waiting in the kernel in ngx_master_process_cycle\""), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(kernel_waits, lent_facts_can_be_taken_back) { no_longer_waiting_after(take_back); }

/* a live session re-reads the region before each command, the lent facts stay: once the task has
 * recorded anything since they were first applied, they describe a moment that is over */
Test(kernel_waits, a_fact_outlived_by_the_task_is_not_applied) { no_longer_waiting_after(master_moves_on); }

/* Live, the console stops the threads from `from` to `to`, then lends what it saw. A thread it
 * found in the kernel that, once let go, began a new poll before the lending must not keep the
 * wait: the facts date from the stop, not from when they were lent. One polling since before
 * the stop still is waiting. (The clock is ns anchored at 0: raw timestamps are monotonic ns.) */
/* A region whose clock is ns anchored at 0, with task 1 (NAME), thread 101's own, polling since
 * poll_began. */
static void one_thread_polling(struct rb *R, const char *name, uint64_t poll_began)
{
    rb_init(R, &SZ);
    rb_hdr(R)->anchor_raw = 0;
    rb_hdr(R)->anchor_ns = 0;
    struct tw_task_rec *t = rb_task(R, 1, name, TW_TASK_POLLING);
    t->os_tid = 101;
    t->flags |= TW_TF_ROOT;
    t->state_ts = poll_began;
}

static void lent_after_a_stop(uint64_t poll_began, const char *want)
{
    struct rb R;
    one_thread_polling(&R, "loop", poll_began);
    twc_session *s = rb_open(&R, TWC_LIVE);
    cr_assert(s);
    twc_set_reader_stop(s, 1000, 2000);
    struct twc_fact_thread th = { .tid = 101, .block = TWC_BLOCK_IO, .file = "/src/loop.c", .line = 7, .func = "run" };
    cr_assert_eq(twc_set_thread_facts(s, &th, 1), TWC_OK);
    free(expect_state(s, "loop", want));
    twc_close(s);
    rb_free(&R);
}

Test(kernel_waits, a_poll_begun_after_the_stop_is_not_the_stopped_wait) { lent_after_a_stop(2500, "polling"); }
Test(kernel_waits, a_poll_begun_before_the_stop_is_the_wait_the_stop_saw) { lent_after_a_stop(500, "waiting"); }

/* validate judges the region alone: the lent facts rewrite master (polling since its
 * poll_begin event) to waiting, which no replay of that event reproduces; afterwards they apply
 * again */
Test(kernel_waits, validate_judges_the_region_without_the_lent_facts)
{
    struct rb R;
    rb_init(&R, &SZ);
    struct tw_task_rec *t = rb_task(&R, 1, "master", TW_TASK_POLLING);
    t->os_tid = 101;
    t->flags |= TW_TF_ROOT;
    t->state_ts = 1000;
    t->version = 2;
    t->polls = 1;
    rb_event(&R, 0, 1000, TW_EV_POLL_BEGIN, 1, 0, 2, TW_TASK_READY | TW_TF_ROOT << 8, 0, 0);
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    struct twc_fact_thread th = { .tid = 101, .name = "master", .block = TWC_BLOCK_SLEEP, .file = "/src/master.c", .line = 42 };
    cr_assert_eq(twc_set_thread_facts(s, &th, 1), TWC_OK);
    free(expect_state(s, "master", "waiting"));
    int st;
    char *o = rb_exec(s, "validate --json", &st);
    cr_assert(o && strstr(o, "\"valid\":true"), "status %d: %s", st, o ? o : "");
    free(o);
    free(expect_state(s, "master", "waiting"));
    twc_close(s);
    rb_free(&R);
}

/* a runtime task polling on a worker asleep in pthread_mutex_lock for 300 ms, on a mutex
 * thread 104 ("reloader") owns: it stays polling, with blocked_in naming the call, the mutex
 * and its owner, and raises blocking_in_poll, not long_poll; why ends there (blocked_polls.c) */
Test(kernel_waits, a_runtime_task_on_a_blocked_worker_is_a_blocked_poll)
{
    struct rb R;
    rb_init(&R, &SZ);
    rb_hdr(&R)->anchor_raw = 0;
    rb_hdr(&R)->anchor_ns = 0;
    struct tw_task_rec *t = rb_task(&R, 3, "reader", TW_TASK_POLLING);
    t->os_tid = 103;
    t->state_ts = 1000;
    rb_event(&R, 0, 1000, TW_EV_POLL_BEGIN, 3, 0, 2, TW_TASK_READY, 0, 0);
    rb_task(&R, 4, "ticker", TW_TASK_READY)->os_tid = 105;
    rb_event(&R, 0, 1000 + 300000000, TW_EV_WAKE, 4, 0, 2, TW_TASK_WAITING, 0, 0);
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    struct twc_fact_thread th[] = {
        { .tid = 103, .name = "worker", .block = TWC_BLOCK_MUTEX, .object = 0x5000, .file = "/src/reader.c", .line = 9, .func = "read_cfg" },
        { .tid = 104, .name = "reloader", .block = TWC_BLOCK_SLEEP },
    };
    struct twc_fact_object ob = { .addr = 0x5000, .kind = TW_RES_MUTEX, .owner_tid = 104 };
    cr_assert_eq(twc_set_thread_facts(s, th, 2), TWC_OK);
    cr_assert_eq(twc_set_thread_objects(s, &ob, 1), TWC_OK);
    char *o = expect_state(s, "reader", "polling");
    cr_assert(strstr(o, "\"blocked_in\":{\"thread\":103,\"call\":\"pthread_mutex_lock\",\"timed\":false,\"object\":20480"), "%s", o);
    /* a core keeps no thread names: the owner is a thread id */
    cr_assert(strstr(o, "\"owner\":{\"thread\":104,\"name\":null,\"running_task\":null}"), "%s", o);
    free(o);
    o = rb_ok(s, "alerts --json");
    cr_assert(strstr(o, "\"kind\":\"blocking_in_poll\",\"task\":3"), "%s", o);
    cr_assert(!strstr(o, "\"kind\":\"long_poll\""), "%s", o);
    free(o);
    o = rb_ok(s, "alerts --json --blocking-poll-ms 400");
    cr_assert(!strstr(o, "blocking_in_poll"), "the threshold is the option's: %s", o);
    free(o);
    o = rb_ok(s, "why 3 --json");
    cr_assert(strstr(o, "\"end\":\"blocked_in_poll\""), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* Under the pthread adapter a std::future's wait is a futex call it never sees (issue 22): the
 * frontend's stop saw main in std::future::wait on the shared state's word 0x7000 and deliver
 * blocked too. main waits on a `future` resource, named as attach-only names it, at its site
 * with the call; its setter is unknown. Every task is blocked, but the region recorded no wait
 * of main's: the global deadlock is possible, never certain (kernel_objects.c, proof.c). */
Test(kernel_waits, a_future_wait_the_adapter_never_saw_is_a_wait_on_a_future)
{
    struct rb R;
    rb_init(&R, &SZ);
    struct tw_task_rec *t = rb_task(&R, 1, "cpp-future", TW_TASK_POLLING);
    t->os_tid = 101;
    t->flags |= TW_TF_ROOT;
    t = rb_task(&R, 2, "deliver", TW_TASK_WAITING);
    t->os_tid = 102;
    t->flags |= TW_TF_ROOT;
    t->wait_kind = TW_WAIT_SIGNAL;
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    struct twc_fact_thread th[] = {
        { .tid = 101, .block = TWC_BLOCK_FUTURE, .object = 0x7000, .file = "/src/future.cpp", .line = 21, .func = "main" },
        { .tid = 102, .block = TWC_BLOCK_COND, .object = 0x8000 },
    };
    cr_assert_eq(twc_set_thread_facts(s, th, 2), TWC_OK);
    char *o = expect_state(s, "cpp-future", "waiting");
    cr_assert(strstr(o, "\"expr\":\"std::future::wait(&0x7000)\""), "%s", o);
    cr_assert(strstr(o, "\"name\":\"cpp-future\",\"state\":\"waiting\""), "%s", o);
    cr_assert(strstr(o, "\"waiting_on\":[28672]"), "%s", o);
    free(o);
    o = rb_ok(s, "resources --json");
    cr_assert(strstr(o, "{\"id\":28672,\"name\":\"0x7000\",\"kind\":\"future\""), "%s", o);
    free(o);
    o = rb_ok(s, "deadlocks --json");
    cr_assert(strstr(o, "\"certain\":false,\"global\":true"), "%s", o);
    cr_assert(strstr(o, "cpp-future waits in a call the adapter does not record"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* A futex word nothing names (no C++ wait object: a Rust std Mutex, glibc's internal locks)
 * stays a wait on the outside world, as before: no resource, no deadlock through it. */
Test(kernel_waits, an_unidentified_futex_stays_a_kernel_wait)
{
    struct rb R;
    rb_init(&R, &SZ);
    struct tw_task_rec *t = rb_task(&R, 1, "main", TW_TASK_POLLING);
    t->os_tid = 101;
    t->flags |= TW_TF_ROOT;
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    struct twc_fact_thread th = { .tid = 101, .block = TWC_BLOCK_UNKNOWN, .object = 0x7000, .file = "/src/m.c", .line = 3 };
    cr_assert_eq(twc_set_thread_facts(s, &th, 1), TWC_OK);
    char *o = expect_state(s, "main", "waiting");
    cr_assert(strstr(o, "\"expr\":\"futex wait (in the kernel)\""), "%s", o);
    cr_assert(strstr(o, "\"wait_kind\":\"io\""), "%s", o);
    free(o);
    o = rb_ok(s, "resources --json");
    cr_assert(!strstr(o, "28672"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* A thread's task the region shows polling since its thread began, whose thread the stop found
 * asleep in the kernel: its poll's time is the wait's (idle), busy at most the thread's CPU time
 * (the thread source's; 0.3 ms here). Without a source (a core) when the wait began is unknown:
 * neither. The clock is ns anchored at 0. */
static int asleep_thread(void *ctx, uint32_t tid, unsigned want, struct twc_kthread *k)
{
    (void)ctx; (void)want;
    if (tid != 101) return -1;
    *k = (struct twc_kthread){ .state = 'S', .in_syscall = 1, .start_ns = 0, .cpu_ns = 300000, .run_ns = 300000,
                               .queue_ns = 0, .since_ran_ns = -1 };
    return 0;
}
static size_t one_thread(void *ctx, uint32_t *tids, size_t max) { (void)ctx; if (max) tids[0] = 101; return 1; }

static void kernel_wait_times(int live, long long busy, int idle)
{
    struct rb R;
    one_thread_polling(&R, "local_wait", 1000);
    rb_task(&R, 2, "main", TW_TASK_WAITING)->state_ts = 5000;   /* a core's figures run to here */
    twc_session *s = rb_open(&R, live ? TWC_LIVE : 0);
    cr_assert(s);
    if (live) twc_set_thread_source(s, asleep_thread, one_thread, NULL);
    struct twc_fact_thread th = { .tid = 101, .block = TWC_BLOCK_UNKNOWN, .object = 0x7ffd1000, .file = "/src/w.cpp", .line = 9 };
    cr_assert_eq(twc_set_thread_facts(s, &th, 1), TWC_OK);
    char *o = expect_state(s, "local_wait", "waiting"), want[64], *main_task = strstr(o, ",{\"id\":2,");
    cr_assert(main_task, "%s", o);
    *main_task = 0;   /* local_wait's record only */
    snprintf(want, sizeof want, "\"busy_ns\":%lld,", busy);
    cr_expect(strstr(o, want), "want %s in %s", want, o);
    cr_expect(idle ? !strstr(o, "\"idle_ns\":0,") : strstr(o, "\"idle_ns\":0,") != NULL, "idle %d in %s", idle, o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(kernel_waits, a_kernel_wait_is_idle_time_not_busy) { kernel_wait_times(1, 300000, 1); }
Test(kernel_waits, a_kernel_wait_whose_start_is_unknown_is_neither) { kernel_wait_times(0, 0, 0); }
