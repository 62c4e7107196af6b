/* Figures as of the moment shown: busy, ready-wait and idle include the state a task is in up
 * to the image's time (its newest timestamp), and a rewound view rewinds them with everything
 * else. The clock is in nanoseconds (clock_kind 2), so raw timestamps are the figures. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;

/* A task spawned at 10, polled 100..150 (pending: it waits), woken at 1000 and ready since;
 * another task's event at 5000 is the image's time. */
static void poll_wait_wake(void)
{
    struct rb_sizes sz = { 4, 4, 4, 2, 64, 4096 };
    rb_init(&R, &sz);
    struct tw_task_rec *t = rb_task(&R, 1, "sleeper", TW_TASK_READY), *o = rb_task(&R, 2, "other", TW_TASK_READY);
    rb_event(&R, 0, 10, TW_EV_SPAWN, 1, 0, 1, 0, TW_TASK_READY, 0);
    rb_event(&R, 0, 100, TW_EV_POLL_BEGIN, 1, 0, 2, TW_TASK_READY, 0, 0);
    rb_event(&R, 0, 150, TW_EV_POLL_END, 1, 0, 3, TW_TASK_POLLING, TW_POLL_PENDING | TW_TASK_WAITING << 8, 0);
    rb_event(&R, 0, 1000, TW_EV_WAKE, 1, 0, 4, TW_TASK_WAITING, 0, 0);
    t->version = 4; t->polls = 1; t->created_ts = 10; t->state_ts = 1000;
    t->scheduled = 90; t->busy = 50; t->idle = 850;
    rb_event(&R, 1, 5000, TW_EV_WAKER_CLONE, 2, 0, 2, 1, 0, 0);
    o->version = 2; o->wakers_alive = 2; o->created_ts = o->state_ts = 5;
}

/* "busy_ns":B,"scheduled_ns":S,"idle_ns":I of task 1 in a tasks/task JSON line */
static void figures(const char *o, unsigned long long *busy, unsigned long long *sched, unsigned long long *idle)
{
    const char *p = strstr(o, "\"id\":1,");
    cr_assert(p, "%s", o);
    p = strstr(p, "\"busy_ns\":");
    cr_assert(p, "%s", o);
    cr_assert_eq(sscanf(p, "\"busy_ns\":%llu,\"scheduled_ns\":%llu,\"idle_ns\":%llu", busy, sched, idle), 3, "%s", p);
}

Test(figures, the_state_a_task_is_in_counts_up_to_the_images_time)
{
    poll_wait_wake();
    twc_session *s = rb_open(&R, 0);
    unsigned long long b, r, i;
    char *o = rb_ok(s, "tasks --json");
    figures(o, &b, &r, &i);
    /* ready since 1000, and the image's newest timestamp is 5000: 4000 more of ready-wait */
    cr_assert_eq(r, 90 + 4000, "%s", o);
    cr_assert_eq(b, 50);
    cr_assert_eq(i, 850);
    free(o);
    o = rb_ok(s, "tasks --limit 1 --json");   /* the lazy reader adds it too */
    figures(o, &b, &r, &i);
    cr_assert_eq(r, 90 + 4000, "%s", o);
    free(o);
    o = rb_ok(s, "task 1");
    cr_assert(strstr(o, "ready-wait 4.1us"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(figures, a_waiting_task_has_waited_until_now)
{
    poll_wait_wake();
    /* not woken: waiting since its poll ended at 150 */
    struct tw_task_rec *t = (struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset);
    t->state = TW_TASK_WAITING; t->state_ts = 150; t->idle = 0; t->version = 3;
    struct tw_ring_desc *d = (struct tw_ring_desc *)(R.buf + rb_hdr(&R)->rings.offset);
    d->head = 3;   /* drop the wake */
    twc_session *s = rb_open(&R, 0);
    unsigned long long b, r, i;
    char *o = rb_ok(s, "tasks --json");
    figures(o, &b, &r, &i);
    cr_assert_eq(i, 5000 - 150, "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(figures, history_rewinds_the_times)
{
    poll_wait_wake();
    twc_session *s = rb_open(&R, 0);
    unsigned long long b, r, i;
    /* ring 0, 2 rings: the poll_end is ring 0's event 2, #4; the poll_begin #2 */
    char *o = rb_ok(s, "at 4 --json");
    cr_assert(strstr(o, "\"type\":\"poll_end\""), "%s", o);
    free(o);
    o = rb_ok(s, "tasks --json");
    figures(o, &b, &r, &i);
    cr_assert(b == 50 && r == 90 && i == 0, "at the poll's end: busy %llu ready %llu idle %llu: %s", b, r, i, o);
    free(o);
    o = rb_ok(s, "at 2 --json");
    free(o);
    o = rb_ok(s, "tasks --json");
    figures(o, &b, &r, &i);
    cr_assert(b == 0 && r == 90 && i == 0, "at the poll's beginning: busy %llu ready %llu idle %llu: %s", b, r, i, o);
    free(o);
    o = rb_ok(s, "at 6 --json");   /* the wake at 1000: it waited 850 */
    free(o);
    o = rb_ok(s, "task 1 --json");
    figures(o, &b, &r, &i);
    cr_assert(b == 50 && r == 90 && i == 850, "at the wake: busy %llu ready %llu idle %llu: %s", b, r, i, o);
    free(o);
    twc_close(s);
    rb_free(&R);
}
