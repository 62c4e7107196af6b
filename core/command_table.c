/* command_table.c — every `tw` command once: its name, arguments, one-line summary, longer
 * text, the frontends it works in, and the function that runs it. twc_exec dispatches through
 * it and every help text (`tw help`, gdb's `help tw`, lldb's `help tw`, the console REPL's
 * `help`) is generated from it, so a command cannot be listed where it does not work, nor
 * work where it is not listed. Lines stay within 72 columns: lldb re-wraps longer ones at
 * whatever width it guesses, mid-phrase (tests/lldb/t_help.sh holds them to 72). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dispatch.h"

#define DEBUGGERS (TWC_FE_GDB | TWC_FE_LLDB)
#define EVERYWHERE (TWC_FE_CONSOLE | TWC_FE_REPL | DEBUGGERS)
#define TW_PROGRAM TWC_FE_CONSOLE

static const struct command table[] = {
    { "summary", "", "counts by state, averages, the alerts banner",
      "The top view (also plain `tw`): tasks by state, average poll and\n"
      "ready-wait time, events recorded and retained, the alerts banner.",
      EVERYWHERE, twc__run_summary },
    { "tasks", "[--limit N] [--all]", "one line per task",
      "One line per task: id, name, state, polls, busy, idle, await site,\n"
      "attributes. --all includes done tasks; --limit N shows the first N.",
      EVERYWHERE, twc__run_tasks },
    { "task", "ID", "one task's record",
      "The record of task ID: waits, holds, intents, histograms of poll\n"
      "time and ready-wait, its recorded stacks (TW_BACKTRACE), recent\n"
      "events.",
      EVERYWHERE, twc__run_task },
    { "resources", "[--limit N]", "one line per resource",
      "One line per resource: id, name, kind, class, units, holders,\n"
      "waiters.",
      EVERYWHERE, twc__run_resources },
    { "resource", "ID", "one resource's record",
      "The record of resource ID: capacity, units, holders, senders,\n"
      "receivers, intending and waiting tasks.",
      EVERYWHERE, twc__run_resource },
    { "why", "ID", "what keeps task ID from running",
      "The chain that keeps task ID from running: task -> resource ->\n"
      "holder ... until a running or ready task, a finished holder, or a\n"
      "cycle.",
      EVERYWHERE, twc__run_why },
    { "deadlocks", "", "every deadlock, certain or possible",
      "Every deadlock, certain ones first, as task -> resource -> task\n"
      "chains; each verdict says what proves it or what is missing.",
      EVERYWHERE, twc__run_deadlocks },
    { "alerts", "[--long-poll-ms N] [--blocking-poll-ms N]", "every alert, with its doc page",
      "Every alert (deadlock, lost_waker, long_poll, ...) with its page\n"
      "docs/alerts/KIND.md. --blocking-poll-ms (default 100) is how long\n"
      "a poll may keep its worker asleep in the kernel.",
      EVERYWHERE, twc__run_alerts },
    { "log", "[N]", "the newest N events (default 20)",
      "The newest N events (default 20) up to the moment shown, merged\n"
      "across threads, oldest first.",
      EVERYWHERE, twc__run_log },
    { "back", "[N | --await ID]", "move the view N events back",
      "Move the view N events back in history (default 1); later commands\n"
      "show that moment. --await ID: back to the previous time task ID\n"
      "began the await it is blocked at now.",
      EVERYWHERE, twc__run_history },
    { "forward", "[N]", "move the view N events forward",
      "Move the view N events forward in history (default 1).",
      EVERYWHERE, twc__run_history },
    { "at", "SEQ", "show the moment just after event SEQ",
      "Move the view to just after event SEQ (a number `log` shows).",
      EVERYWHERE, twc__run_history },
    { "now", "", "return the view to the present",
      "Return the view to the present.",
      EVERYWHERE, twc__run_history },
    { "pause", "ID", "ask the runtime to stop running task ID",
      "Ask the runtime to stop scheduling task ID (live processes only). A\n"
      "debugger holds the process stopped: the runtime takes the request\n"
      "when it runs again (continue, detach).",
      EVERYWHERE, twc__run_control },
    { "resume", "ID", "ask the runtime to run task ID again",
      "Ask the runtime to schedule task ID again (live processes only).",
      EVERYWHERE, twc__run_control },
    { "bt", "ID", "the stack of parked task ID",
      "The stack of parked task ID (not its worker thread's), innermost\n"
      "first: the frame-pointer chain walked from the registers the runtime\n"
      "saved when the task parked, over the target's memory, live or in a\n"
      "core. In an attach-only model a task is a thread: its stack as\n"
      "unwound. Each frame: #N 0xPC in FUNC (FILE:LINE) from OBJECT.",
      EVERYWHERE, twc__run_bt },
    { "validate", "", "check the region's consistency",
      "Check the region: header, bounds, references, derived lists, and the\n"
      "undo/redo of every retained event.",
      EVERYWHERE, twc__run_validate },
    { "help", "[COMMAND]", "this text, or one command's",
      "Help for every command, or for one.",
      EVERYWHERE, NULL },
    /* the debuggers' own */
    { "frame", "ID | none", "put task ID's stack under gdb's own bt",
      "Show a parked task's stack in gdb's own `bt`, `frame N`, `info\n"
      "locals`: frame 0 stays the selected thread's, frames from 1 on are\n"
      "the task's. `tw frame none` undoes it.",
      TWC_FE_GDB, NULL },
    { "facts", "[--one-sample]", "what attach-only reads from each thread",
      "What attach-only sees in each thread before libtwcore analyses it:\n"
      "blocking call, object, owner, value, site, and where each came from.",
      TWC_FE_GDB, NULL },
    /* the tw program's own */
    { "debug", "ID [--gdb|--lldb] [--batch] [--yes]", "gdb or lldb on paused task ID",
      "Pause task ID, wait until it is parked, then start gdb (default) or\n"
      "lldb attached to the process showing `tw task ID` and `tw bt ID`;\n"
      "when the debugger exits, offer to resume the task (--yes: without\n"
      "asking). --batch runs the debugger non-interactively and resumes the\n"
      "task.",
      TWC_FE_CONSOLE | TWC_FE_REPL, NULL },
    { "ps", "", "processes that have a TurboWish region",
      "List the processes on this machine that carry a TurboWish region:\n"
      "pid, program, tasks, alerts. Processes that may not be inspected are\n"
      "counted and listed as refused, never silently skipped.",
      TW_PROGRAM, NULL },
    { "snapshot", "-o FILE", "copy the region to FILE (for --file)",
      "Copy the region (offset 0 to its used size) to FILE, retrying\n"
      "records caught mid-update; analyse it later, anywhere, with --file\n"
      "FILE.",
      TW_PROGRAM, NULL },
    { "export", "--format perfetto|chrome|dot -o FILE", "trace or wait-for graph to FILE",
      "perfetto, chrome: the event history as Chrome trace JSON (one track\n"
      "per task, polls as slices, wakes as flow arrows). dot: the wait-for\n"
      "graph for Graphviz (dot -Tsvg FILE > graph.svg).",
      TW_PROGRAM, NULL },
    { "top", "", "full-screen live view (needs a terminal)",
      "Full-screen view refreshed a few times a second: summary, alert\n"
      "banner, task list. Keys: up/down or j/k select; s/S sort; Enter the\n"
      "record; r resource; w why; d deadlocks; a alerts; p pause/resume;\n"
      "b/f/n history; g/l debug in gdb/lldb; q, Esc or Ctrl-C quit.",
      TW_PROGRAM, NULL },
    { "console", "", "a REPL over one session",
      "A REPL over one session, so history moves persist: commands without\n"
      "the leading `tw`, each with --json; debug ID, help, quit. Reads one\n"
      "command per line when stdin is not a terminal, and exits non-zero if\n"
      "one failed.",
      TW_PROGRAM, NULL },
    { "run", "[--no-children] [--] PROG [ARGS...]", "run PROG under the pthread adapter",
      "Run an unmodified program with the pthread adapter preloaded: its\n"
      "threads become tasks; mutexes, rwlocks, condvars, semaphores, joins\n"
      "and pipes resources. The exit status is the program's.\n"
      "--no-children: programs it starts (exec) run uninstrumented; forked\n"
      "copies of itself stay instrumented.",
      TW_PROGRAM, NULL },
};

const struct command *twc__command_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        if (!strcmp(name, table[i].name)) return &table[i];
    return NULL;
}

int twc_command_info(size_t i, const char **name, const char **args, const char **summary, unsigned *frontends)
{
    if (i >= ARRAY_LEN(table)) return -1;
    if (name) *name = table[i].name;
    if (args) *args = table[i].args;
    if (summary) *summary = table[i].summary;
    if (frontends) *frontends = table[i].where;
    return 0;
}

/* Levenshtein distance, capped: enough to tell a typo from another word. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[32];
    if (la >= 31 || lb >= 31) return 99;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *twc_suggest(const char *word, unsigned frontend)
{
    const char *best = NULL;
    size_t bd = 3; /* at most two edits, and fewer than half the word */
    for (size_t i = 0; word && i < ARRAY_LEN(table); i++) {
        if (frontend && !(table[i].where & frontend)) continue;
        size_t d = distance(word, table[i].name);
        if (d < bd && d * 2 < strlen(table[i].name)) { bd = d; best = table[i].name; }
    }
    return best;
}

static const char *where_words(unsigned where)
{
    if ((where & EVERYWHERE) == EVERYWHERE) return "the tw program, tw console, gdb and lldb";
    if (where == TWC_FE_GDB) return "gdb";
    if (where == TW_PROGRAM) return "the tw program's command line (tw CMD TARGET)";
    if (where == (TWC_FE_CONSOLE | TWC_FE_REPL)) return "the tw program and tw console";
    return "some frontends";
}

static void one(struct sbuf *b, const struct command *c)
{
    twc__sb_printf(b, "%s\n\nUsage: tw %s%s%s\n", c->summary, c->name, c->args[0] ? " " : "", c->args);
    twc__sb_printf(b, "%s\n", c->text);
    if (c->where & (TWC_FE_CONSOLE | TWC_FE_REPL | TWC_FE_GDB | TWC_FE_LLDB) && c->run)
        twc__sb_puts(b, "--json prints one JSON object on one line (docs/json.md).\n");
    twc__sb_printf(b, "Works in %s.\n", where_words(c->where));
}

static void overview(struct sbuf *b, unsigned fe)
{
    twc__sb_puts(b, "TurboWish: why is my task stuck? Commands:\n");
    for (size_t i = 0; i < ARRAY_LEN(table); i++) {
        const struct command *c = &table[i];
        if (!(c->where & fe)) continue;
        char usage[64];
        snprintf(usage, sizeof usage, "%s%s%s", c->name, c->args[0] ? " " : "", c->args);
        if (strlen(usage) > 22) twc__sb_printf(b, "  %s\n  %-22s %s\n", usage, "", c->summary);
        else twc__sb_printf(b, "  %-22s %s\n", usage, c->summary);
    }
    twc__sb_puts(b, "Each analysis command takes --json (one JSON object on one line).\n");
    int others = 0;
    for (size_t i = 0; i < ARRAY_LEN(table); i++) {
        if (table[i].where & fe || table[i].where == TWC_FE_GDB) continue;
        twc__sb_printf(b, "%s%s", others++ ? " " : "Commands of the tw program (tw CMD TARGET):\n  ", table[i].name);
    }
    if (others) twc__sb_puts(b, ".\n");
    twc__sb_puts(b, "`tw help COMMAND` says more about one.\n");
}

const char *twc_help_in(const char *command, unsigned frontend)
{
    static char buf[8192];
    struct sbuf b; twc__sb_init(&b);
    unsigned fe = frontend ? frontend : EVERYWHERE;
    const struct command *c = command && command[0] ? twc__command_find(command) : NULL;
    if (!command || !command[0]) overview(&b, fe);
    else if (c) one(&b, c);
    else {
        const char *s = twc_suggest(command, fe);
        twc__sb_printf(&b, "no such command: %s%s%s%s\n", command, s ? " (did you mean " : "", s ? s : "", s ? "?)" : "");
    }
    char *p = twc__sb_take(&b);
    snprintf(buf, sizeof buf, "%s", p ? p : "out of memory\n");
    twc__sb_free(&b);
    free(p);
    return buf;
}

const char *twc_help(const char *command) { return twc_help_in(command, 0); }
