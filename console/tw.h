/* tw.h — internals of the `tw` console shared between its files. Nothing here is public API:
 * the console is a thin frontend, every analysis and rendering is libtwcore's (twcore.h). */
#ifndef TW_CONSOLE_H
#define TW_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "twcore.h"

#define TW_ERRLEN 512
#define TW_MAXARGS 256

/* The parsed command line. Options may appear anywhere; words the console does not own are
 * kept in order in `words` and handed to twc_exec as one command line. */
struct tw_args {
    const char *cmd;            /* first word (NULL = summary) */
    const char *words[TW_MAXARGS]; /* the command's own words, options of core included */
    int nwords;
    const char *pid_s, *file, *core, *exe, *out, *format;
    int json, gdb, lldb, batch, help, yes;
    int no_children;            /* `tw run --no-children` */
    char *const *prog;          /* `tw run`: program and its arguments */
};

enum tw_target_kind { TGT_NONE = 0, TGT_PID = 1, TGT_FILE = 2, TGT_CORE = 3 };

struct twcf_core;                 /* corefile/twcorefile.h */
struct tw_symbols;                /* frames.c */

/* An opened target: a twc_session plus whatever keeps its byte source alive. */
struct tw_target {
    int kind;
    int pid;
    const char *path;           /* snapshot or core path */
    const char *exe;            /* --exe for cores */
    int region_fd;              /* memfd (pid) or snapshot file; -1 otherwise */
    uint64_t region_addr;       /* address of the header in the reader's space */
    struct twcf_core *core;     /* libtwcorefile's open core */
    int mem_fd;                 /* /proc/PID/mem, opened on demand for stack reads */
    int attach_only;            /* session built from facts, not a region */
    twc_session *s;
    void *ctl_map;              /* writable window over the control area (pause/resume) */
    size_t ctl_len;
    uint64_t ctl_base;          /* region offset of ctl_map[0] */
    uint64_t control_offset;
    uint16_t ctl_abi_minor;     /* the region's, read when ctl_map was made */
    struct tw_symbols *sym;     /* modules of the target, read for the first stack frame shown */
};

#define TGT_WRITABLE 0x1        /* pause/resume wanted: open the memfd read-write */

/* args.c */
int tw_parse_args(int argc, char **argv, struct tw_args *a, char *err, size_t n);

/* target.c */
int tgt_parse(const struct tw_args *a, struct tw_target *t, char *err, size_t n);
int tgt_open(struct tw_target *t, int flags, char *err, size_t n);
void tgt_close(struct tw_target *t);
/* Raw region bytes at region offset `off` (snapshot, ps). */
int64_t tgt_read_region(struct tw_target *t, uint64_t off, void *buf, uint64_t len);
/* Target memory at a virtual address (stacks for bt): /proc/PID/mem or the core. */
int64_t tgt_read_mem(struct tw_target *t, uint64_t addr, void *buf, uint64_t len);

/* frames.c: libtwsym over the target's modules (/proc/PID/maps, or the core's NT_FILE note)
 * names the stacks `task ID` shows (TW_BACKTRACE) */
void tgt_lend_symbolizer(struct tw_target *t);
void tgt_drop_symbolizer(struct tw_target *t);

/* target_pid.c */
/* Finish an attach-only open: `collected` is the collector's status; on success the facts
 * become the target's session. Releases the collector's storage either way. */
int tgt_open_facts(struct tw_target *t, int collected, const struct twc_facts *f, void *storage, char *err, size_t n);
int pid_find_region(int pid, int *fd_out, int wr, char *err, size_t n);
int pid_open(struct tw_target *t, int flags, char *err, size_t n);
void tgt_pid_sources(struct tw_target *t);
/* twc_run_fn for a live process (ctx: its int pid): waits, refusing a stopped process. */
int tgt_pid_runner(void *ctx, unsigned ms, char *why, size_t n);
int64_t fd_pread_reader(void *ctx, uint64_t addr, void *buf, uint64_t len);
/* lend_frames.c: lend the threads' facts to a region session (frames: objects the adapter named
 * by address are named from the frame that holds them, "main:mu1"; kernel waits and owners): a
 * core's at once, a live process's through a collector libtwcore calls only when they could
 * change an answer. t must stay where it is while the session lives. Best effort. */
void tgt_lend_frames(struct tw_target *t);
/* target_core.c */
int core_open(struct tw_target *t, char *err, size_t n);
void core_close(struct tw_target *t);
int64_t core_read_mem(struct tw_target *t, uint64_t addr, void *buf, uint64_t len);
/* target_file.c */
int file_open(struct tw_target *t, char *err, size_t n);

/* control.c: pause/resume through a shared writable mapping of the control area */
int ctl_attach(struct tw_target *t, char *err, size_t n);
void ctl_detach(struct tw_target *t);
/* Around a stop of the target (ptrace): say so in the control area, when it began
 * (CLOCK_MONOTONIC ns, read before the first thread is stopped), and how long it lasted. */
void ctl_stop_begins(struct tw_target *t, uint64_t began_ns);
void ctl_stop_ends(struct tw_target *t, uint64_t stopped_ns);
void ctl_kick(struct tw_target *t, uint32_t before);
uint32_t ctl_generation(struct tw_target *t);
/* Run pause/resume ID and wake the runtime. */
int ctl_request(struct tw_target *t, const char *op, uint32_t id, int json, char **out, char *err, size_t n);

/* exec.c: run a command line through libtwcore (pause/resume through the control mapping), print it */
int run_line(struct tw_target *t, const char *line, int print_err);
int exec_capture(struct tw_target *t, const char *line, char **out, char *err, size_t n);
int task_state(struct tw_target *t, uint32_t id, char *state, size_t sn, int *paused);

/* commands */
int cmd_ps(const struct tw_args *a);
int cmd_snapshot(const struct tw_args *a);
int cmd_export(const struct tw_args *a);
int cmd_top(const struct tw_args *a);
int cmd_console(const struct tw_args *a);
int cmd_debug(const struct tw_args *a);
int debug_task(struct tw_target *t, uint32_t id, int use_lldb, int batch, int ask);
int cmd_run(const struct tw_args *a);

/* help.c: help from libtwcore's command table */
int print_help(const char *cmd);                    /* the command line's (TWC_FE_CONSOLE) */
int print_help_in(const char *cmd, unsigned fe);    /* TWC_FE_CONSOLE or TWC_FE_REPL */
int is_core_cmd(const char *cmd);                   /* run by libtwcore */
int works_in(const char *cmd, unsigned fe);
/* "unknown command 'taks'; did you mean 'tasks'?" as status TWC_EUSAGE */
int unknown_command(const char *cmd, unsigned fe);

/* export_trace.c, export_dot.c: the documents `tw export` writes, from a snapshot taken with
 * TWC_SNAP_EVENTS (trace; pid names its process track) or TWC_SNAP_DEADLOCKS (dot). malloc'd;
 * NULL when out of memory. */
char *export_trace(const struct twc_snapshot *snap, int pid);
char *export_dot(const struct twc_snapshot *snap);

/* wrote_json.c: snapshot's and export's answer to --json, one object on one line:
 * {"file", "bytes", "torn", "overwritten"} (snapshot) or {"file", "format"} (export). */
int print_wrote_json(const char *file, const char *format, uint64_t bytes, unsigned torn, uint64_t overwritten);

/* util.c */
int tw_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tw_err(int status, const char *sentence); /* prints "tw: sentence" and returns status */
const char *tw_self_dir(void);                /* directory of the tw binary */
int parse_id(const char *s, uint32_t *id);
char *tw_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_file(const char *path, const void *buf, size_t len, char *err, size_t n);

#endif
