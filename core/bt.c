/* bt.c — `bt ID`: the stack of a parked task, rendered once for every frontend. A parked task
 * is on no thread: the runtime saved its registers in its task record, so the walk starts
 * there and follows the frame-pointer chain over target memory (the runtime, the shim and the
 * examples keep frame pointers, DESIGN.md), every step bounded by the task's own stack and a
 * frame limit, because that memory is input, not truth. The frontends lend what only they
 * have: a reader of the target's address space, the symbolizer, and for attach-only models
 * (a task is a thread) the thread's frames as their debugger unwinds them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "dispatch.h"

#define MAX_FRAMES 128

void twc_set_stack_reader(twc_session *s, twc_read_fn rd, void *ctx)
{
    if (s) { s->stack_rd = rd; s->stack_rctx = rd ? ctx : NULL; }
    twc__facts_guards_in_memory(s);   /* attach-only: readers whose guard is in memory (-O0) */
}

void twc_set_thread_stacks(twc_session *s, twc_thread_stack_fn fn, void *ctx)
{
    if (s) { s->thread_stacks = fn; s->thread_stacks_ctx = fn ? ctx : NULL; }
}

/* pcs of a parked task, innermost first; *stopped says why the walk ended early, or NULL */
static size_t walk(struct twc_session *s, const uint64_t r[10], uint64_t *pcs, const char **stopped)
{
    uint64_t fp = r[2], lo = r[8], hi = r[9];
    size_t n = 0;
    pcs[n++] = r[0];
    *stopped = NULL;
    while (n < MAX_FRAMES) {
        if (!fp) return n; /* the task's entry trampoline clears rbp: the bottom */
        if (fp & 7) { *stopped = "a misaligned frame pointer"; return n; }
        if (lo && hi && (fp < lo || fp + 16 > hi)) { *stopped = "the frame pointer left the task's stack"; return n; }
        uint64_t fr[2];
        if (!s->stack_rd || s->stack_rd(s->stack_rctx, fp, fr, sizeof fr) != (int64_t)sizeof fr) {
            *stopped = s->flags & TWC_LIVE ? "the task's stack memory is not readable"
                                           : "the task's stack memory is not readable or not in this core file";
            return n;
        }
        if (!fr[1]) return n;
        pcs[n++] = fr[1];
        if (fr[0] && fr[0] <= fp) { *stopped = fr[0] == fp ? NULL : "the frame chain goes backwards"; return n; }
        fp = fr[0];
    }
    *stopped = "the frame limit was reached";
    return n;
}

/* Symbolizers name one module by several paths (the loader's $ORIGIN/../lib, /proc's
 * canonical one, /lib vs /usr/lib): the canonical path, when this machine has the file, is
 * the one every frontend can agree on. */
static void canonical(char *obj, size_t len)
{
    char real[PATH_MAX];
    if (obj[0] && realpath(obj, real) && strlen(real) < len) memcpy(obj, real, strlen(real) + 1);
}

int twc_render_stack(twc_session *s, uint64_t task, const uint64_t *pcs, size_t n, const char *stopped, int json,
                     char **out, char *err, size_t errlen)
{
    if (out) *out = NULL;
    if (!s || !out || (n && !pcs)) { MSG(err, errlen, "no session"); return TWC_EUSAGE; }
    struct sbuf b; twc__sb_init(&b);
    if (json) twc__sb_printf(&b, "{\"task\":%llu,\"frames\":[", (unsigned long long)task);
    for (size_t i = 0; i < n; i++) {
        struct frame_sym f;
        /* frame 0 is where the task resumes, looked up as is; outer pcs are return addresses */
        if (i) twc__frame_symbolize(s, pcs[i], &f);
        else twc__frame_symbolize_at(s, pcs[i], &f);
        canonical(f.object, sizeof f.object);
        if (json) {
            twc__sb_printf(&b, "%s{\"n\":%zu,\"pc\":\"0x%llx\",\"func\":", i ? "," : "", i, (unsigned long long)pcs[i]);
            twc__sb_json_str(&b, f.func[0] ? f.func : NULL);
            twc__sb_puts(&b, ",\"file\":");
            twc__sb_json_str(&b, f.file[0] ? f.file : NULL);
            if (f.line) twc__sb_printf(&b, ",\"line\":%d", f.line);
            else twc__sb_puts(&b, ",\"line\":null");
            twc__sb_puts(&b, ",\"object\":");
            twc__sb_json_str(&b, f.object[0] ? f.object : NULL);
            twc__sb_puts(&b, "}");
            continue;
        }
        twc__sb_printf(&b, "#%-2zu 0x%016llx in %s", i, (unsigned long long)pcs[i], f.func[0] ? f.func : "??");
        if (f.file[0]) twc__sb_printf(&b, " (%s:%d)", f.file, f.line);
        else if (f.object[0]) twc__sb_printf(&b, " () from %s", f.object);
        twc__sb_puts(&b, "\n");
    }
    if (json) {
        twc__sb_puts(&b, "],\"stopped\":");
        twc__sb_json_str(&b, stopped);
        twc__sb_puts(&b, "}\n");
    } else if (stopped)
        twc__sb_printf(&b, "(the walk stops after %zu frame%s: %s)\n", n, n == 1 ? "" : "s", stopped);
    *out = twc__sb_take(&b);
    if (!*out) { MSG(err, errlen, "out of memory"); return TWC_EINTERNAL; }
    return 0;
}

static int render_into(struct run_ctx *c, const uint64_t *pcs, size_t n, const char *stopped)
{
    char *text = NULL;
    int st = twc_render_stack(c->s, c->arg, pcs, n, stopped, c->o.json, &text, c->err, c->errlen);
    if (!st) twc__sb_puts(c->b, text);
    free(text);
    return st;
}

int twc__run_bt(struct run_ctx *c)
{
    struct twc_session *s = c->s;
    if (!c->has_arg || c->arg == 0 || c->arg > (s->facts ? UINT64_MAX : 0xffffffffull)) {
        MSG(c->err, c->errlen, "usage: bt ID (a task id from `tasks`)");
        return TWC_EUSAGE;
    }
    uint64_t pcs[MAX_FRAMES];
    if (s->facts) {
        /* attach-only: a task is a thread, and its stack is the one its debugger unwinds */
        if (!s->thread_stacks) {
            MSG(c->err, c->errlen, "bt of a thread needs a debugger to unwind it: use gdb or lldb on this target");
            return TWC_EUSAGE;
        }
        size_t n = s->thread_stacks(s->thread_stacks_ctx, c->arg, pcs, MAX_FRAMES);
        if (!n) { MSG(c->err, c->errlen, "no thread %llu in this process", (unsigned long long)c->arg); return TWC_ENOTFOUND; }
        return render_into(c, pcs, n > MAX_FRAMES ? MAX_FRAMES : n, NULL);
    }
    if (!s->stack_rd) {
        MSG(c->err, c->errlen, "a snapshot holds the region but not the tasks' stacks: use bt on the process or a core file");
        return TWC_ENOTFOUND; /* the stack is not in this target */
    }
    uint64_t regs[10];
    int st = twc_task_context(s, (uint32_t)c->arg, regs, c->err, c->errlen);
    if (st) return st;
    const char *stopped;
    size_t n = walk(s, regs, pcs, &stopped);
    return render_into(c, pcs, n, stopped);
}
