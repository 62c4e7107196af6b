/* Analyses on hand-built models: the wait-for graph by wait kind, certain vs possible
 * deadlocks, knot members only, global deadlocks, why chains, alerts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static const struct rb_sizes SZ = { 32, 32, 32, 2, 64, 8192 };

static char *run(const char *cmd)
{
    char *o = rb_run(&R, cmd);
    cr_assert(o && strncmp(o, "rb_run:", 7), "%s", o ? o : cmd);
    return o;
}
#define count rb_count

/* philosophers 1..n each hold fork (10+i) and wait for fork 10+(i+1)%n */
static void philosophers(int n)
{
    char nm[32];
    for (int i = 0; i < n; i++) { snprintf(nm, sizeof nm, "fork-%d", i); rb_res(&R, 10 + i, nm, TW_RES_MUTEX, 1)->available = 0; }
    uint32_t site = rb_site(&R, "deadlock.c", 41, "twrt_mutex_lock(&forks[i+1])");
    for (int i = 0; i < n; i++) {
        snprintf(nm, sizeof nm, "philosopher-%d", i);
        struct tw_task_rec *t = rb_task(&R, 1 + i, nm, TW_TASK_WAITING);
        rb_edge(t, 10 + i, TW_EDGE_HOLD, 1);
        rb_wait(t, TW_WAIT_ACQUIRE, 10 + (i + 1) % n, site);
    }
}

Test(deadlock, philosophers_are_one_certain_alternating_chain)
{
    rb_init(&R, &SZ);
    philosophers(4);
    struct tw_task_rec *hb = rb_task(&R, 9, "heartbeat", TW_TASK_WAITING);
    rb_wait(hb, TW_WAIT_TIMER, 0, 0);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    cr_assert_eq(count(o, "\"await\":"), 4, "%s", o);
    cr_assert_eq(count(o, "{\"resource\":"), 4, "%s", o);
    cr_assert_null(strstr(o, "heartbeat"), "%s", o);
    /* interleaved: task, resource, task, ... starting from the smallest id, each waiting on the next */
    const char *p = strstr(o, "\"chain\":[");
    cr_assert(p && !strncmp(p, "\"chain\":[{\"task\":1,\"name\":\"philosopher-0\"", 41), "%s", p);
    cr_assert(strstr(o, "{\"resource\":11,\"name\":\"fork-1\",\"kind\":\"mutex\",\"holders\":[{\"task\":2,\"name\":\"philosopher-1\"}]},{\"task\":2,"), "%s", o);
    free(o);
    o = run("deadlocks");
    cr_assert(strstr(o, "philosopher-0 (1) waits at deadlock.c:41 twrt_mutex_lock(&forks[i+1])\n    -> fork-1 (mutex) held by philosopher-1 (2)"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, joiner_behind_the_knot_is_not_a_member)
{
    rb_init(&R, &SZ);
    philosophers(2);
    struct tw_task_rec *j = rb_task(&R, 7, "main", TW_TASK_WAITING);
    rb_wait(j, TW_WAIT_JOIN, 1, 0);
    char *o = run("deadlocks --json");
    cr_assert_eq(count(o, "\"await\":"), 2, "%s", o);
    cr_assert_null(strstr(o, "\"main\""), "%s", o);
    free(o);
    o = run("why 7");
    cr_assert(strstr(o, "a cycle"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, paused_waiting_task_still_deadlocks)
{
    rb_init(&R, &SZ);
    philosophers(2);
    ((struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset))->paused = 1;
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, timed_wait_is_never_certain)
{
    rb_init(&R, &SZ);
    philosophers(2);
    ((struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset))->flags |= TW_TF_TIMED;
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    rb_free(&R);
}

static void channel_ring(int exit_sender)
{
    /* task i waits to receive on ch (20+i); task (i+1)%3 holds its sender */
    for (int i = 0; i < 3; i++) rb_res(&R, 20 + i, "ch", TW_RES_CHANNEL, 4);
    for (int i = 0; i < 3; i++) {
        struct tw_task_rec *t = rb_task(&R, 1 + i, "t", TW_TASK_WAITING);
        rb_wait(t, TW_WAIT_RECV, 20 + i, 0);
        rb_edge(t, 20 + (i + 2) % 3, TW_EDGE_SENDER, 1);
        rb_edge(t, 20 + i, TW_EDGE_RECEIVER, 1);
    }
    if (exit_sender) {
        struct tw_task_rec *x = rb_task(&R, 9, "outsider", TW_TASK_POLLING);
        rb_edge(x, 20, TW_EDGE_SENDER, 1);
    }
}

Test(deadlock, channel_cycle_is_certain)
{
    rb_init(&R, &SZ);
    channel_ring(0);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    cr_assert_eq(count(o, "\"await\":"), 3, "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, cycle_with_an_exit_is_possible)
{
    rb_init(&R, &SZ);
    channel_ring(1);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"certain\":false"), "%s", o);
    cr_assert_null(strstr(o, "\"certain\":true"), "%s", o);
    free(o);
    o = run("alerts --json");
    cr_assert(strstr(o, "\"kind\":\"possible_deadlock\""), "%s", o);
    cr_assert_null(strstr(o, "\"kind\":\"deadlock\""), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, channel_direction_by_state)
{
    /* producer blocked on a full channel; consumer holds the receiver and runs: healthy */
    rb_init(&R, &SZ);
    struct tw_res_rec *ch = rb_res(&R, 5, "jobs", TW_RES_CHANNEL, 2);
    ch->queued = 2;
    struct tw_task_rec *p = rb_task(&R, 1, "producer", TW_TASK_WAITING);
    rb_wait(p, TW_WAIT_SEND, 5, 0);
    rb_edge(p, 5, TW_EDGE_SENDER, 1);
    struct tw_task_rec *c = rb_task(&R, 2, "consumer", TW_TASK_WAITING);
    rb_edge(c, 5, TW_EDGE_RECEIVER, 1);
    rb_wait(c, TW_WAIT_TIMER, 0, 0);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    o = run("why 1");
    cr_assert(strstr(o, "jobs (channel) (full) whose receivers are consumer (2)"), "%s", o);
    free(o);
    /* now the consumer waits to receive on another empty channel only the producer feeds */
    rb_res(&R, 6, "acks", TW_RES_CHANNEL, 1);
    rb_wait(c, TW_WAIT_RECV, 6, 0);
    rb_edge(p, 6, TW_EDGE_SENDER, 1);
    o = run("deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    free(o);
    /* a receiver on a channel that still holds messages is not blocked on anyone */
    ((struct tw_res_rec *)(R.buf + rb_hdr(&R)->resources.offset + sizeof(struct tw_res_rec)))->queued = 1;
    o = run("deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, unconditional_intent_makes_a_waker)
{
    rb_init(&R, &SZ);
    rb_res(&R, 5, "ch", TW_RES_CHANNEL, 1);
    struct tw_task_rec *a = rb_task(&R, 1, "a", TW_TASK_WAITING);
    rb_wait(a, TW_WAIT_RECV, 5, 0);
    struct tw_task_rec *b = rb_task(&R, 2, "b", TW_TASK_READY);
    rb_edge(b, 5, TW_EDGE_INTENT_UNCOND, 1);
    b->edges[0].dir = TW_DIR_SEND;
    char *o = run("why 1");
    cr_assert(strstr(o, "whose senders are b (2)"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, global_when_every_task_waits_for_unknown_wakers)
{
    rb_init(&R, &SZ);
    rb_res(&R, 3, "go", TW_RES_NOTIFY, 0);
    rb_wait(rb_task(&R, 1, "left", TW_TASK_WAITING), TW_WAIT_SIGNAL, 3, 0);
    rb_wait(rb_task(&R, 2, "right", TW_TASK_WAITING), TW_WAIT_SIGNAL, 3, 0);
    rb_task(&R, 4, "finished", TW_TASK_DONE);
    char *o = run("deadlocks --json");
    /* a region opened as a core is one instant: "nobody else can wake them" needs two samples */
    cr_assert(strstr(o, "\"certain\":false,\"global\":true"), "%s", o);
    cr_assert(strstr(o, "two live samples >= 100 ms apart"), "%s", o);
    cr_assert_eq(count(o, "\"await\":"), 2, "%s", o);
    free(o);
    /* one running task could still signal: no deadlock */
    rb_task(&R, 5, "signaller", TW_TASK_POLLING);
    o = run("deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, recursive_lock_is_a_self_deadlock)
{
    rb_init(&R, &SZ);
    rb_res(&R, 3, "m", TW_RES_MUTEX, 1)->available = 0;
    struct tw_task_rec *t = rb_task(&R, 1, "self", TW_TASK_WAITING);
    rb_edge(t, 3, TW_EDGE_HOLD, 1);
    rb_wait(t, TW_WAIT_ACQUIRE, 3, 0);
    rb_task(&R, 2, "other", TW_TASK_POLLING);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(deadlock, ten_thousand_healthy_tasks_have_no_deadlock)
{
    struct rb_sizes sz = { 10200, 5100, 8, 1, 64, 1 << 20 };
    rb_init(&R, &sz);
    /* mutex users: holder running, waiters queued; ping-pong pairs; timers */
    for (uint32_t i = 0; i < 2000; i++) rb_res(&R, 1 + i, "m", TW_RES_MUTEX, 1)->available = 0;
    for (uint32_t i = 0; i < 2000; i++) rb_res(&R, 3001 + i, "ch", TW_RES_CHANNEL, 1);
    uint32_t id = 1;
    for (uint32_t i = 0; i < 2000; i++) {
        struct tw_task_rec *h = rb_task(&R, id++, "holder", i % 2 ? TW_TASK_POLLING : TW_TASK_READY);
        rb_edge(h, 1 + i, TW_EDGE_HOLD, 1);
        rb_wait(rb_task(&R, id++, "waiter", 0), TW_WAIT_ACQUIRE, 1 + i, 0);
    }
    for (uint32_t i = 0; i < 2000; i += 2) {
        struct tw_task_rec *a = rb_task(&R, id++, "ping", 0), *b = rb_task(&R, id++, "pong", TW_TASK_READY);
        rb_wait(a, TW_WAIT_RECV, 3001 + i, 0);
        rb_edge(a, 3002 + i, TW_EDGE_SENDER, 1); rb_edge(b, 3001 + i, TW_EDGE_SENDER, 1);
    }
    while (id <= 10000) rb_wait(rb_task(&R, id++, "sleeper", 0), TW_WAIT_TIMER, 0, 0);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%.300s", o);
    free(o);
    o = run("alerts --json");
    cr_assert_null(strstr(o, "\"kind\":\"deadlock\""));
    cr_assert_null(strstr(o, "\"kind\":\"long_poll\""));
    cr_assert_null(strstr(o, "\"kind\":\"lost_waker\""));
    cr_assert_null(strstr(o, "\"kind\":\"ready_starvation\""));
    free(o);
    rb_free(&R);
}

Test(alerts, lost_waker_and_long_poll_threshold)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *f = rb_task(&R, 1, "forgotten", TW_TASK_WAITING);
    rb_wait(f, TW_WAIT_PARK, 0, 0);
    f->wakers_alive = 0;
    struct tw_task_rec *w = rb_task(&R, 2, "kept", TW_TASK_WAITING);
    rb_wait(w, TW_WAIT_PARK, 0, 0);
    struct tw_task_rec *h = rb_task(&R, 3, "hog", TW_TASK_READY);
    /* one poll of 80 ms in the log, 79 ms of it not preempted (the shim measured it) */
    rb_event(&R, 0, 1000, TW_EV_POLL_BEGIN, 3, 0, 2, TW_TASK_READY, 0, 0);
    rb_event(&R, 0, 1000 + 80000000, TW_EV_POLL_END, 3, 0, 3, TW_TASK_POLLING, TW_POLL_READY | TW_TASK_READY << 8, 0);
    h->version = 3; h->polls = 1; h->max_poll_us = 80000; h->max_ran_us = 79000;
    char *o = run("alerts --json");
    cr_assert(strstr(o, "{\"kind\":\"lost_waker\",\"task\":1,"), "%s", o);
    cr_assert_null(strstr(o, "\"kind\":\"lost_waker\",\"task\":2"), "%s", o);
    cr_assert(strstr(o, "{\"kind\":\"long_poll\",\"task\":3,"), "%s", o);
    cr_assert(strstr(o, "\"doc\":\"docs/alerts/lost_waker.md\""), "%s", o);
    free(o);
    o = run("alerts --long-poll-ms 100 --json");
    cr_assert_null(strstr(o, "\"kind\":\"long_poll\""), "threshold override ignored: %s", o);
    free(o);
    rb_free(&R);
}

/* A poll is the task's fault only for the time its thread was not preempted: a poll of 150 ms
 * wall time that spent 145 ms in a run queue raises nothing, and tw task says so. A poll the
 * shim left unmeasured (it spanned a reader's stop) proves nothing; in a region from before the
 * shim measured (ABI 1.3), a wall-only figure counts from a second on, saying it may include
 * preemption. */
Test(alerts, a_preempted_poll_is_not_a_long_poll)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *c = rb_task(&R, 1, "consumer", TW_TASK_WAITING);
    c->polls = 40; c->max_poll_us = 150000; c->max_ran_us = 5000; c->longest_ran_us = 5000;
    struct tw_task_rec *o1 = rb_task(&R, 2, "unmeasured", TW_TASK_WAITING);
    o1->polls = 40; o1->max_poll_us = 300000;
    struct tw_task_rec *o2 = rb_task(&R, 3, "stuck-long", TW_TASK_WAITING);
    o2->polls = 40; o2->max_poll_us = 1500000;
    struct tw_task_rec *th = rb_task(&R, 4, "thread", TW_TASK_WAITING);
    th->flags = TW_TF_ROOT; th->polls = 3; th->max_poll_us = 2000000; th->max_ran_us = 2000000;
    char *o = run("alerts --json");
    cr_assert_null(strstr(o, "\"task\":1,"), "a mostly preempted poll: %s", o);
    cr_assert_null(strstr(o, "\"task\":2,"), "300 ms of wall time alone proves nothing: %s", o);
    cr_assert_null(strstr(o, "\"task\":3,"), "an unmeasured poll proves nothing: %s", o);
    cr_assert_null(strstr(o, "\"task\":4,"), "a thread's computation is not a poll: %s", o);
    free(o);
    rb_hdr(&R)->abi_minor = 3;   /* a shim that measured nothing: wall time from a second on */
    o = run("alerts --json");
    cr_assert_null(strstr(o, "\"task\":2,"), "%s", o);
    cr_assert(strstr(o, "{\"kind\":\"long_poll\",\"task\":3,"), "%s", o);
    cr_assert(strstr(o, "may include preemption"), "%s", o);
    free(o);
    rb_hdr(&R)->abi_minor = TW_ABI_MINOR;
    o = run("task 1");
    cr_assert(strstr(o, "longest poll: 150.0ms, at least 5.0ms of it not preempted"), "%s", o);
    free(o);
    o = run("task 1 --json");
    cr_assert(strstr(o, "\"max_poll_ran_ns\":5000000"), "%s", o);
    cr_assert(strstr(o, "\"longest_poll_ran_ns\":5000000"), "%s", o);
    free(o);
    rb_free(&R);
}

/* max_ran_us is the most of any poll not preempted, which may be another poll's than the longest:
 * redis under `tw run`, looked at twice during a 3.8 s EVAL (so that poll went unmeasured), said
 * "longest poll: 3.79s, at least 1.0us of it not preempted" from a short poll's figure. The
 * longest poll's own figure (ABI 1.7) is the only one told "of it"; before 1.7 none is. */
Test(alerts, the_longest_poll_is_told_only_its_own_time_not_preempted)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *t = rb_task(&R, 1, "lua", TW_TASK_WAITING);
    t->polls = 9; t->max_poll_us = 3790000; t->max_ran_us = 1; t->longest_ran_us = 0;
    char *o = run("task 1");
    cr_assert_null(strstr(o, "of it not preempted"), "%s", o);
    cr_assert(strstr(o, "longest poll: 3.79s (not measured: may include preemption or a reader's stop)"), "%s", o);
    cr_assert(strstr(o, "most of a poll not preempted: at least 1.0us"), "%s", o);
    free(o);
    o = run("task 1 --json");
    cr_assert(strstr(o, "\"longest_poll_ran_ns\":null"), "%s", o);
    cr_assert(strstr(o, "\"max_poll_ran_ns\":1000"), "%s", o);
    free(o);
    t->longest_ran_us = 3700000; t->max_ran_us = 3700000;
    o = run("task 1");
    cr_assert(strstr(o, "longest poll: 3.79s, at least 3.70s of it not preempted\n"), "%s", o);
    cr_assert_null(strstr(o, "most of a poll"), "one poll, told once: %s", o);
    free(o);
    rb_hdr(&R)->abi_minor = 6;   /* the record cannot tie max_ran_us to the longest poll */
    o = run("task 1");
    cr_assert_null(strstr(o, "of it not preempted"), "%s", o);
    cr_assert(strstr(o, "most of a poll not preempted: at least 3.70s"), "%s", o);
    free(o);
    rb_free(&R);
}

/* A slow poll long gone from the rings is still in the record: long_poll stays, and tw task
 * shows it; an ordinary longest poll raises nothing. */
Test(alerts, long_poll_from_the_record_after_the_rings_wrapped)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *h = rb_task(&R, 1, "hog", TW_TASK_WAITING);
    h->polls = 40; h->max_poll_us = 120000; h->max_ran_us = 120000;   /* no event left of that poll */
    struct tw_task_rec *q = rb_task(&R, 2, "quick", TW_TASK_WAITING);
    q->polls = 40; q->max_poll_us = 900;
    char *o = run("alerts --json");
    cr_assert(strstr(o, "{\"kind\":\"long_poll\",\"task\":1,"), "%s", o);
    cr_assert(strstr(o, "polled for 120.0 ms"), "%s", o);
    cr_assert_null(strstr(o, "\"task\":2,"), "%s", o);
    free(o);
    o = run("task 1 --json");
    cr_assert(strstr(o, "\"max_poll_ns\":120000000"), "%s", o);
    free(o);
    o = run("task 1");
    cr_assert(strstr(o, "longest poll: 120.0ms"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(alerts, counters_from_the_header)
{
    rb_init(&R, &SZ);
    rb_hdr(&R)->instr_errors = 3;
    rb_hdr(&R)->tasks.full = 2;
    char *o = run("alerts --json");
    cr_assert(strstr(o, "\"kind\":\"instrumentation_error\""), "%s", o);
    cr_assert(strstr(o, "\"kind\":\"dropped_events\""), "%s", o);
    free(o);
    rb_free(&R);
}

Test(alerts, instrumentation_overhead_split)
{
    struct rb_sizes sz = { 4, 4, 4, 1, 70000, 4096 };
    rb_init(&R, &sz);
    struct tw_task_rec *t = rb_task(&R, 1, "chatty", TW_TASK_READY);
    for (uint32_t i = 0; i < 60000; i++)
        rb_event(&R, 0, 1000 + i, TW_EV_ATTR, 1, 0, 2 + i, 0, 0, i % 3 ? TW_EVF_APP : 0);
    t->version = 60001;
    char *o = run("alerts --json");
    cr_assert(strstr(o, "\"kind\":\"instrumentation_overhead\""), "%.400s", o);
    cr_assert(strstr(o, "(20000 runtime, 40000 application)"), "%.400s", o);
    free(o);
    rb_free(&R);
}

Test(why, chain_to_a_running_holder)
{
    rb_init(&R, &SZ);
    rb_res(&R, 8, "db", TW_RES_MUTEX, 1)->available = 0;
    rb_wait(rb_task(&R, 1, "req", TW_TASK_WAITING), TW_WAIT_ACQUIRE, 8, rb_site(&R, "srv.c", 9, "lock(&db)"));
    rb_edge(rb_task(&R, 2, "writer", TW_TASK_POLLING), 8, TW_EDGE_HOLD, 1);
    char *o = run("why 1 --json");
    cr_assert(strstr(o, "\"end\":\"polling\",\"end_task\":2"), "%s", o);
    free(o);
    o = run("why 1");
    cr_assert(strstr(o, "req (1) waits at srv.c:9 lock(&db)\n  -> db (mutex) held by writer (2)\nwriter (2) is polling"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(alerts, starvation_by_a_hog_but_not_by_fair_overload)
{
    rb_init(&R, &SZ);
    struct tw_task_rec *hog = rb_task(&R, 1, "hog", TW_TASK_POLLING);
    hog->state_ts = 100;
    struct tw_task_rec *v = rb_task(&R, 2, "victim", TW_TASK_READY);
    v->state_ts = 200;
    struct tw_task_rec *w = rb_task(&R, 3, "sleeper", TW_TASK_WAITING);
    rb_wait(w, TW_WAIT_TIMER, 0, 0);
    w->state_ts = 1500000000ull;   /* "now" is the newest timestamp seen */
    char *o = run("alerts --json");
    cr_assert(strstr(o, "{\"kind\":\"ready_starvation\",\"task\":2,"), "%s", o);
    free(o);
    /* no hog: the only polls were of tasks ready before the victim (a long, fair queue) */
    hog->state = TW_TASK_READY; hog->state_ts = 50;
    struct tw_task_rec *early = rb_task(&R, 4, "early", TW_TASK_READY);
    rb_event(&R, 0, 150, TW_EV_WAKE, 4, 0, 2, TW_TASK_WAITING, 0, 0);
    rb_event(&R, 0, 1400000000ull, TW_EV_POLL_BEGIN, 4, 0, 3, TW_TASK_READY, 0, 0);
    rb_event(&R, 0, 1400001000ull, TW_EV_POLL_END, 4, 0, 4, TW_TASK_POLLING, TW_POLL_READY | TW_TASK_READY << 8, 0);
    early->version = 4; early->polls = 1;
    o = run("alerts --json");
    cr_assert_null(strstr(o, "ready_starvation"), "%s", o);
    free(o);
    rb_free(&R);
}
