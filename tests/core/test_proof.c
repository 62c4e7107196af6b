/* "Certain means proven" (DESIGN.md) on hand-built regions read as live targets: a runner
 * stands for the frontend's second sample and may make the program move in between. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static const struct rb_sizes SZ = { 32, 32, 32, 2, 64, 8192 };

struct runner { int calls; unsigned ms; int refuse; struct tw_task_rec *moves; struct tw_res_rec *wakes; };

static int run_target(void *ctx, unsigned ms, char *why, size_t n)
{
    struct runner *r = ctx;
    r->calls++;
    r->ms = ms;
    if (r->refuse) { snprintf(why, n, "the test refuses"); return -1; }
    if (r->moves) { r->moves->version++; r->moves->state = TW_TASK_READY; }   /* it was woken meanwhile */
    if (r->wakes) r->wakes->wake_state = (uint64_t)1 << 32 | 1;               /* a signal came meanwhile */
    return 0;
}

static char *live_deadlocks(struct runner *run)
{
    twc_session *s = rb_open(&R, TWC_LIVE);
    cr_assert_not_null(s);
    if (run) twc_set_runner(s, run_target, run);
    int st;
    char *o = rb_exec(s, "deadlocks --json", &st);
    cr_assert_not_null(o, "deadlocks failed (%d)", st);
    twc_close(s);
    return o;
}

/* two tasks on a condvar nobody else can signal */
static struct tw_res_rec *everyone_waits_on_a_condvar(struct tw_task_rec **first)
{
    struct tw_res_rec *cv = rb_res(&R, 3, "cv", TW_RES_CONDVAR, 0);
    *first = rb_task(&R, 1, "left", TW_TASK_WAITING);
    rb_wait(*first, TW_WAIT_SIGNAL, 3, 0);
    rb_wait(rb_task(&R, 2, "right", TW_TASK_WAITING), TW_WAIT_SIGNAL, 3, 0);
    return cv;
}

Test(proof, global_is_certain_after_a_second_sample_that_agrees)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *t;
    everyone_waits_on_a_condvar(&t);
    struct runner run = { 0 };
    char *o = live_deadlocks(&run);
    cr_assert_eq(run.calls, 1);
    cr_assert_geq(run.ms, 100, "a second sample must be >= 100 ms later, asked for %u", run.ms);
    cr_assert(strstr(o, "\"certain\":true,\"global\":true"), "%s", o);
    cr_assert(strstr(o, "two samples"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(proof, global_without_a_second_sample_is_possible_and_says_why)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *t;
    everyone_waits_on_a_condvar(&t);
    char *o = live_deadlocks(NULL);
    cr_assert(strstr(o, "\"certain\":false,\"global\":true"), "%s", o);
    cr_assert(strstr(o, "cannot let the target run"), "%s", o);
    free(o);
    struct runner run = { .refuse = 1 };
    o = live_deadlocks(&run);
    cr_assert(strstr(o, "\"certain\":false,\"global\":true"), "%s", o);
    cr_assert(strstr(o, "the test refuses"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(proof, a_member_that_moves_between_samples_is_no_deadlock)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *t;
    everyone_waits_on_a_condvar(&t);
    struct runner run = { 0 };
    run.moves = t;
    char *o = live_deadlocks(&run);
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(proof, a_wake_in_flight_between_samples_is_no_deadlock)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *t;
    struct tw_res_rec *cv = everyone_waits_on_a_condvar(&t);
    struct runner run = { 0 };
    run.wakes = cv;
    char *o = live_deadlocks(&run);
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(proof, a_signalled_waiter_is_not_blocked)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *t;
    struct tw_res_rec *cv = everyone_waits_on_a_condvar(&t);
    cv->wake_state = (uint64_t)2 << 32 | 1;   /* two waiters, one signal not yet taken */
    struct runner run = { 0 };
    char *o = live_deadlocks(&run);
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    twc_session *s = rb_open(&R, TWC_LIVE);
    int st;
    o = rb_exec(s, "why 1 --json", &st);
    cr_assert(strstr(o, "\"end\":\"exit\""), "%s", o);
    cr_assert(strstr(o, "a wake is in flight"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(proof, a_waiter_on_a_mutex_nobody_holds_is_not_blocked)
{
    rb_init(&R, &SZ);
    rb_res(&R, 3, "m", TW_RES_MUTEX, 1);
    rb_wait(rb_task(&R, 1, "taker", TW_TASK_WAITING), TW_WAIT_ACQUIRE, 3, 0);
    rb_wait(rb_task(&R, 2, "sleeper", TW_TASK_WAITING), TW_WAIT_SIGNAL, 4, 0);
    rb_res(&R, 4, "cv", TW_RES_CONDVAR, 0);
    struct runner run = { 0 };
    char *o = live_deadlocks(&run);
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(proof, a_mutex_cycle_needs_no_second_sample)
{
    rb_init(&R, &SZ);
    rb_res(&R, 10, "a", TW_RES_MUTEX, 1)->available = 0;
    rb_res(&R, 11, "b", TW_RES_MUTEX, 1)->available = 0;
    struct tw_task_rec *x = rb_task(&R, 1, "x", TW_TASK_WAITING), *y = rb_task(&R, 2, "y", TW_TASK_WAITING);
    rb_edge(x, 10, TW_EDGE_HOLD, 1); rb_wait(x, TW_WAIT_ACQUIRE, 11, 0);
    rb_edge(y, 11, TW_EDGE_HOLD, 1); rb_wait(y, TW_WAIT_ACQUIRE, 10, 0);
    rb_task(&R, 3, "bystander", TW_TASK_POLLING);
    struct runner run = { 0 };
    char *o = live_deadlocks(&run);
    cr_assert_eq(run.calls, 0, "an ownership cycle must not wait for a second sample");
    cr_assert(strstr(o, "\"certain\":true,\"global\":false"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(proof, a_semaphore_ring_needs_two_samples)
{
    rb_init(&R, &SZ);
    for (int i = 0; i < 3; i++) rb_res(&R, 10 + i, "fork", TW_RES_SEMAPHORE, 1)->available = 0;
    for (int i = 0; i < 3; i++) {
        struct tw_task_rec *t = rb_task(&R, 1 + i, "phil", TW_TASK_WAITING);
        rb_edge(t, 10 + i, TW_EDGE_HOLD, 1);
        rb_wait(t, TW_WAIT_ACQUIRE, 10 + (i + 1) % 3, 0);
    }
    rb_task(&R, 9, "bystander", TW_TASK_POLLING);
    char *o = live_deadlocks(NULL);
    cr_assert(strstr(o, "\"certain\":false"), "%s", o);
    free(o);
    struct runner run = { 0 };
    o = live_deadlocks(&run);
    cr_assert_eq(run.calls, 1);
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    free(o);
    rb_free(&R);
}
