/* Cycles across tasks and threads (core/poll_deadlocks.c, issue 21 point 3): task A (2) holds
 * runtime mutex M and its worker thread 201 sleeps in pthread_mutex_lock(&cfg); task B (3) took
 * cfg on thread 202 in an earlier poll and now awaits M. Without the pthread adapter glibc names
 * only cfg's owner thread: a possible deadlock whose chain ends at that thread. With the adapter
 * the region holds the whole cycle, and it is certain. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static const struct rb_sizes SZ = { 32, 32, 32, 2, 64, 8192 };
#define CFG 0x5000

/* A polling on 201, B waiting for M (held by A) and last run on b_thread; with a ticker polling
 * on 202 when ticker_on_owner. The facts: 201 blocked on cfg, owned by 202. */
static twc_session *across(struct rb *R, uint32_t b_thread, int ticker_on_owner)
{
    rb_init(R, &SZ);
    rb_res(R, 1, "M", TW_RES_MUTEX, 1)->available = 0;
    struct tw_task_rec *a = rb_task(R, 2, "m-owner", TW_TASK_POLLING);
    a->os_tid = 201;
    rb_edge(a, 1, TW_EDGE_HOLD, 1);
    struct tw_task_rec *b = rb_task(R, 3, "cfg-writer", TW_TASK_WAITING);
    b->os_tid = b_thread;
    rb_wait(b, TW_WAIT_ACQUIRE, 1, rb_site(R, "/src/law.c", 28, "twrt_mutex_lock(M)"));
    rb_task(R, 4, "ticker", ticker_on_owner ? TW_TASK_POLLING : TW_TASK_READY)->os_tid = 202;
    twc_session *s = rb_open(R, 0);
    cr_assert(s);
    struct twc_fact_thread th[] = {
        { .tid = 201, .name = "twrt-worker-0", .block = TWC_BLOCK_MUTEX, .object = CFG, .file = "/src/law.c", .line = 44, .func = "m_owner" },
        { .tid = 202, .name = "twrt-worker-1", .block = ticker_on_owner ? TWC_BLOCK_NONE : TWC_BLOCK_SLEEP },
    };
    struct twc_fact_object ob = { .addr = CFG, .kind = TW_RES_MUTEX, .owner_tid = 202 };
    cr_assert_eq(twc_set_thread_facts(s, th, 2), TWC_OK);
    cr_assert_eq(twc_set_thread_objects(s, &ob, 1), TWC_OK);
    return s;
}

Test(poll_deadlocks, without_the_adapter_the_chain_ends_at_the_owner_thread_and_is_possible)
{
    struct rb R;
    twc_session *s = across(&R, 202, 0);
    char *o = rb_ok(s, "deadlocks --json");
    cr_assert(strstr(o, "\"certain\":false"), "%s", o);
    cr_assert(strstr(o, "\"chain\":[{\"task\":2,\"name\":\"m-owner\",\"await\":{\"file\":\"/src/law.c\",\"line\":44,"
                        "\"expr\":\"pthread_mutex_lock(0x5000)\",\"func\":\"m_owner\"},\"wait_kind\":\"acquire\"},"
                        "{\"resource\":20480,\"name\":null,\"kind\":\"mutex\",\"holders\":[]},"
                        "{\"thread\":202,\"name\":null,\"running_task\":null}]"), "%s", o);
    cr_assert(strstr(o, "which task took 0x5000 is unknown without the pthread adapter"), "%s", o);
    cr_assert(strstr(o, "cfg-writer (3) waits for m-owner (2) and last ran on that thread"), "%s", o);
    free(o);
    o = rb_ok(s, "deadlocks");
    cr_assert(strstr(o, "possible deadlock of 1 task: "), "%s", o);
    cr_assert(strstr(o, "  m-owner (2) is polling; its worker thread 201 is blocked in pthread_mutex_lock(0x5000) at law.c:44\n"
                        "    -> 0x5000 (mutex) held by thread 202, running no task\n"), "%s", o);
    free(o);
    o = rb_ok(s, "alerts --json");
    cr_assert(strstr(o, "\"kind\":\"possible_deadlock\",\"task\":2"), "%s", o);
    cr_assert(!strstr(o, "\"kind\":\"deadlock\""), "%s", o);
    free(o);
    o = rb_ok(s, "why 3 --json");   /* B -> M -> A -> cfg -> the thread */
    cr_assert(strstr(o, "{\"resource\":20480,\"name\":null,\"kind\":\"mutex\",\"holders\":[]},{\"thread\":202,"), "%s", o);
    cr_assert(strstr(o, "\"end\":\"blocked_in_poll\",\"end_task\":2"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(poll_deadlocks, the_thread_entry_names_the_task_running_on_the_owner_thread)
{
    struct rb R;
    twc_session *s = across(&R, 202, 1);
    char *o = rb_ok(s, "deadlocks --json");
    cr_assert(strstr(o, "{\"thread\":202,\"name\":null,\"running_task\":4}"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* the lock's owner thread never ran the task waiting for A: blocking_in_poll's picture (a plain
 * thread holds it), no deadlock */
Test(poll_deadlocks, no_candidate_on_the_owner_thread_is_no_deadlock)
{
    struct rb R;
    twc_session *s = across(&R, 205, 0);
    char *o = rb_ok(s, "deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* Under `tw run` the adapter recorded A's wait for cfg and B's hold of it: one cycle of task and
 * resource entries, certain from one instant, the lent facts of A's thread notwithstanding. */
Test(poll_deadlocks, with_the_adapter_the_region_holds_the_cycle_and_it_is_certain)
{
    struct rb R;
    rb_init(&R, &SZ);
    rb_res(&R, 1, "M", TW_RES_MUTEX, 1)->available = 0;
    struct tw_res_rec *cfg = rb_res(&R, 2, "cfg", TW_RES_MUTEX, 1);
    cfg->available = 0;
    cfg->address = CFG;
    struct tw_task_rec *a = rb_task(&R, 4, "m-owner", TW_TASK_WAITING);
    a->os_tid = 201;
    rb_edge(a, 1, TW_EDGE_HOLD, 1);
    rb_wait(a, TW_WAIT_ACQUIRE, 2, rb_site(&R, "/src/law.c", 44, "pthread_mutex_lock"));
    struct tw_task_rec *b = rb_task(&R, 5, "cfg-writer", TW_TASK_WAITING);
    b->os_tid = 202;
    rb_edge(b, 2, TW_EDGE_HOLD, 1);
    rb_wait(b, TW_WAIT_ACQUIRE, 1, rb_site(&R, "/src/law.c", 28, "twrt_mutex_lock(M)"));
    twc_session *s = rb_open(&R, 0);
    cr_assert(s);
    struct twc_fact_thread th[] = {
        { .tid = 201, .name = "twrt-worker-0", .block = TWC_BLOCK_MUTEX, .object = CFG, .file = "/src/law.c", .line = 44, .func = "m_owner" },
    };
    struct twc_fact_object ob = { .addr = CFG, .kind = TW_RES_MUTEX, .owner_tid = 202 };
    cr_assert_eq(twc_set_thread_facts(s, th, 1), TWC_OK);
    cr_assert_eq(twc_set_thread_objects(s, &ob, 1), TWC_OK);
    char *o = rb_ok(s, "deadlocks --json");
    cr_assert_eq(rb_count(o, "\"certain\":"), 1, "%s", o);
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    cr_assert(strstr(o, "{\"task\":4,\"name\":\"m-owner\""), "%s", o);
    cr_assert(strstr(o, "{\"resource\":2,\"name\":\"cfg\",\"kind\":\"mutex\",\"holders\":[{\"task\":5,\"name\":\"cfg-writer\"}]},"
                        "{\"task\":5,\"name\":\"cfg-writer\""), "%s", o);
    cr_assert(strstr(o, "{\"resource\":1,\"name\":\"M\",\"kind\":\"mutex\",\"holders\":[{\"task\":4,\"name\":\"m-owner\"}]}]"), "%s", o);
    cr_assert(!strstr(o, "\"thread\":"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}
