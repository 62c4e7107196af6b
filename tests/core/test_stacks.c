/* Calling context in `task ID`: the stacks TW_BACKTRACE recorded, rendered through the
 * frontend's symbolizer (here a fake one that knows two addresses), as bare addresses without
 * one, and never beyond what the region's own bounds allow. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static uint64_t asked[16];
static int nasked;

/* Knows philosopher (deadlock.c:22) at 0x1000.. and twrt__mutex_lock (lock.c) without a line table. */
static int fake_sym(void *ctx, uint64_t pc, char *func, size_t fl, char *file, size_t nl, int *line, char *obj,
                    size_t ol)
{
    (void)ctx;
    snprintf(obj, ol, "/nonexistent/deadlock");
    if (nasked < 16) asked[nasked++] = pc;
    if (pc >= 0x1000 && pc < 0x1100) {
        snprintf(func, fl, "philosopher");
        snprintf(file, nl, "examples/deadlock.c");
        *line = 22;
        return 0;
    }
    if (pc >= 0x2000 && pc < 0x2100) {
        snprintf(func, fl, "twrt__mutex_lock");
        return 0;
    }
    return -1;
}

static twc_session *waiter_with_stacks(void)
{
    struct rb_sizes sz = { 8, 8, 8, 1, 64, 4096 };
    rb_init(&R, &sz);
    rb_res(&R, 1, "fork-2", TW_RES_MUTEX, 1)->available = 0;
    uint64_t block[3] = { 0x2010, 0x1042, 0x9999 }, spawn[1] = { 0x1080 };
    struct tw_task_rec *t = rb_task(&R, 7, "philosopher-1", TW_TASK_WAITING);
    rb_wait(t, TW_WAIT_ACQUIRE, 1, rb_site(&R, "examples/deadlock.c", 22, "twrt_mutex_lock(right)"));
    t->block_stack = rb_stack(&R, block, 3);
    t->spawn_stack = rb_stack(&R, spawn, 1);
    rb_task(&R, 8, "no-stacks", TW_TASK_READY);
    return rb_open(&R, 0);
}

Test(stacks, task_shows_symbolised_frames_innermost_first_looked_up_at_the_call)
{
    twc_session *s = waiter_with_stacks();
    twc_set_symbolizer(s, fake_sym, NULL);
    char *o = rb_exec(s, "task 7", NULL);
    cr_assert_not_null(o);
    cr_assert(strstr(o, "  blocked at:\n"
                        "    #0  0x0000000000002010 twrt__mutex_lock\n"
                        "    #1  0x0000000000001042 philosopher (deadlock.c:22)\n"
                        "    #2  0x0000000000009999\n"), "%s", o);
    cr_assert(strstr(o, "  spawned at:\n    #0  0x0000000000001080 philosopher (deadlock.c:22)\n"), "%s", o);
    int at_call = 0, at_return = 0;
    for (int i = 0; i < nasked; i++) at_call += asked[i] == 0x200f, at_return += asked[i] == 0x2010;
    cr_assert(at_call && !at_return, "return addresses are looked up at pc - 1 (the call)");
    free(o);
    o = rb_exec(s, "task 7 --json", NULL);
    cr_assert(strstr(o, "\"block_stack\":[{\"pc\":\"0x2010\",\"func\":\"twrt__mutex_lock\",\"file\":null,\"line\":null},"
                        "{\"pc\":\"0x1042\",\"func\":\"philosopher\",\"file\":\"examples/deadlock.c\",\"line\":22},"
                        "{\"pc\":\"0x9999\",\"func\":null,\"file\":null,\"line\":null}]"), "%s", o);
    cr_assert(strstr(o, "\"spawn_stack\":[{\"pc\":\"0x1080\",\"func\":\"philosopher\""), "%s", o);
    free(o);
    o = rb_exec(s, "task 8 --json", NULL);
    cr_assert(strstr(o, "\"spawn_stack\":[],\"block_stack\":[]"), "not recorded: empty arrays: %s", o);
    free(o);
    o = rb_exec(s, "task 8", NULL);
    cr_assert_null(strstr(o, "spawned at:"), "no stack, no section: %s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(stacks, without_a_symbolizer_frames_are_bare_addresses)
{
    twc_session *s = waiter_with_stacks();
    char *o = rb_exec(s, "task 7", NULL);
    cr_assert(strstr(o, "  blocked at:\n    #0  0x0000000000002010\n    #1  0x0000000000001042\n"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(stacks, hostile_indexes_and_depths_stay_inside_the_table)
{
    twc_session *s;
    struct rb_sizes sz = { 8, 8, 8, 1, 64, 4096 };
    rb_init(&R, &sz);
    uint64_t many[TW_STACK_DEPTH];
    for (int i = 0; i < TW_STACK_DEPTH; i++) many[i] = 0x1000 + (uint64_t)i;
    struct tw_task_rec *a = rb_task(&R, 1, "deep", TW_TASK_WAITING);
    a->block_stack = rb_stack(&R, many, 1000000);   /* depth beyond TW_STACK_DEPTH */
    a->spawn_stack = 7;                             /* below capacity 8 but not below count */
    rb_task(&R, 2, "far", TW_TASK_WAITING)->block_stack = 0xffffffffu;
    s = rb_open(&R, 0);
    char *o = rb_exec(s, "task 1 --json", NULL);
    cr_assert_not_null(o);
    int frames = 0;
    for (const char *p = strstr(o, "\"block_stack\""); (p = strstr(p + 1, "\"pc\"")); ) frames++;
    cr_assert_eq(frames, TW_STACK_DEPTH, "depth capped at %d: %s", TW_STACK_DEPTH, o);
    cr_assert(strstr(o, "\"spawn_stack\":[]"), "index >= count is no stack: %s", o);
    free(o);
    o = rb_exec(s, "task 2 --json", NULL);
    cr_assert(strstr(o, "\"block_stack\":[]"), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}
