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

/* thread task 1 "loop" waits since ts 1000 for 300 ms (the clock reads 1 ns per unit) on mutex 7
 * "cfg_lock", held by thread task 2 "holder"; flags are the loop's */
static char *alerts_of_loop(uint8_t flags, const char *opts)
{
    struct rb R;
    rb_init(&R, &SZ);
    rb_hdr(&R)->anchor_raw = 0;
    rb_hdr(&R)->anchor_ns = 0;
    rb_res(&R, 7, "cfg_lock", TW_RES_MUTEX, 1)->available = 0;
    struct tw_task_rec *t = rb_task(&R, 1, "loop", TW_TASK_WAITING);
    t->flags |= TW_TF_ROOT | flags;
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
    char cmd[64];
    snprintf(cmd, sizeof cmd, "alerts --json%s", opts);
    char *o = rb_ok(s, cmd);
    twc_close(s);
    rb_free(&R);
    return o;
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
