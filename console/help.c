/* help.c — `tw --help`, `tw help [CMD]`, `tw CMD --help` and the REPL's `help`. Every line
 * about a command is libtwcore's command table (twc_help_in), so the console, gdb and lldb
 * describe each command with the same words and list only the commands that work there. The
 * console adds what only it has: targets and exit statuses. */
#include <stdio.h>
#include <string.h>
#include "tw.h"

static const char preamble[] =
    "SYNOPSIS\n"
    "    tw [COMMAND] [ARGS] TARGET [--json]\n"
    "    tw ps | tw run [--no-children] [--] PROG ARGS... | tw help [COMMAND]\n\n"
    "TARGET (exactly one; options may come anywhere on the line)\n"
    "    --pid PID               a live process (its region, else attach-only facts)\n"
    "    --file SNAPSHOT         a snapshot written by 'tw snapshot'\n"
    "    --core CORE [--exe EXE] an ELF core file (kernel or gcore)\n\n";

static const char statuses[] =
    "\nEXIT STATUS\n"
    "    0 done (a deadlock found is a result)   1 usage   2 not found (target,\n"
    "    task, resource, event, parked stack)   3 no TurboWish region and\n"
    "    attach-only impossible   4 permission refused   5 region corrupt,\n"
    "    truncated or of an unsupported ABI   6 internal error.\n"
    "    Errors are one sentence on stderr. See docs/console.md.\n";

/* A command the console runs through libtwcore: in the table, for the command line, and not
 * one of the console's own (those do not work in the debuggers). */
int is_core_cmd(const char *cmd) {
    const char *name;
    unsigned where;
    for (size_t i = 0; twc_command_info(i, &name, NULL, NULL, &where) == 0; i++)
        if (!strcmp(name, cmd)) return (where & TWC_FE_CONSOLE) && (where & TWC_FE_GDB) && strcmp(cmd, "help");
    return 0;
}

/* Works where `fe` says (TWC_FE_CONSOLE or TWC_FE_REPL). */
int works_in(const char *cmd, unsigned fe) {
    const char *name;
    unsigned where;
    for (size_t i = 0; twc_command_info(i, &name, NULL, NULL, &where) == 0; i++)
        if (!strcmp(name, cmd)) return (where & fe) != 0;
    return 0;
}

int print_help_in(const char *cmd, unsigned fe) {
    const char *text = twc_help_in(cmd, fe);
    if (cmd && *cmd && !strncmp(text, "no such command", 15)) {
        size_t k = strcspn(text, "\n");
        return tw_fail(TWC_EUSAGE, "%.*s", (int)k, text);
    }
    if ((!cmd || !*cmd) && fe == TWC_FE_CONSOLE) fputs(preamble, stdout);
    fputs(text, stdout);
    if ((!cmd || !*cmd) && fe == TWC_FE_CONSOLE) fputs(statuses, stdout);
    fflush(stdout);
    return 0;
}

int print_help(const char *cmd) { return print_help_in(cmd, TWC_FE_CONSOLE); }

int unknown_command(const char *cmd, unsigned fe) {
    if (works_in(cmd, TWC_FE_CONSOLE | TWC_FE_REPL | TWC_FE_GDB | TWC_FE_LLDB) && !works_in(cmd, fe))
        return tw_fail(TWC_EUSAGE, works_in(cmd, TWC_FE_CONSOLE) ? "%s is a command of the tw program, not of this "
                       "console: run tw %s TARGET" : "%s is gdb's own (tw %s in gdb)", cmd, cmd);
    const char *near = twc_suggest(cmd, fe);
    if (near) return tw_fail(TWC_EUSAGE, "unknown command '%s'; did you mean '%s'?", cmd, near);
    return tw_fail(TWC_EUSAGE, "unknown command '%s'; see tw help", cmd);
}
