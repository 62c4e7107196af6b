/* Holders in chains (issue 17, DESIGN.md "Deadlock"): every resource entry of a deadlock or
 * why chain names who keeps its waiter waiting — owners and readers of a lock, semaphore
 * takers, the other end of a channel — in JSON and in text, and a global deadlock reads a
 * ring of semaphore takers as the ring it is. */
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

/* The producer/consumer hang of issue 17: `holder` took `mutex` and sleeps on `sem`; three
 * tasks queue on `mutex`, one of them holding two units of `sem`; one waits on a condvar. */
static void holder_sleeps_on_a_semaphore(void)
{
    rb_res(&R, 3, "mutex", TW_RES_MUTEX, 1)->available = 0;
    rb_res(&R, 4, "sem", TW_RES_SEMAPHORE, -1);
    rb_res(&R, 5, "cv", TW_RES_CONDVAR, 0);
    struct tw_task_rec *h = rb_task(&R, 1, "holder", TW_TASK_WAITING);
    rb_edge(h, 3, TW_EDGE_HOLD, 1);
    rb_wait(h, TW_WAIT_SIGNAL, 4, 0);
    rb_wait(rb_task(&R, 2, "w1", TW_TASK_WAITING), TW_WAIT_ACQUIRE, 3, 0);
    rb_wait(rb_task(&R, 7, "w2", TW_TASK_WAITING), TW_WAIT_ACQUIRE, 3, 0);
    struct tw_task_rec *t = rb_task(&R, 6, "taker", TW_TASK_WAITING);
    rb_edge(t, 4, TW_EDGE_HOLD, 2);
    rb_wait(t, TW_WAIT_ACQUIRE, 3, 0);
    rb_wait(rb_task(&R, 8, "idle", TW_TASK_WAITING), TW_WAIT_SIGNAL, 5, 0);
}

Test(holders, global_deadlock_names_the_holder_of_every_resource)
{
    rb_init(&R, &SZ);
    holder_sleeps_on_a_semaphore();
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "\"global\":true"), "%s", o);
    cr_assert_eq(count(o, "{\"resource\":3,\"name\":\"mutex\",\"kind\":\"mutex\",\"holders\":[{\"task\":1,\"name\":\"holder\"}]}"), 3,
                 "each of the three waiters' mutex names its holder: %s", o);
    cr_assert(strstr(o, "{\"resource\":4,\"name\":\"sem\",\"kind\":\"semaphore\",\"holders\":[{\"task\":6,\"name\":\"taker\"}]}"),
              "the semaphore names the task that took units of it: %s", o);
    cr_assert(strstr(o, "{\"resource\":5,\"name\":\"cv\",\"kind\":\"condvar\",\"holders\":[]}"), "none known is []: %s", o);
    free(o);
    o = run("deadlocks");
    cr_assert_eq(count(o, "-> mutex (mutex) held by holder (1)\n"), 3, "%s", o);
    cr_assert(strstr(o, "-> sem (semaphore) units held by taker (6)\n"), "%s", o);
    free(o);
    rb_free(&R);
}

/* Semaphores used as forks, taken by tasks whose ids are not in ring order: 1 waits for what
 * 3 took, 3 for what 2 took, 2 for what 4 took, 4 for what 1 took. */
Test(holders, semaphore_ring_reads_through_its_takers)
{
    rb_init(&R, &SZ);
    static const int ring[4] = { 1, 3, 2, 4 };
    char nm[32];
    for (int i = 0; i < 4; i++) { snprintf(nm, sizeof nm, "fork-%d", ring[i]); rb_res(&R, 10 + ring[i], nm, TW_RES_SEMAPHORE, -1); }
    for (int id = 1; id <= 4; id++) {
        snprintf(nm, sizeof nm, "diner-%d", id);
        struct tw_task_rec *t = rb_task(&R, (uint32_t)id, nm, TW_TASK_WAITING);
        rb_edge(t, 10 + id, TW_EDGE_HOLD, 1);
        int k = 0;
        while (ring[k] != id) k++;
        rb_wait(t, TW_WAIT_SIGNAL, 10 + ring[(k + 1) % 4], 0);
    }
    char *o = run("deadlocks --json");
    const char *want[] = { "{\"task\":1,", "{\"resource\":13,\"name\":\"fork-3\",\"kind\":\"semaphore\",\"holders\":[{\"task\":3,",
                           "{\"task\":3,", "{\"resource\":12,", "{\"task\":2,", "{\"resource\":14,", "{\"task\":4,",
                           "{\"resource\":11,\"name\":\"fork-1\",\"kind\":\"semaphore\",\"holders\":[{\"task\":1," };
    const char *p = strstr(o, "\"chain\":[");
    cr_assert_not_null(p, "%s", o);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *q = strstr(p, want[i]);
        cr_assert_not_null(q, "chain entry %zu (%s) missing or out of order: %s", i, want[i], o);
        p = q + 1;
    }
    free(o);
    o = run("deadlocks");
    cr_assert(strstr(o, "diner-1 (1) waits at -\n    -> fork-3 (semaphore) units held by diner-3 (3)\n"
                        "  diner-3 (3) waits at -\n    -> fork-2 (semaphore) units held by diner-2 (2)\n"), "%s", o);
    free(o);
    rb_free(&R);
}

/* a receive waits on the senders, a send on the receivers — not on the waiter's own end */
Test(holders, channel_waits_name_the_other_end)
{
    rb_init(&R, &SZ);
    rb_res(&R, 20, "requests", TW_RES_CHANNEL, 4);
    rb_res(&R, 21, "replies", TW_RES_CHANNEL, 1)->queued = 1;
    struct tw_task_rec *a = rb_task(&R, 1, "server", TW_TASK_WAITING);
    rb_edge(a, 20, TW_EDGE_RECEIVER, 1);
    rb_edge(a, 21, TW_EDGE_RECEIVER, 1);
    rb_wait(a, TW_WAIT_RECV, 20, 0);
    struct tw_task_rec *b = rb_task(&R, 2, "client", TW_TASK_WAITING);
    rb_edge(b, 20, TW_EDGE_SENDER, 1);
    rb_edge(b, 21, TW_EDGE_SENDER, 1);
    rb_wait(b, TW_WAIT_SEND, 21, 0);
    char *o = run("deadlocks --json");
    cr_assert(strstr(o, "{\"resource\":20,\"name\":\"requests\",\"kind\":\"channel\",\"holders\":[{\"task\":2,\"name\":\"client\"}]}"), "%s", o);
    cr_assert(strstr(o, "{\"resource\":21,\"name\":\"replies\",\"kind\":\"channel\",\"holders\":[{\"task\":1,\"name\":\"server\"}]}"), "%s", o);
    free(o);
    o = run("deadlocks");
    cr_assert(strstr(o, "-> requests (channel) (empty) whose senders are client (2)"), "%s", o);
    cr_assert(strstr(o, "-> replies (channel) (full) whose receivers are server (1)"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(holders, why_names_every_reader_of_an_rwlock)
{
    rb_init(&R, &SZ);
    rb_res(&R, 7, "table", TW_RES_RWLOCK, 1)->available = 0;
    rb_edge(rb_task(&R, 1, "r1", TW_TASK_POLLING), 7, TW_EDGE_HOLD_SHARED, 1);
    rb_edge(rb_task(&R, 2, "r2", TW_TASK_READY), 7, TW_EDGE_HOLD_SHARED, 1);
    rb_wait(rb_task(&R, 3, "writer", TW_TASK_WAITING), TW_WAIT_ACQUIRE, 7, 0);
    char *o = run("why 3 --json");
    cr_assert(strstr(o, "{\"resource\":7,\"name\":\"table\",\"kind\":\"rwlock\",\"holders\":[{\"task\":1,\"name\":\"r1\"},{\"task\":2,\"name\":\"r2\"}]}"), "%s", o);
    free(o);
    o = run("why 3");
    cr_assert(strstr(o, "-> table (rwlock) held by r1 (1), r2 (2)\n"), "%s", o);
    free(o);
    rb_free(&R);
}
