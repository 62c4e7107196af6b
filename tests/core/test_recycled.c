/* Recycled slots: the shim gives a closed resource's (or a done task's) slot to a later record
 * (shim/slots.c) and never gives an id out twice. The retained history still names the old
 * ids: readers replay it as history — never as corruption, never as the new occupant's. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;

/* Slot 0 of the resource table held mutex 1, which task 1 locked, unlocked and destroyed; the
 * slot now holds mutex 3, which task 1 holds. Task 2 locked and unlocked table_lock, ended, and
 * its slot went to task 5, so its events name an id no record has. Ids 1..3 (resources) and
 * 1..5 (tasks) were given out. */
static void recycled_history(void)
{
    struct rb_sizes sz = { 8, 8, 8, 2, 64, 4096 };
    rb_init(&R, &sz);
    rb_hdr(&R)->next_res_id = 4;
    rb_hdr(&R)->next_task_id = 6;
    struct tw_res_rec *m3 = rb_res(&R, 3, "conn", TW_RES_MUTEX, 1);
    struct tw_res_rec *keep = rb_res(&R, 2, "table_lock", TW_RES_MUTEX, 1);
    struct tw_task_rec *t = rb_task(&R, 1, "server", TW_TASK_POLLING);
    rb_task(&R, 5, "later", TW_TASK_READY);
    uint32_t tv = 1;
    /* ring 0: task 1's requests; ring 1: task 2, gone, took and gave back table_lock */
    rb_event(&R, 1, 5, TW_EV_RES_CREATE, 0, 2, 1, 1, TW_RES_MUTEX, TW_EVF_RES_VERSION);
    rb_event(&R, 1, 6, TW_EV_ACQUIRE, 2, 2, 2, 0, 1, TW_EVF_RES_VERSION);
    rb_event(&R, 1, 7, TW_EV_RELEASE, 2, 2, 3, 0, 1, TW_EVF_RES_VERSION);
    rb_event(&R, 1, 8, TW_EV_DONE, 2, 0, 9, TW_TASK_POLLING, 0, 0);
    rb_event(&R, 0, 10, TW_EV_RES_CREATE, 0, 1, 1, 1, TW_RES_MUTEX, TW_EVF_RES_VERSION);
    rb_event(&R, 0, 20, TW_EV_ACQUIRE, 1, 1, 2, 0, 1, TW_EVF_RES_VERSION);            /* seq 2 */
    rb_event(&R, 0, 30, TW_EV_RELEASE, 1, 1, 3, 0, 1, TW_EVF_RES_VERSION);
    rb_event(&R, 0, 40, TW_EV_RES_CLOSE, 0, 1, 4, 0, 0, TW_EVF_RES_VERSION);
    rb_event(&R, 0, 50, TW_EV_RES_CREATE, 0, 3, 1, 1, TW_RES_MUTEX, TW_EVF_RES_VERSION);
    rb_event(&R, 0, 60, TW_EV_ACQUIRE, 1, 3, 2, 0, 1, TW_EVF_RES_VERSION);
    m3->version = 2; m3->available = 0;
    keep->version = 3;
    t->version = tv;
    rb_edge(t, 3, TW_EDGE_HOLD, 1);
}

Test(recycled, events_of_recycled_ids_are_history_not_corruption)
{
    recycled_history();
    twc_session *s = rb_open(&R, 0);
    char *o = rb_ok(s, "validate");
    cr_assert(strstr(o, "valid ("), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(recycled, old_events_change_the_old_id_never_the_new_occupant)
{
    recycled_history();
    twc_session *s = rb_open(&R, 0);
    /* just after task 1 locked mutex 1: it holds 1 (not 3, which took the slot later and does
     * not exist yet), and table_lock, which a task now gone held a moment before, is free */
    char *o = rb_ok(s, "at 2 --json");
    free(o);
    o = rb_ok(s, "tasks --all --json");
    cr_assert(strstr(o, "\"holds\":[1]"), "the rewound task must hold the recycled id: %s", o);
    cr_assert(!strstr(o, "\"holds\":[3]"), "%s", o);
    free(o);
    o = rb_ok(s, "resources --json");
    cr_assert(!strstr(o, "\"id\":3,"), "the new occupant did not exist then: %s", o);
    cr_assert(strstr(o, "\"id\":2,"), "%s", o);
    cr_assert(strstr(o, "\"holders\":[]"), "table_lock was free again then: %s", o);
    free(o);
    /* and back at the present, the new occupant is exactly its record */
    o = rb_ok(s, "now --json");
    free(o);
    o = rb_ok(s, "resource 3 --json");
    cr_assert(strstr(o, "\"available\":0"), "%s", o);
    cr_assert(strstr(o, "\"holders\":[1]"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(recycled, an_id_never_given_out_is_still_corruption)
{
    recycled_history();
    rb_event(&R, 0, 70, TW_EV_RELEASE, 1, 9, 5, 0, 1, TW_EVF_RES_VERSION);
    rb_event(&R, 0, 80, TW_EV_POLL_END, 7, 0, 3, 0, 0, 0);
    twc_session *s = rb_open(&R, 0);
    int st;
    char *o = rb_exec(s, "validate", &st);
    cr_assert_eq(st, TWC_ECORRUPT, "%s", o);
    cr_assert(o && strstr(o, "names unknown resource 9"), "%s", o);
    cr_assert(o && strstr(o, "names unknown task 7"), "%s", o);
    cr_assert(o && !strstr(o, "unknown resource 1\n"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}
