/* why on a select follows every branch: the selector receives from "ticks" (whose sender is
 * the ticker) and sends to the full "reports" (whose receiver is the archive); both wait on
 * timers. The branches are the conditional intents the runtime records for the wait. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static const struct rb_sizes SZ = { 8, 8, 8, 2, 64, 8192 };

static char *run(const char *cmd)
{
    char *o = rb_run(&R, cmd);
    cr_assert_not_null(o);
    return o;
}

static void branch(struct tw_task_rec *t, uint32_t res, int dir)
{
    rb_edge(t, res, TW_EDGE_INTENT_COND, 1);
    for (int i = 0; i < TW_MAX_EDGES; i++)
        if (t->edges[i].res == res && t->edges[i].role == TW_EDGE_INTENT_COND) t->edges[i].dir = (uint8_t)dir;
}

/* The select-cancel situation; the selector's two branches recorded as the runtime does. */
static void selector_beside_two_sleepers(void)
{
    rb_init(&R, &SZ);
    rb_res(&R, 1, "ticks", TW_RES_CHANNEL, 1);
    struct tw_res_rec *rep = rb_res(&R, 2, "reports", TW_RES_CHANNEL, 1);
    rep->queued = 1;   /* full */
    struct tw_task_rec *archive = rb_task(&R, 1, "archive", 0), *sel = rb_task(&R, 2, "selector", 0),
                       *ticker = rb_task(&R, 3, "ticker", 0);
    rb_wait(archive, TW_WAIT_TIMER, 0, 0);
    rb_edge(archive, 2, TW_EDGE_RECEIVER, 1);
    rb_wait(ticker, TW_WAIT_TIMER, 0, 0);
    rb_edge(ticker, 1, TW_EDGE_SENDER, 1);
    rb_wait(sel, TW_WAIT_SELECT, 1, 0);
    rb_edge(sel, 1, TW_EDGE_RECEIVER, 1);
    rb_edge(sel, 2, TW_EDGE_SENDER, 1);
    branch(sel, 1, TW_DIR_RECV);
    branch(sel, 2, TW_DIR_SEND);
}

Test(select, why_names_the_wakers_of_every_branch)
{
    selector_beside_two_sleepers();
    char *o = run("why 2");
    cr_assert(strstr(o, "-> ticks (channel) (empty) whose senders are ticker (3)"), "%s", o);
    cr_assert(strstr(o, "-> reports (channel) (full) whose receivers are archive (1)"), "%s", o);
    cr_assert_null(strstr(o, "cannot name"), "%s", o);
    free(o);
    o = run("why 2 --json");
    cr_assert(strstr(o, "{\"resource\":1,\"name\":\"ticks\",\"kind\":\"channel\",\"holders\":[{\"task\":3,\"name\":\"ticker\"}]}"), "%s", o);
    cr_assert(strstr(o, "{\"resource\":2,\"name\":\"reports\",\"kind\":\"channel\",\"holders\":[{\"task\":1,\"name\":\"archive\"}]}"), "%s", o);
    cr_assert(strstr(o, "\"end\":\"exit\""), "the chain ends at a sleeper's timer: %s", o);
    free(o);
    o = run("resources --json");
    cr_assert(strstr(o, "\"name\":\"reports\"") && strstr(strstr(o, "\"name\":\"reports\""), "\"waiters\":[2]"), "%s", o);
    free(o);
    rb_free(&R);
}

Test(select, a_select_whose_branches_nobody_can_complete_is_a_deadlock)
{
    selector_beside_two_sleepers();
    /* the sleepers give their ends away: ticker and archive finish, nobody can wake it */
    struct tw_task_rec *a = (struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset);
    struct tw_task_rec *t = (struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset + 2 * rb_hdr(&R)->tasks.stride);
    memset(a->edges, 0, sizeof a->edges); memset(t->edges, 0, sizeof t->edges);
    char *o = run("why 2 --json");
    cr_assert(strstr(o, "\"end\":\"no_waker\""), "%s", o);
    free(o);
    rb_free(&R);
}

Test(select, a_select_with_a_branch_ready_is_not_blocked)
{
    selector_beside_two_sleepers();
    ((struct tw_res_rec *)(R.buf + rb_hdr(&R)->resources.offset))->queued = 1;   /* a tick is there */
    char *o = run("why 2 --json");
    cr_assert(strstr(o, "\"end\":\"exit\"") && strstr(o, "what it waits for is there"), "%s", o);
    free(o);
    rb_free(&R);
}
