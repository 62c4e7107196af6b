/* Event loop threads (core/loop_polls.c): a thread task flagged TW_TF_LOOP waiting in a call
 * inside its poll (not its loop wait) past --blocking-poll-ms is blocking_in_poll, naming the
 * call, the object and its holder from the region alone; the same thread idle in its loop wait
 * (TW_TF_LOOP_WAIT), or a thread that never ran a loop, raises nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static const struct rb_sizes SZ = { 32, 32, 32, 2, 64, 8192 };

/* task 1 "loop" waits since ts 1000 for 300 ms (the clock reads 1 ns per unit) on mutex 7
 * "cfg_lock", held by thread task 2 "holder"; flags are task 1's; the output of cmd */
static char *run_on_blocked(uint8_t flags, const char *cmd)
{
    struct rb R;
    rb_init(&R, &SZ);
    rb_hdr(&R)->anchor_raw = 0;
    rb_hdr(&R)->anchor_ns = 0;
    rb_res(&R, 7, "cfg_lock", TW_RES_MUTEX, 1)->available = 0;
    struct tw_task_rec *t = rb_task(&R, 1, "loop", TW_TASK_WAITING);
    t->flags |= flags;
    t->os_tid = 101;
    t->state_ts = 1000;
    rb_wait(t, TW_WAIT_ACQUIRE, 7, rb_site(&R, "/src/loop.c", 30, "pthread_mutex_lock"));
    struct tw_task_rec *h = rb_task(&R, 2, "holder", TW_TASK_WAITING);
    h->flags |= TW_TF_ROOT | TW_TF_TIMED;
    h->os_tid = 102;
    rb_wait(h, TW_WAIT_TIMER, 0, rb_site(&R, "/src/loop.c", 12, "sleep"));
    rb_edge(h, 7, TW_EDGE_HOLD, 1);
    rb_event(&R, 0, 1000, TW_EV_POLL_END, 1, 0, 2, TW_TASK_POLLING, 0, 0);
    rb_event(&R, 1, 1000 + 300000000, TW_EV_POLL_END, 2, 0, 2, TW_TASK_POLLING, 0, 0);
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    char *o = rb_ok(s, cmd);
    twc_close(s);
    rb_free(&R);
    return o;
}

static char *alerts_of_loop(uint8_t flags, const char *opts)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "alerts --json%s", opts);
    return run_on_blocked(TW_TF_ROOT | flags, cmd);
}

/* Under tw run the pthread adapter records a runtime task's blocking call inside its poll as a
 * wait (TW_TF_IN_CALL, ABI 1.7): the record has the task waiting, but its worker thread is in
 * the call. It read "waiting … pthread_mutex_lock" and raised nothing, where the same program
 * without the adapter raised blocking_in_poll. Now it is polling, blocked in the call, and the
 * alert names the call, the object, its holder and the site. */
Test(loop_polls, a_runtime_task_blocked_in_a_call_inside_its_poll_is_blocking_in_poll)
{
    char *o = run_on_blocked(TW_TF_IN_CALL, "alerts --json");
    cr_assert(strstr(o, "loop (1) has blocked its worker thread 101 for 300.0 ms inside a poll: blocked in "
                        "pthread_mutex_lock on cfg_lock held by holder (2) at loop.c:30"), "%s", o);
    free(o);
    o = run_on_blocked(TW_TF_IN_CALL, "tasks");
    cr_assert(strstr(o, "polling") && strstr(o, "blocked in pthread_mutex_lock on cfg_lock held by holder (2) at loop.c:30"), "%s", o);
    free(o);
    o = run_on_blocked(TW_TF_IN_CALL, "tasks --json");
    cr_assert(strstr(o, "\"blocked_in\":{\"thread\":101,\"call\":\"pthread_mutex_lock\",\"timed\":false,"), "%s", o);
    cr_assert(strstr(o, "\"name\":\"cfg_lock\",\"owner\":null,\"held_by_task\":2,\"file\":\"/src/loop.c\",\"line\":30"), "%s", o);
    free(o);
    o = run_on_blocked(0, "alerts --json");   /* an ordinary wait: nothing */
    cr_assert(!strstr(o, "blocking_in_poll"), "%s", o);
    free(o);
    o = run_on_blocked(TW_TF_IN_CALL | TW_TF_ROOT, "alerts --json");   /* a thread's own task never has it */
    cr_assert(!strstr(o, "blocking_in_poll"), "%s", o);
    free(o);
}

Test(loop_polls, a_wait_inside_an_event_loops_poll_is_blocking_in_poll)
{
    char *o = alerts_of_loop(TW_TF_LOOP, "");
    cr_assert(strstr(o, "\"kind\":\"blocking_in_poll\",\"task\":1"), "%s", o);
    cr_assert(strstr(o, "loop (1) has blocked its event loop (thread 101) for 300.0 ms inside a poll: blocked in "
                        "pthread_mutex_lock on cfg_lock held by holder (2) at loop.c:30"), "%s", o);
    free(o);
    o = alerts_of_loop(TW_TF_LOOP, " --blocking-poll-ms 400");
    cr_assert(!strstr(o, "blocking_in_poll"), "the threshold is the option's: %s", o);
    free(o);
}

Test(loop_polls, an_idle_loop_or_a_thread_without_a_loop_raises_nothing)
{
    char *o = alerts_of_loop(TW_TF_LOOP | TW_TF_LOOP_WAIT, "");
    cr_assert(!strstr(o, "blocking_in_poll"), "idle in its loop wait: %s", o);
    free(o);
    o = alerts_of_loop(0, "");
    cr_assert(!strstr(o, "blocking_in_poll"), "never ran a loop: %s", o);
    free(o);
}

/* an event loop thread (1) whose longest turn held a timer callback's poll (task 2, polled on
 * the same thread) that was long itself: one stall, told once, by the callback */
static char *alerts_of_nested(uint32_t inner_ran_us)
{
    struct rb R;
    rb_init(&R, &SZ);
    rb_hdr(&R)->anchor_raw = 0;
    rb_hdr(&R)->anchor_ns = 0;
    rb_hdr(&R)->abi_minor = 3;   /* figures only, no preemption measure: as a core of an old shim */
    struct tw_task_rec *t = rb_task(&R, 1, "loop", TW_TASK_WAITING);
    t->flags |= TW_TF_ROOT | TW_TF_LOOP | TW_TF_LOOP_WAIT;
    t->os_tid = 101;
    t->max_poll_us = 2000000;
    rb_wait(t, TW_WAIT_IO, 0, rb_site(&R, "/src/loop.c", 30, "epoll_wait"));
    struct tw_task_rec *c = rb_task(&R, 2, "timer", TW_TASK_WAITING);
    c->os_tid = 101;
    c->polls = 3;
    c->max_poll_us = inner_ran_us;
    rb_wait(c, TW_WAIT_TIMER, 0, rb_site(&R, "/src/loop.c", 12, "uv_timer_start"));
    rb_event(&R, 0, 1000, TW_EV_POLL_END, 1, 0, 2, TW_TASK_POLLING, 0, 0);
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    char *o = rb_ok(s, "alerts --json");
    twc_close(s);
    rb_free(&R);
    return o;
}

Test(loop_polls, a_long_callback_inside_a_loops_turn_is_told_once_by_the_callback)
{
    char *o = alerts_of_nested(1900000);
    cr_assert(strstr(o, "\"kind\":\"long_poll\",\"task\":2"), "%s", o);
    cr_assert(!strstr(o, "\"kind\":\"long_poll\",\"task\":1"), "the loop's turn is the callback's stall: %s", o);
    free(o);
    o = alerts_of_nested(1000);
    cr_assert(strstr(o, "\"kind\":\"long_poll\",\"task\":1"), "the loop's own long turn, with short callbacks: %s", o);
    free(o);
}
