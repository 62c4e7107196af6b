/* twc_snapshot_take: the model as C structs says what the commands' JSON says (tasks without
 * the finished ones, resources with holders/waiters/senders, deadlock chains, alerts, events);
 * it outlives its session; a point of history is snapshotted as of that event; freeing is
 * safe on an empty snapshot; bad arguments are usage errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static const struct rb_sizes SZ = { 16, 16, 16, 1, 64, 8192 };

/* tasks 1 and 2 deadlock over forks 10 and 11; task 3 sends on channel 20 and will send on it
 * again; task 4 has finished. */
static void model(void)
{
    rb_init(&R, &SZ);
    rb_res(&R, 10, "fork-0", TW_RES_MUTEX, 1)->available = 0;
    rb_res(&R, 11, "fork-1", TW_RES_MUTEX, 1)->available = 0;
    rb_res(&R, 20, "jobs", TW_RES_CHANNEL, 4);
    uint32_t site = rb_site(&R, "deadlock.c", 41, "lock(&fork[i+1])");
    struct tw_task_rec *a = rb_task(&R, 1, "phil-0", TW_TASK_WAITING);
    rb_edge(a, 10, TW_EDGE_HOLD, 1);
    rb_wait(a, TW_WAIT_ACQUIRE, 11, site);
    struct tw_task_rec *b = rb_task(&R, 2, "phil-1", TW_TASK_WAITING);
    rb_edge(b, 11, TW_EDGE_HOLD, 1);
    rb_wait(b, TW_WAIT_ACQUIRE, 10, site);
    struct tw_task_rec *p = rb_task(&R, 3, "producer", TW_TASK_READY);
    rb_edge(p, 20, TW_EDGE_SENDER, 1);
    rb_edge(p, 20, TW_EDGE_INTENT_UNCOND, 1);
    p->edges[1].dir = TW_DIR_SEND;
    rb_task(&R, 4, "finished", TW_TASK_DONE);
    rb_event(&R, 0, 10, TW_EV_POLL_BEGIN, 3, 0, 1, TW_TASK_READY, 0, 0);
    rb_event(&R, 0, 20, TW_EV_POLL_END, 3, 0, 2, TW_TASK_POLLING, 0, 0);
}

static twc_session *session(void)
{
    twc_session *s = rb_open(&R, 0);
    cr_assert_not_null(s);
    return s;
}

Test(snapshot, tasks_and_resources_are_what_the_json_lists)
{
    model();
    twc_session *s = session();
    struct twc_snapshot snap;
    char err[256];
    cr_assert_eq(twc_snapshot_take(s, 0, &snap, err, sizeof err), TWC_OK, "%s", err);
    cr_assert_eq(snap.ntasks, 3, "the finished task is left out, as `tasks` leaves it out");
    cr_assert_eq(snap.tasks[0].id, 1);
    cr_assert_str_eq(snap.tasks[0].name, "phil-0");
    cr_assert_str_eq(snap.tasks[0].state, "waiting");
    cr_assert_str_eq(snap.tasks[0].wait_kind, "acquire");
    cr_assert_str_eq(snap.tasks[0].await.file, "deadlock.c");
    cr_assert_eq(snap.tasks[0].await.line, 41);
    cr_assert_str_eq(snap.tasks[0].await.expr, "lock(&fork[i+1])");
    cr_assert_eq(snap.tasks[0].nwaiting_on, 1);
    cr_assert_eq(snap.tasks[0].waiting_on[0], 11);
    cr_assert_eq(snap.tasks[0].nholds, 1);
    cr_assert_eq(snap.tasks[0].holds[0], 10);
    const struct twc_task *p = twc_snapshot_task(&snap, 3);
    cr_assert_not_null(p);
    cr_assert_str_eq(p->wait_kind, "none");
    cr_assert_null(p->await.file, "a task that waits nowhere has no await site");
    cr_assert_eq(p->nwaiting_on, 0);
    cr_assert_null(p->waiting_on);
    cr_assert_eq(p->nsenders_of, 1);
    cr_assert_eq(p->senders_of[0], 20);
    cr_assert_eq(p->nintents, 1);
    cr_assert_eq(p->intents[0].resource, 20);
    cr_assert(p->intents[0].unconditional);
    cr_assert_str_eq(p->intents[0].dir, "send");
    cr_assert_null(twc_snapshot_task(&snap, 4));
    cr_assert_eq(snap.nresources, 3);
    const struct twc_resource *f = twc_snapshot_resource(&snap, 10);
    cr_assert_not_null(f);
    cr_assert_str_eq(f->name, "fork-0");
    cr_assert_str_eq(f->kind, "mutex");
    cr_assert_str_eq(f->class_name, "reusable");
    cr_assert_eq(f->nholders, 1);
    cr_assert_eq(f->holders[0], 1);
    cr_assert_eq(f->nwaiters, 1);
    cr_assert_eq(f->waiters[0], 2);
    const struct twc_resource *ch = twc_snapshot_resource(&snap, 20);
    cr_assert_eq(ch->nsenders, 1);
    cr_assert_eq(ch->senders[0], 3);
    cr_assert_eq(ch->nreceivers, 0);
    cr_assert(snap.at_now);
    cr_assert_eq(snap.ndeadlocks + snap.nalerts + snap.nevents, 0, "only what was asked for");
    /* the JSON of the same session says the same */
    char *o = rb_exec(s, "tasks --json", NULL);
    cr_assert(strstr(o, "{\"id\":1,\"name\":\"phil-0\",\"state\":\"waiting\""), "%s", o);
    cr_assert_eq(rb_count(o, "{\"id\":"), (int)snap.ntasks, "%s", o);
    free(o);
    twc_close(s);
    twc_snapshot_free(&snap);
    rb_free(&R);
}

Test(snapshot, finished_tasks_on_request_and_free_empties)
{
    model();
    twc_session *s = session();
    struct twc_snapshot snap;
    cr_assert_eq(twc_snapshot_take(s, TWC_SNAP_DONE, &snap, NULL, 0), TWC_OK);
    cr_assert_eq(snap.ntasks, 4, "TWC_SNAP_DONE lists finished tasks too, as `tasks --all`");
    cr_assert_str_eq(twc_snapshot_task(&snap, 4)->state, "done");
    twc_snapshot_free(&snap);
    cr_assert_eq(snap.ntasks, 0);
    cr_assert_null(snap.tasks);
    cr_assert_null(snap.mem);
    twc_snapshot_free(&snap);   /* twice: harmless */
    twc_snapshot_free(NULL);
    twc_close(s);
    rb_free(&R);
}

Test(snapshot, deadlocks_alerts_and_events_outlive_the_session)
{
    model();
    twc_session *s = session();
    struct twc_snapshot snap;
    char err[256];
    cr_assert_eq(twc_snapshot_take(s, TWC_SNAP_DEADLOCKS | TWC_SNAP_ALERTS | TWC_SNAP_EVENTS, &snap, err, sizeof err), TWC_OK,
                 "%s", err);
    twc_close(s);   /* everything below is the snapshot's own */
    cr_assert_eq(snap.ndeadlocks, 1);
    const struct twc_deadlock *d = &snap.deadlocks[0];
    cr_assert(d->certain);
    cr_assert_eq(d->nchain, 4, "task, resource, task, resource");
    cr_assert(d->chain[0].is_task);
    cr_assert_eq(d->chain[0].id, 1);
    cr_assert_str_eq(d->chain[0].name, "phil-0");
    cr_assert(!d->chain[1].is_task);
    cr_assert_eq(d->chain[1].id, 11);
    cr_assert_str_eq(d->chain[1].name, "fork-1");
    cr_assert_str_eq(d->chain[1].kind, "mutex");
    cr_assert(d->message && d->message[0]);
    cr_assert_geq(snap.nalerts, 1);
    cr_assert_str_eq(snap.alerts[0].kind, "deadlock");
    cr_assert_str_eq(snap.alerts[0].doc, "docs/alerts/deadlock.md");
    cr_assert(snap.alerts[0].has_task);
    cr_assert_eq(snap.nevents, 2);
    cr_assert_str_eq(snap.events[0].type, "poll_begin");
    cr_assert_eq(snap.events[0].task, 3);
    cr_assert_eq(snap.events[0].resource, 0, "a poll names no resource");
    cr_assert_lt(snap.events[0].ts_ns, snap.events[1].ts_ns);
    twc_snapshot_free(&snap);
    rb_free(&R);
}

Test(snapshot, a_point_of_history_is_taken_as_of_that_event)
{
    model();
    twc_session *s = session();
    char *o = rb_exec(s, "back 1 --json", NULL);
    cr_assert_not_null(o);
    free(o);
    o = rb_exec(s, "tasks --json", NULL);
    const char *as_of = strstr(o, "\"as_of\":");
    cr_assert(as_of && as_of[8] != 'n', "%s", o);
    struct twc_snapshot snap;
    cr_assert_eq(twc_snapshot_take(s, TWC_SNAP_EVENTS, &snap, NULL, 0), TWC_OK);
    cr_assert(!snap.at_now);
    cr_assert_eq(snap.as_of, strtoull(as_of + 8, NULL, 10), "%s", o);
    cr_assert_eq(snap.nevents, 1, "events up to the moment shown");
    cr_assert_eq(snap.events[0].seq, snap.as_of);
    free(o);
    twc_snapshot_free(&snap);
    twc_close(s);
    rb_free(&R);
}

Test(snapshot, bad_arguments_are_usage_errors)
{
    struct twc_snapshot snap;
    char err[128];
    cr_assert_eq(twc_snapshot_take(NULL, 0, &snap, err, sizeof err), TWC_EUSAGE);
    cr_assert(err[0], "a sentence says why");
    cr_assert_null(snap.tasks, "a failed take leaves the snapshot empty");
    model();
    twc_session *s = session();
    cr_assert_eq(twc_snapshot_take(s, 0, NULL, err, sizeof err), TWC_EUSAGE);
    twc_close(s);
    rb_free(&R);
}
