/* The command table: help for every frontend comes from it, lists only what works there, fits
 * lldb's help width, and typos get a suggestion; argument mistakes explain themselves. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "region_builder.h"
#include "twcore.h"

static int longest_line(const char *t)
{
    int best = 0, cur = 0;
    for (; *t; t++) {
        if (*t == '\n') { if (cur > best) best = cur; cur = 0; }
        else cur++;
    }
    return cur > best ? cur : best;
}

Test(command_table, help_fits_lldb_width_everywhere)
{
    const unsigned fes[] = { 0, TWC_FE_CONSOLE, TWC_FE_REPL, TWC_FE_GDB, TWC_FE_LLDB };
    for (size_t f = 0; f < sizeof fes / sizeof *fes; f++)
        cr_assert_leq(longest_line(twc_help_in(NULL, fes[f])), 72, "%s", twc_help_in(NULL, fes[f]));
    const char *name;
    for (size_t i = 0; twc_command_info(i, &name, NULL, NULL, NULL) == 0; i++) {
        const char *h = twc_help_in(name, 0);
        cr_assert_leq(longest_line(h), 72, "help %s: %s", name, h);
        cr_assert(strstr(h, "Usage: tw "), "help %s has no usage line: %s", name, h);
    }
}

Test(command_table, help_lists_only_what_works_there)
{
    const char *repl = twc_help_in(NULL, TWC_FE_REPL);
    /* the REPL's list of commands ends where "the tw program's own" begin */
    const char *own = strstr(repl, "Commands of the tw program");
    cr_assert(own, "%s", repl);
    size_t listed = (size_t)(own - repl);
    cr_assert(strstr(repl, "  ps") == NULL || (size_t)(strstr(repl, "  ps") - repl) > listed, "ps listed as a REPL command: %s", repl);
    cr_assert(strstr(repl, "  top") == NULL || (size_t)(strstr(repl, "  top") - repl) > listed, "top listed as a REPL command: %s", repl);
    cr_assert(strstr(repl, "  bt ID"), "bt works in the REPL: %s", repl);
    cr_assert(strstr(repl, "  debug ID"), "debug works in the REPL: %s", repl);
    const char *gdb = twc_help_in(NULL, TWC_FE_GDB);
    cr_assert(strstr(gdb, "  frame ID"), "%s", gdb);
    const char *lldb = twc_help_in(NULL, TWC_FE_LLDB);
    cr_assert_null(strstr(lldb, "  frame ID"), "frame is gdb's only: %s", lldb);
    cr_assert(strstr(twc_help_in("bt", TWC_FE_GDB), "Usage: tw bt ID"), "help bt: %s", twc_help_in("bt", TWC_FE_GDB));
}

Test(command_table, typos_get_a_suggestion)
{
    cr_assert_str_eq(twc_suggest("taks", 0), "tasks");
    cr_assert_str_eq(twc_suggest("deadlock", 0), "deadlocks");
    cr_assert_str_eq(twc_suggest("reosurce", 0), "resource");
    cr_assert_null(twc_suggest("frobnicate", 0));
    cr_assert(strstr(twc_help("taks"), "did you mean tasks"), "%s", twc_help("taks"));
}

Test(command_table, every_command_core_runs_is_in_the_table)
{
    struct rb R;
    struct rb_sizes sz = { 4, 4, 4, 1, 16, 4096 };
    rb_init(&R, &sz);
    rb_task(&R, 1, "t", TW_TASK_READY);
    twc_session *s = rb_open(&R, 0);
    char *o, err[256];
    int st = twc_exec(s, "taks", &o, err, sizeof err);
    cr_assert_eq(st, TWC_EUSAGE);
    cr_assert(strstr(err, "did you mean 'tasks'"), "%s", err);
    st = twc_exec(s, "at -3", &o, err, sizeof err);
    cr_assert_eq(st, TWC_EUSAGE);
    cr_assert(strstr(err, "back 3"), "at -3 should point to back 3: %s", err);
    cr_assert_null(strstr(err, "is not a number"), "%s", err);
    st = twc_exec(s, "ps", &o, err, sizeof err);
    cr_assert_eq(st, TWC_EUSAGE);
    cr_assert(strstr(err, "tw program"), "ps in a session says where it works: %s", err);
    twc_close(s);
    rb_free(&R);
}
