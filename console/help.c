/* help.c — `tw --help` and man-style help per command. Help for the analysis commands is
 * libtwcore's (twc_help), so the console, gdb and lldb describe them with the same words. */
#include <stdio.h>
#include <string.h>
#include "tw.h"

static const char *const core_cmds[] = {
    "summary", "tasks", "task", "resources", "resource", "why", "deadlocks", "alerts", "log",
    "back", "forward", "at", "now", "pause", "resume", "validate", NULL,
};

struct chelp { const char *name, *synopsis, *text; };
static const struct chelp console_cmds[] = {
    { "ps", "tw ps [--json]",
      "List the processes on this machine that carry a TurboWish region: pid, program, number of\n"
      "tasks and of alerts. Found through /proc/PID/fd links to /memfd:turbowish. Processes whose\n"
      "file descriptors may not be inspected (another user's, without root) are counted and listed\n"
      "as refused, never silently skipped." },
    { "snapshot", "tw snapshot TARGET -o FILE",
      "Copy the region (offset 0 to the used size its header declares) to FILE, retrying records\n"
      "caught mid-update for a moment; records still torn after that are copied as they are and\n"
      "reported as torn by every reader. Analyse it later, anywhere, with --file FILE." },
    { "export", "tw export TARGET --format perfetto|chrome|dot -o FILE",
      "perfetto, chrome: the event history as Chrome trace JSON {\"traceEvents\": [...]} that\n"
      "ui.perfetto.dev and chrome://tracing load: one track per task (named after the task),\n"
      "polls as slices, wakes as flow arrows from the waker to the woken task.\n"
      "dot: the wait-for graph (tasks as boxes, resources as ellipses, 'waits' and 'held by'\n"
      "edges, deadlock members in red) for Graphviz: dot -Tsvg FILE > graph.svg." },
    { "top", "tw top TARGET",
      "Full-screen live view, refreshed a few times a second: summary, alert banner, task list.\n"
      "Keys: up/down or j/k select; s / S sort column / reverse; Enter the task's record;\n"
      "r the resource it waits on; a alerts and their problem pages; w why; d deadlocks;\n"
      "p pause/resume the task (live only); b / f one event back / forward in history,\n"
      "n back to now; g / l debug the task in gdb / lldb; q quit (Esc or q leaves a record view).\n"
      "It only reads the region (pause writes the control area): it never slows the target." },
    { "console", "tw console TARGET",
      "A REPL over the same commands (readline: history, tab completion). Commands are typed\n"
      "without the leading 'tw' and accept --json. Reads commands from stdin when it is not a\n"
      "terminal, one per line, so scripts can drive it. 'quit' or end of input leaves." },
    { "debug", "tw debug --pid PID ID [--gdb|--lldb] [--batch] [--yes]",
      "Pause task ID, wait until it is parked, then start gdb (default) or lldb attached to the\n"
      "process with the TurboWish plugin loaded, showing 'tw task ID' and 'tw bt ID'. When the\n"
      "debugger exits, offers to resume the task (--yes: resume without asking). --batch runs\n"
      "the debugger non-interactively, prints its output and resumes the task before returning." },
    { "run", "tw run [--no-children] [--] PROG [ARGS...]",
      "Run an unmodified program with the pthread adapter preloaded (LD_PRELOAD gets\n"
      "<tw's dir>/../lib/libtw-pthread.so appended): its threads become tasks, its mutexes,\n"
      "rwlocks, condvars, semaphores, joins and pipes resources. Exit status is the program's.\n"
      "--no-children: programs it starts (exec) run uninstrumented; forked copies of itself stay\n"
      "instrumented." },
    { "bt", "tw bt TARGET ID",
      "The stack of parked task ID from its saved context, walked over target memory\n"
      "(live process or core file) by frame pointers, symbolised from DWARF line tables\n"
      "with each object's load bias: '#N 0xPC function (file:line)'." },
    { "help", "tw help [COMMAND]", "Help for every command, or for one." },
};

const char *const tw_all_commands[] = {
    "summary", "tasks", "task", "resources", "resource", "why", "deadlocks", "alerts", "log",
    "back", "forward", "at", "now", "pause", "resume", "bt", "validate", "help",
    "ps", "snapshot", "export", "top", "console", "debug", "run", "quit", NULL,
};

int is_core_cmd(const char *cmd) {
    for (int i = 0; core_cmds[i]; i++)
        if (!strcmp(cmd, core_cmds[i])) return 1;
    return 0;
}

static const struct chelp *console_help(const char *cmd) {
    for (size_t i = 0; i < sizeof console_cmds / sizeof *console_cmds; i++)
        if (!strcmp(cmd, console_cmds[i].name)) return &console_cmds[i];
    return NULL;
}

int is_console_cmd(const char *cmd) { return console_help(cmd) != NULL; }

static const char general[] =
    "NAME\n"
    "    tw - ask a task-based C program why its tasks are stuck\n\n"
    "SYNOPSIS\n"
    "    tw [COMMAND] [ARGS] TARGET [--json]\n"
    "    tw ps | tw run [--no-children] [--] PROG ARGS... | tw help [COMMAND]\n\n"
    "TARGET (exactly one; options may come anywhere on the line)\n"
    "    --pid PID              a live process (its region, else attach-only facts)\n"
    "    --file SNAPSHOT        a snapshot written by 'tw snapshot'\n"
    "    --core CORE [--exe EXE] an ELF core file (kernel or gcore)\n\n"
    "ANALYSIS COMMANDS (rendered by libtwcore, identical in gdb and lldb)\n"
    "    summary (default)  tasks  task ID  resources  resource ID  why ID  deadlocks  alerts\n"
    "    log [N]  back [N|--await ID]  forward [N]  at SEQ  now  pause ID  resume ID\n"
    "    bt ID  validate\n\n"
    "CONSOLE COMMANDS\n"
    "    ps  snapshot  export  top  console  debug  run  help\n\n"
    "EXIT STATUS\n"
    "    0 done (a deadlock found is a result)   1 usage   2 target not found\n"
    "    3 no TurboWish region and attach-only impossible   4 permission refused\n"
    "    5 region corrupt, truncated or of an unsupported ABI   6 internal error\n"
    "    Errors are one sentence on stderr.\n\n"
    "See 'tw help COMMAND' and docs/console.md.\n";

int print_help(const char *cmd) {
    if (!cmd || !*cmd) {
        fputs(general, stdout);
        return 0;
    }
    const struct chelp *h = console_help(cmd);
    if (h && strcmp(cmd, "help") != 0) {
        printf("NAME\n    tw %s\n\nSYNOPSIS\n    %s\n\nDESCRIPTION\n", h->name, h->synopsis);
        for (const char *p = h->text; *p;) {
            const char *nl = strchr(p, '\n');
            size_t k = nl ? (size_t)(nl - p) : strlen(p);
            printf("    %.*s\n", (int)k, p);
            p += k + (nl ? 1 : 0);
        }
        return 0;
    }
    if (h) {
        fputs(general, stdout);
        return 0;
    }
    if (is_core_cmd(cmd)) {
        const char *t = twc_help(cmd);
        printf("NAME\n    tw %s\n\nSYNOPSIS\n    tw %s [ARGS] TARGET [--json]\n\nDESCRIPTION\n", cmd, cmd);
        if (t) {
            fputs(t, stdout);
            if (*t && t[strlen(t) - 1] != '\n') putchar('\n');
        }
        return 0;
    }
    return tw_fail(TWC_EUSAGE, "unknown command '%s'; see tw --help", cmd);
}
