/* bt: libtwcore walks a parked task's frame-pointer chain from its saved registers over the
 * memory a frontend lends (twc_set_stack_reader) and renders it in the one shape every
 * frontend prints: JSON {"task","frames":[{"n","pc","func","file","line","object"}],"stopped"}
 * with pc a hex string; frame 0 is looked up at the saved pc, outer frames at return - 1. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static uint64_t asked[8];
static int nasked;

static int sym(void *ctx, uint64_t pc, char *func, size_t fl, char *file, size_t nl, int *line, char *obj, size_t ol)
{
    (void)ctx;
    if (nasked < 8) asked[nasked++] = pc;
    if (pc >= 0x1000 && pc < 0x1100) { snprintf(func, fl, "twrt__suspend"); snprintf(file, nl, "runtime/sched.c"); *line = 167; }
    else if (pc >= 0x2000 && pc < 0x2100) { snprintf(func, fl, "philosopher"); snprintf(file, nl, "examples/deadlock.c"); *line = 22; }
    else if (pc >= 0x3000 && pc < 0x3100) snprintf(func, fl, "start");
    else return -1;
    snprintf(obj, ol, "/nonexistent/obj");
    return 0;
}

/* A task stack at 0x9000..0xa000: rbp 0x9f00 -> [0x9f80, ret 0x2011] -> [0, ret 0x3005]. */
static int64_t stack_mem(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    (void)ctx;
    uint64_t words[2];
    if (addr == 0x9f00) { words[0] = 0x9f80; words[1] = 0x2011; }
    else if (addr == 0x9f80) { words[0] = 0; words[1] = 0x3005; }
    else return -14;
    memcpy(buf, words, len < 16 ? len : 16);
    return (int64_t)(len < 16 ? len : 16);
}

static twc_session *parked(int with_reader)
{
    struct rb_sizes sz = { 4, 4, 4, 1, 16, 4096 };
    rb_init(&R, &sz);
    struct tw_task_rec *t = rb_task(&R, 3, "philosopher-1", TW_TASK_WAITING);
    t->flags |= TW_TF_CTX_VALID;
    t->ctx.rip = 0x1010; t->ctx.rsp = 0x9e00; t->ctx.rbp = 0x9f00;
    t->ctx.stack_lo = 0x9000; t->ctx.stack_hi = 0xa000;
    rb_task(&R, 4, "runner", TW_TASK_POLLING);
    twc_session *s = rb_open(&R, 0);
    twc_set_symbolizer(s, sym, NULL);
    if (with_reader) twc_set_stack_reader(s, stack_mem, NULL);
    nasked = 0;
    return s;
}

Test(bt, walks_and_renders_one_shape)
{
    twc_session *s = parked(1);
    int st;
    char *o = rb_exec(s, "bt 3 --json", &st);
    cr_assert_eq(st, 0);
    cr_assert_str_eq(o, "{\"task\":3,\"frames\":["
        "{\"n\":0,\"pc\":\"0x1010\",\"func\":\"twrt__suspend\",\"file\":\"runtime/sched.c\",\"line\":167,\"object\":\"/nonexistent/obj\"},"
        "{\"n\":1,\"pc\":\"0x2011\",\"func\":\"philosopher\",\"file\":\"examples/deadlock.c\",\"line\":22,\"object\":\"/nonexistent/obj\"},"
        "{\"n\":2,\"pc\":\"0x3005\",\"func\":\"start\",\"file\":null,\"line\":null,\"object\":\"/nonexistent/obj\"}],"
        "\"stopped\":null}\n");
    cr_assert_eq(asked[0], 0x1010, "frame 0 is looked up at the saved pc itself");
    cr_assert_eq(asked[1], 0x2010, "outer frames at return address - 1 (the call)");
    free(o);
    o = rb_exec(s, "bt 3", &st);
    cr_assert_str_eq(o, "#0  0x0000000000001010 in twrt__suspend (runtime/sched.c:167)\n"
                        "#1  0x0000000000002011 in philosopher (examples/deadlock.c:22)\n"
                        "#2  0x0000000000003005 in start () from /nonexistent/obj\n");
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(bt, says_why_it_cannot)
{
    twc_session *s = parked(1);
    int st;
    char *o = rb_exec(s, "bt 99", &st);
    cr_assert_null(o);
    cr_assert_eq(st, TWC_ENOTFOUND, "no task 99: not found");
    o = rb_exec(s, "bt 4", &st);
    cr_assert_eq(st, TWC_ENOTFOUND, "a running task has no parked stack: not found");
    twc_close(s);
    rb_free(&R);
    s = parked(0);
    char err[256];
    st = twc_exec(s, "bt 3", &o, err, sizeof err);
    cr_assert_eq(st, TWC_ENOTFOUND);
    cr_assert(strstr(err, "snapshot"), "without target memory (a snapshot) bt says the stacks are not there: %s", err);
    twc_close(s);
    rb_free(&R);
}
