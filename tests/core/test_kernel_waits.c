/* Thread tasks asleep in calls no adapter wraps (core/kernel_waits.c): a frontend lends the
 * threads' kernel state (twc_set_thread_facts); a thread's task the region shows polling whose
 * thread is blocked is waiting on the outside world at its program frame, and no long_poll. A
 * running thread, and a runtime task (not TW_TF_ROOT) on a blocked worker thread, are left as
 * the region has them. */
#include <criterion/criterion.h>
#include <stdlib.h>
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

Test(kernel_waits, a_thread_task_asleep_in_the_kernel_is_waiting_at_its_frame)
{
    struct rb R;
    twc_session *s = three_polling(&R);
    int st;
    char *o = rb_exec(s, "tasks --json", &st);
    cr_assert(o, "status %d", st);
    cr_assert(strstr(o, "\"name\":\"master\",\"state\":\"waiting\""), "%s", o);
    cr_assert(strstr(o, "\"await\":{\"file\":\"/src/master.c\",\"line\":42,\"expr\":\"waiting in the kernel\",\"func\":\"master_cycle\"}"), "%s", o);
    cr_assert(strstr(o, "\"wait_kind\":\"io\""), "%s", o);
    cr_assert(strstr(o, "\"name\":\"worker\",\"state\":\"polling\""), "running thread changed: %s", o);
    cr_assert(strstr(o, "\"name\":\"coroutine\",\"state\":\"polling\""), "runtime task changed: %s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(kernel_waits, lent_facts_can_be_taken_back)
{
    struct rb R;
    twc_session *s = three_polling(&R);
    int st;
    char *o = rb_exec(s, "tasks --json", &st);
    free(o);
    cr_assert_eq(twc_set_thread_facts(s, NULL, 0), TWC_OK);
    o = rb_exec(s, "tasks --json", &st);
    cr_assert(o && strstr(o, "\"name\":\"master\",\"state\":\"polling\""), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* a live session re-reads the region before each command, the lent facts stay: once the task has
 * recorded anything since they were first applied, they describe a moment that is over */
Test(kernel_waits, a_fact_outlived_by_the_task_is_not_applied)
{
    struct rb R;
    twc_session *s = three_polling(&R);
    int st;
    char *o = rb_exec(s, "tasks --json", &st);
    cr_assert(o && strstr(o, "\"name\":\"master\",\"state\":\"waiting\""), "%s", o);
    free(o);
    struct tw_task_rec *master = (struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset);
    master->version += 2;   /* it recorded an event (a poll ended and began again, say) */
    cr_assert_eq(twc_refresh(s, NULL, 0), TWC_OK);
    o = rb_exec(s, "tasks --json", &st);
    cr_assert(o && strstr(o, "\"name\":\"master\",\"state\":\"polling\""), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}
