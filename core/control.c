/* control.c — the region's control area, the only bytes a reader ever writes: `pause ID` /
 * `resume ID` post a request there, and a debugger counts its stops in reader_stops. Protocol (tw_region.h): take a slot that is EMPTY, DONE or
 * REJECTED, write task and op, then state = POSTED, then bump the futex word. The frontend
 * FUTEX_WAKEs it when it can (a debugger cannot make syscalls in the target cheaply). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static int wr(struct twc_session *s, uint64_t off, const void *p, uint64_t n)
{
    int64_t got = s->wr(s->wctx, s->base + off, p, n);
    return got == (int64_t)n ? 0 : -1;
}

void twc_count_reader_stop(twc_session *s)
{
    struct tw_control c;
    if (!s || !s->wr || s->facts || s->hdr.abi_minor < 4 || !s->hdr.control_offset) return;
    if (twc__src_read(s, s->hdr.control_offset, &c, sizeof c)) return;
    /* even: a stop that has ended by the time the shim looks; the change alone tells it */
    uint32_t n = c.reader_stops + 2;
    (void)wr(s, s->hdr.control_offset + offsetof(struct tw_control, reader_stops), &n, sizeof n);
}

int twc__cmd_control(struct twc_session *s, int op, uint64_t id, const struct cmdopts *o, struct sbuf *b, char *err, size_t errlen)
{
    const char *verb = op == TW_CTL_PAUSE ? "pause" : "resume";
    if (s->facts) { MSG(err, errlen, "cannot %s: this process has no TurboWish runtime to ask (attach-only)", verb); return TWC_EUSAGE; }
    if (!s->wr) {
        MSG(err, errlen, "cannot %s task %llu: this %s cannot be written to (only a live process can be asked)", verb,
            (unsigned long long)id, s->label[0] ? s->label : ((s->flags & TWC_LIVE) ? "target" : "snapshot or core file"));
        return TWC_EUSAGE;
    }
    if (!s->hdr.control_offset) { MSG(err, errlen, "cannot %s: the region has no control area", verb); return TWC_EUSAGE; }
    /* the task must exist now: a fresh read, not a rewound view */
    int st = twc__load_model(s, err, errlen);
    if (st) return st;
    const struct mtask *t = twc__model_task(&s->now, id);
    if (!t || t->state == TW_TASK_DONE) { MSG(err, errlen, "cannot %s: no live task %llu", verb, (unsigned long long)id); return TWC_ENOTFOUND; }
    if (id > 0xffffffffull) { MSG(err, errlen, "no task %llu", (unsigned long long)id); return TWC_ENOTFOUND; }
    struct tw_control c;
    if (twc__src_read(s, s->hdr.control_offset, &c, sizeof c)) { MSG(err, errlen, "cannot read the control area"); return TWC_ECORRUPT; }
    int slot = -1;
    for (int i = 0; i < TW_CONTROL_SLOTS && slot < 0; i++)
        if (c.slot[i].state == TW_CTL_EMPTY || c.slot[i].state == TW_CTL_DONE || c.slot[i].state == TW_CTL_REJECTED) slot = i;
    if (slot < 0) { MSG(err, errlen, "cannot %s: all %d control slots hold requests the runtime has not taken yet", verb, TW_CONTROL_SLOTS); return TWC_EUSAGE; }
    uint64_t so = s->hdr.control_offset + offsetof(struct tw_control, slot) + (uint64_t)slot * sizeof c.slot[0];
    uint32_t body[2] = { (uint32_t)op, (uint32_t)id };
    uint32_t posted = TW_CTL_POSTED, fut = c.futex + 1;
    if (wr(s, so + 4, body, sizeof body) || wr(s, so, &posted, 4) || wr(s, s->hdr.control_offset + offsetof(struct tw_control, futex), &fut, 4)) {
        MSG(err, errlen, "cannot %s: writing the control area failed", verb);
        return TWC_EPERM;
    }
    if (o->json) {
        twc__sb_printf(b, "{\"as_of\":null,\"ok\":true,\"op\":\"%s\",\"task\":%llu,\"slot\":%d,\"futex\":%u,\"futex_addr\":%llu}\n", verb,
                  (unsigned long long)id, slot, fut, (unsigned long long)(s->base + s->hdr.control_offset));
    } else twc__sb_printf(b, "asked the runtime to %s task %llu %s (control slot %d)\n", verb, (unsigned long long)id, twc__task_name(s, t), slot);
    return 0;
}
