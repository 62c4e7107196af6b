/* bt.c — the stack of a parked task, not of the worker thread that last ran it: start from
 * the registers the runtime saved when the task parked (twc_task_context) and walk the frame
 * pointer chain over target memory (/proc/PID/mem or the core). The runtime, the shim and the
 * examples keep frame pointers (-fno-omit-frame-pointer, DESIGN.md), so the chain is sound;
 * every step is still bounded by the task's own stack bounds and a frame limit, because the
 * memory is input, not truth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw.h"
#include "json.h"
#include "symbolize.h"

#define MAX_FRAMES 64

static void frame_line(char **b, size_t *l, size_t *c, int i, uint64_t pc, struct symbolizer *sy, int json) {
    struct sym_info si;
    /* Outer pcs are return addresses: look up pc-1 so the line is the call's. Frame 0 is where
     * the task resumes, looked up as is, as gdb and lldb do, so all frontends agree. */
    int found = sym_lookup(sy, i ? pc - 1 : pc, &si) == 0;
    if (json) {
        sb_add(b, l, c, "%s{\"n\":%d,\"pc\":%llu,\"func\":", i ? "," : "", i, (unsigned long long)pc);
        json_quote(b, l, c, si.func[0] ? si.func : NULL);
        sb_add(b, l, c, ",\"file\":");
        json_quote(b, l, c, si.file);
        sb_add(b, l, c, ",\"line\":%d,\"object\":", si.line);
        json_quote(b, l, c, si.object);
        sb_add(b, l, c, "}");
        return;
    }
    sb_add(b, l, c, "#%-2d 0x%016llx ", i, (unsigned long long)pc);
    if (si.func[0]) sb_add(b, l, c, "%s", si.func);
    else sb_add(b, l, c, "??");
    if (si.file[0]) sb_add(b, l, c, " (%s:%d)", si.file, si.line);
    else if (found && si.object[0]) {
        const char *base = strrchr(si.object, '/');
        sb_add(b, l, c, " (%s)", base ? base + 1 : si.object);
    }
    sb_add(b, l, c, "\n");
}

int bt_render(struct tw_target *t, uint32_t id, int json, char **out, char *err, size_t n) {
    uint64_t r[10];
    int st = twc_task_context(t->s, id, r, err, n);
    if (st) return st;
    uint64_t rip = r[0], rsp = r[1], rbp = r[2], lo = r[8], hi = r[9];
    struct symbolizer *sy = tgt_new_symbolizer(t); /* afresh: a live target may have loaded modules since */
    char *b = NULL;
    size_t l = 0, c = 0;
    if (json) sb_add(&b, &l, &c, "{\"task\":%u,\"frames\":[", id);
    else sb_add(&b, &l, &c, "task %u parked: rip 0x%llx rsp 0x%llx rbp 0x%llx\n", id, (unsigned long long)rip,
                (unsigned long long)rsp, (unsigned long long)rbp);
    frame_line(&b, &l, &c, 0, rip, sy, json);
    uint64_t fp = rbp;
    const char *stop = NULL;
    int i;
    for (i = 1; i < MAX_FRAMES; i++) {
        if (!fp) break; /* the task's entry trampoline clears rbp: the bottom */
        if (fp & 7) { stop = "misaligned frame pointer"; break; }
        if (lo && hi && (fp < lo || fp + 16 > hi)) { stop = "frame pointer left the task's stack"; break; }
        uint64_t fr[2];
        int64_t k = tgt_read_mem(t, fp, fr, sizeof fr);
        if (k != (int64_t)sizeof fr) { stop = "stack memory not readable"; break; }
        if (!fr[1]) break;
        frame_line(&b, &l, &c, i, fr[1], sy, json);
        if (fr[0] && fr[0] <= fp) { stop = fr[0] == fp ? NULL : "frame chain goes backwards"; break; }
        fp = fr[0];
    }
    if (i == MAX_FRAMES) stop = "frame limit reached";
    if (json) {
        sb_add(&b, &l, &c, "],\"stopped\":");
        json_quote(&b, &l, &c, stop ? stop : "");
        sb_add(&b, &l, &c, "}\n");
    } else if (stop) sb_add(&b, &l, &c, "(stopped: %s)\n", stop);
    sym_free(sy);
    *out = b;
    return 0;
}

int cmd_bt(const struct tw_args *a) {
    uint32_t id;
    if (a->nwords < 1 || parse_id(a->words[0], &id)) return tw_err(TWC_EUSAGE, "usage: tw bt TARGET ID");
    struct tw_target t;
    char err[TW_ERRLEN];
    int st = tgt_parse(a, &t, err, sizeof err);
    if (st) return tw_err(st, err);
    if ((st = tgt_open(&t, 0, err, sizeof err))) return tw_err(st, err);
    char line[64];
    snprintf(line, sizeof line, "bt %u%s", id, a->json ? " --json" : "");
    /* live and core: our unwinder (exec.c); a snapshot holds no stacks: core says so */
    st = run_line(&t, line, 1);
    tgt_close(&t);
    return st;
}
