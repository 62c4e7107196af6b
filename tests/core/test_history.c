/* History: merged ordering, seq numbers, back/forward/at/now, as_of on every command, the
 * horizon, back --await, undo/redo round trips (validate), and rewinding a million events. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "region_builder.h"

static struct rb R;

static double now_s(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }  /* CPU time: the build machine is shared */

/* one task that waits on a mutex, woken, then waits again: a small real history */
static void small_history(void)
{
    struct rb_sizes sz = { 8, 8, 8, 2, 64, 4096 };
    rb_init(&R, &sz);
    uint32_t site = rb_site(&R, "loop.c", 7, "lock(&m)");
    struct tw_res_rec *m = rb_res(&R, 1, "m", TW_RES_MUTEX, 1);
    struct tw_task_rec *t = rb_task(&R, 1, "looper", TW_TASK_WAITING);
    uint32_t v = 0, rv = 0;
    rb_event(&R, 0, 10, TW_EV_RES_CREATE, 0, 1, ++rv, 1, TW_RES_MUTEX, TW_EVF_RES_VERSION);
    rb_event(&R, 0, 20, TW_EV_SPAWN, 1, 0, ++v, 0, 0, 0);
    for (int it = 0; it < 3; it++) {
        uint64_t b = 100 + it * 100;
        rb_event(&R, 0, b, TW_EV_POLL_BEGIN, 1, 0, ++v, it ? TW_TASK_READY : TW_TASK_READY, 0, 0);
        rb_event(&R, 0, b + 1, TW_EV_ACQUIRE_REQ, 1, 1, ++v, 0, (uint16_t)site, 0);
        if (it < 2) {
            rb_event(&R, 1, b + 2, TW_EV_ACQUIRE, 1, 1, ++rv, TW_PACK_WAIT(site, TW_WAIT_ACQUIRE, 1, 0), 1, TW_EVF_RES_VERSION);
            rb_event(&R, 1, b + 3, TW_EV_RELEASE, 1, 1, ++rv, 0, 1, TW_EVF_RES_VERSION);
        }
        rb_event(&R, 0, b + 4, TW_EV_POLL_END, 1, 0, ++v, TW_TASK_POLLING, it < 2 ? (TW_POLL_READY | TW_TASK_READY << 8) : (TW_POLL_PENDING | TW_TASK_WAITING << 8), 0);
    }
    t->version = v; t->polls = 3;
    rb_wait(t, TW_WAIT_ACQUIRE, 1, site);
    m->version = rv;
    m->available = 1;   /* free again after the last release */
}

Test(history, back_forward_at_now_and_as_of)
{
    small_history();
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "tasks --json");
    cr_assert(strstr(o, "\"as_of\":null"), "%s", o);
    free(o);
    o = rb_ok(s, "log 100 --json");
    cr_assert(strstr(o, "\"seq\":0,"), "%s", o);
    cr_assert(strstr(o, "\"type\":\"acquire_req\""), "%s", o);
    cr_assert(strstr(o, "\"type\":\"poll_end\""), "%s", o);
    free(o);
    /* seq = event number in its ring x 2 rings + ring: 15 events, the third newest is ring 0's
     * event 8 (the last poll_begin), #16 */
    o = rb_ok(s, "back 2 --json");
    cr_assert(strstr(o, "\"as_of\":16"), "%s", o);
    free(o);
    o = rb_ok(s, "tasks --json");
    cr_assert(strstr(o, "\"as_of\":16"), "%s", o);
    cr_assert(strstr(o, "\"state\":\"polling\""), "rewound task must be polling: %s", o);
    free(o);
    o = rb_ok(s, "tasks");
    cr_assert(strstr(o, "-- as of event #16"), "%s", o);
    free(o);
    o = rb_ok(s, "at 2 --json");   /* ring 0's event 1: the spawn */
    cr_assert(strstr(o, "\"type\":\"spawn\""), "%s", o);
    free(o);
    o = rb_ok(s, "tasks --all --json");
    cr_assert(strstr(o, "\"state\":\"ready\""), "%s", o);
    cr_assert(strstr(o, "\"polls\":0"), "%s", o);
    free(o);
    o = rb_ok(s, "forward 1000 --json");
    cr_assert(strstr(o, "\"as_of\":null"), "%s", o);
    free(o);
    o = rb_ok(s, "back 1000");
    cr_assert(strstr(o, "history reaches back only to #0"), "%s", o);
    free(o);
    o = rb_ok(s, "now --json");
    cr_assert(strstr(o, "\"as_of\":null"), "%s", o);
    free(o);
    int st;
    o = rb_exec(s, "at 99", &st);
    cr_assert_eq(st, TWC_ENOTFOUND, "an event outside the history is not found");
    twc_close(s);
    rb_free(&R);
}

Test(history, back_await_goes_to_the_previous_iteration)
{
    small_history();
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "back --await 1 --json");
    /* acquire_req of the 2nd iteration: ring 0's event 6, #12 */
    cr_assert(strstr(o, "\"as_of\":12"), "%s", o);
    cr_assert(strstr(o, "\"type\":\"acquire_req\""), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(history, round_trip_validates_and_detects_tampering)
{
    small_history();
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "validate");
    cr_assert(strstr(o, "valid ("), "%s", o);
    free(o);
    twc_close(s);
    /* tamper: the record says ready, the log's last poll left it waiting */
    ((struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset))->state = TW_TASK_READY;
    s = rb_open(&R, 0);
    int st;
    o = rb_exec(s, "validate", &st);
    cr_assert_eq(st, TWC_ECORRUPT, "%s", o);
    cr_assert(o && strstr(o, "undo then replay does not reproduce"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(history, wrapped_rings_set_the_horizon_and_seq_base)
{
    struct rb_sizes sz = { 4, 4, 4, 2, 8, 4096 };
    rb_init(&R, &sz);
    struct tw_task_rec *a = rb_task(&R, 1, "a", TW_TASK_READY), *b = rb_task(&R, 2, "b", TW_TASK_READY);
    uint32_t va = 1, vb = 1;
    for (int i = 0; i < 20; i++) { va++; rb_event(&R, 0, 100 + i * 10, TW_EV_WAKER_CLONE, 1, 0, va, (uint64_t)(va - 2), 0, 0); }
    for (int i = 0; i < 5; i++) { vb++; rb_event(&R, 1, 105 + i * 10, TW_EV_WAKER_CLONE, 2, 0, vb, (uint64_t)(vb - 2), 0, 0); }
    a->version = va; a->wakers_alive = 20; b->version = vb; b->wakers_alive = 5;
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "log 100 --json");
    /* ring 0 holds its last 8 of 20, and the oldest of them sits in the slot a writer would
     * fill next (it may be half rewritten in any image): 13 are overwritten. The first retained
     * event is ring 1's event 0, #1; ring 0 lost everything before its oldest trusted event,
     * its event 13, #26: that is the horizon */
    cr_assert(strstr(o, "\"events\":[{\"seq\":1,"), "%s", o);
    cr_assert(strstr(o, "\"horizon\":26,"), "%s", o);
    free(o);
    o = rb_ok(s, "validate");
    cr_assert(strstr(o, "valid"), "%s", o);
    free(o);
    o = rb_ok(s, "back 1000 --json");
    cr_assert(strstr(o, "\"as_of\":26"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* The seq and timestamp of ring 1's event at time 315 in one read's log. */
static void seq_and_ts_of_315(twc_session *s, unsigned long long *seq, unsigned long long *ts)
{
    char *o = rb_ok(s, "log 100 --json");
    char *p = strstr(o, "\"ts_ns\":315,");
    cr_assert(p, "%s", o);
    while (p > o && strncmp(p, "{\"seq\":", 7)) p--;
    cr_assert_eq(sscanf(p, "{\"seq\":%llu,\"ts_ns\":%llu", seq, ts), 2, "%s", p);
    free(o);
}

Test(history, an_event_keeps_its_number_while_other_rings_wrap)
{
    struct rb_sizes sz = { 4, 4, 4, 2, 8, 4096 };
    rb_init(&R, &sz);
    struct tw_task_rec *a = rb_task(&R, 1, "a", TW_TASK_READY), *b = rb_task(&R, 2, "b", TW_TASK_READY);
    uint32_t va = 1, vb = 1;
    for (int i = 0; i < 3; i++) { va++; rb_event(&R, 0, 100 + i * 10, TW_EV_WAKER_CLONE, 1, 0, va, (uint64_t)(va - 2), 0, 0); }
    for (int i = 0; i < 3; i++) { vb++; rb_event(&R, 1, 305 + i * 10, TW_EV_WAKER_CLONE, 2, 0, vb, (uint64_t)(vb - 2), 0, 0); }
    a->version = va; a->wakers_alive = 3; b->version = vb; b->wakers_alive = 3;
    twc_session *s = rb_open(&R, 0);
    unsigned long long seq1, ts1, seq2, ts2;
    seq_and_ts_of_315(s, &seq1, &ts1);
    twc_close(s);
    /* ring 0 records on and wraps: 12 of its events are overwritten meanwhile */
    for (int i = 3; i < 20; i++) { va++; rb_event(&R, 0, 100 + i * 10, TW_EV_WAKER_CLONE, 1, 0, va, (uint64_t)(va - 2), 0, 0); }
    a->version = va; a->wakers_alive = 20;
    s = rb_open(&R, 0);
    seq_and_ts_of_315(s, &seq2, &ts2);
    cr_assert_eq(seq2, seq1, "the event at 315 was #%llu, then #%llu", seq1, seq2);
    cr_assert_eq(ts2, ts1);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "at %llu --json", seq1);
    char *o = rb_ok(s, cmd);
    cr_assert(strstr(o, "\"ts_ns\":315,"), "at #%llu must name the same event: %s", seq1, o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(history, entity_version_beats_clock_skew)
{
    struct rb_sizes sz = { 4, 4, 4, 2, 8, 4096 };
    rb_init(&R, &sz);
    struct tw_res_rec *m = rb_res(&R, 1, "m", TW_RES_MUTEX, 1);
    rb_task(&R, 1, "a", TW_TASK_READY); rb_task(&R, 2, "b", TW_TASK_READY);
    /* thread 1's clock runs ahead: its acquire (v2) is stamped later than thread 2's release (v3) */
    rb_event(&R, 0, 500, TW_EV_ACQUIRE, 1, 1, 2, 0, 1, TW_EVF_RES_VERSION);
    rb_event(&R, 1, 400, TW_EV_RELEASE, 1, 1, 3, 0, 1, TW_EVF_RES_VERSION);
    m->version = 3;
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "log --json");
    char *acq = strstr(o, "\"acquire\""), *rel = strstr(o, "\"release\"");
    cr_assert(acq && rel && acq < rel, "acquire must come before release: %s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(history, rewinding_a_million_events_is_fast)
{
    /* one slot more than the events: a ring that never wrapped keeps all of them */
    struct rb_sizes sz = { 4, 4, 4, 1, 1000001, 4096 };
    rb_init(&R, &sz);
    struct tw_task_rec *t = rb_task(&R, 1, "busy", TW_TASK_READY);
    uint32_t v = 1;
    int32_t alive = 0;
    for (int i = 0; i < 1000000; i++) {
        int create = i % 2 == 0;
        rb_event(&R, 0, 1000 + (uint64_t)i, create ? TW_EV_WAKER_CREATE : TW_EV_WAKER_DROP, 1, 0, ++v, (uint64_t)(uint32_t)alive, 0, 0);
        alive += create ? 1 : -1;
    }
    t->version = v; t->wakers_alive = alive;
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "log 1");
    free(o);
    double t0 = now_s();
    o = rb_ok(s, "back 999999 --json");
    free(o);
    o = rb_ok(s, "task 1 --json");
    double dt = now_s() - t0;
    cr_assert(strstr(o, "\"as_of\":0"), "%.200s", o);
    cr_assert(strstr(o, "\"wakers_alive\":1"), "after the first create one waker is alive: %.300s", o);
    free(o);
    cr_log_info("rewinding 999,999 events took %.3f s", dt);
    cr_assert_lt(dt, 1.0, "rewinding 1,000,000 events took %.3f s", dt);
    twc_close(s);
    rb_free(&R);
}

/* A task blocks receiving on a channel, a sender outside any task sends, the task is woken and
 * takes the message: with the waker recorded as WAKER_CREATE / WAKER_DROP events (folded = 0)
 * or folded into the BLOCK_EMPTY and RECV (TW_EVF_WAKER, ABI 1.5), or with the BLOCK_EMPTY also
 * folded into the POLL_END that follows it (folded = 2, ABI 1.6). */
static void blocking_receive(int folded)
{
    struct rb_sizes sz = { 8, 8, 8, 2, 64, 4096 };
    rb_init(&R, &sz);
    uint32_t site = rb_site(&R, "rx.c", 9, "recv(&c)");
    struct tw_res_rec *c = rb_res(&R, 1, "c", TW_RES_CHANNEL, 1);
    struct tw_task_rec *t = rb_task(&R, 1, "rx", TW_TASK_READY);
    uint32_t v = 0, rv = 0;
    uint64_t ts = 10;
    uint8_t wk = folded ? TW_EVF_WAKER : 0;
    rb_event(&R, 0, ts++, TW_EV_RES_CREATE, 0, 1, ++rv, 1, TW_RES_CHANNEL, TW_EVF_RES_VERSION);
    rb_event(&R, 0, ts++, TW_EV_SPAWN, 1, 0, ++v, 0, 0, 0);
    rb_event(&R, 0, ts++, TW_EV_POLL_BEGIN, 1, 0, ++v, TW_TASK_READY, 0, 0);
    if (folded == 2) {
        rb_event(&R, 0, ts++, TW_EV_POLL_END, 1, 1, ++v, TW_POLL_END_OLD(TW_TASK_POLLING, site, 0),
                 TW_POLL_PENDING | TW_TASK_WAITING << 8, (uint8_t)(TW_WAIT_RECV << 4 | TW_EVF_WAKER));
    } else {
        rb_event(&R, 0, ts++, TW_EV_BLOCK_EMPTY, 1, 1, ++v, 0, (uint16_t)site, wk);
        if (!folded) rb_event(&R, 0, ts++, TW_EV_WAKER_CREATE, 1, 0, ++v, 0, 0, 0);
        rb_event(&R, 0, ts++, TW_EV_POLL_END, 1, 0, ++v, TW_TASK_POLLING, TW_POLL_PENDING | TW_TASK_WAITING << 8, 0);
    }
    rb_event(&R, 1, ts++, TW_EV_SEND, 0, 1, ++rv, 0, 1, TW_EVF_RES_VERSION);
    rb_event(&R, 1, ts++, TW_EV_WAKE, 1, 0, ++v, TW_TASK_WAITING, 0, 0);
    rb_event(&R, 0, ts++, TW_EV_POLL_BEGIN, 1, 0, ++v, TW_TASK_READY, 0, 0);
    if (!folded) rb_event(&R, 0, ts++, TW_EV_WAKER_DROP, 1, 0, ++v, 1, 0, 0);
    rb_event(&R, 0, ts++, TW_EV_RECV, 1, 1, ++rv, TW_PACK_WAIT(site, TW_WAIT_RECV, 1, 0), 1, TW_EVF_RES_VERSION | wk);
    rb_event(&R, 0, ts++, TW_EV_POLL_END, 1, 0, ++v, TW_TASK_POLLING, TW_POLL_READY | TW_TASK_READY << 8, 0);
    t->version = v; t->polls = 2; t->wakes = 1; t->wakers_alive = 0;
    c->version = rv;
    c->available = 1; /* as the shim: a channel's capacity */
}

/* What "task 1" says of its wakes, wakers and wait (from "wakes" to "poll time:") after
 * undoing the newest `back` events (0: the present). */
static char *task_at(int back)
{
    twc_session *s = rb_open(&R, 0);
    char cmd[32];
    if (back) { snprintf(cmd, sizeof cmd, "back %d", back); free(rb_ok(s, cmd)); }
    char *o = rb_ok(s, "task 1"), *from = strstr(o, "wakes "), *to = from ? strstr(from, "poll time:") : NULL;
    cr_assert(to, "%s", o);
    char *part = strndup(from, (size_t)(to - from));
    free(o);
    twc_close(s);
    return part;
}

Test(history, a_waker_folded_into_its_wait_replays_to_the_same_model)
{
    /* the same moments all three ways: in the wait (the message sent, the task not yet woken),
     * and back before the wait began; the folded streams have two (three) events fewer after
     * the wait began */
    char *moment[3][3];
    static const int in_wait[3] = { 5, 4, 4 }, before[3] = { 9, 7, 6 };
    for (int folded = 0; folded < 3; folded++) {
        blocking_receive(folded);
        twc_session *s = rb_open(&R, 0);
        int st;
        char *o = rb_exec(s, "validate", &st);
        cr_assert(o && strstr(o, "valid ("), "%s stream: %s", folded ? "folded" : "unfolded", o);
        free(o);
        twc_close(s);
        moment[folded][0] = task_at(0);
        moment[folded][1] = task_at(in_wait[folded]);
        moment[folded][2] = task_at(before[folded]);
        /* in the wait, `back --await` finds where it began: the BLOCK_EMPTY, or the POLL_END that
         * carries it */
        s = rb_open(&R, 0);
        char cmd[32];
        snprintf(cmd, sizeof cmd, "back %d", in_wait[folded]);
        free(rb_ok(s, cmd));
        o = rb_ok(s, "back --await 1");
        cr_assert(strstr(o, folded == 2 ? "poll_end" : "block_empty") && strstr(o, "began this await"), "%s", o);
        free(o);
        twc_close(s);
        rb_free(&R);
    }
    for (int f = 1; f < 3; f++) {
        cr_assert(strstr(moment[f][1], "wakers alive 1"), "in the wait, the waker is alive: %s", moment[f][1]);
        cr_assert(strstr(moment[f][1], "waits (recv)"), "%s", moment[f][1]);
        cr_assert(strstr(moment[f][0], "wakers alive 0"), "%s", moment[f][0]);
        for (int i = 0; i < 3; i++)
            cr_assert_str_eq(moment[f][i], moment[0][i], "moment %d: folded (%d)\n%s\nunfolded\n%s", i, f, moment[f][i], moment[0][i]);
    }
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < 3; i++) free(moment[f][i]);
}
