/* frames.c — code addresses to names for the call stacks recorded with TW_BACKTRACE. libtwcore
 * reads no debug information of the target itself: each frontend already has a symbolizer that
 * knows the target's modules and load biases (gdb's and lldb's symbol tables, the console's
 * libdwarf reader), so it lends it through twc_set_symbolizer and every frontend renders the
 * same frames through the same code. */
#include <string.h>
#include "internal.h"

void twc_set_symbolizer(twc_session *s, twc_symbolize_fn fn, void *ctx)
{
    if (s) { s->sym = fn; s->symctx = fn ? ctx : NULL; }
}

void twc__frame_symbolize_at(struct twc_session *s, uint64_t pc, struct frame_sym *f)
{
    memset(f, 0, sizeof *f);
    if (!s->sym || pc == 0) return;
    int line = 0;
    if (s->sym(s->symctx, pc, f->func, sizeof f->func, f->file, sizeof f->file, &line, f->object, sizeof f->object) != 0) {
        memset(f, 0, sizeof *f);
        return;
    }
    /* the frontend's buffers are its own: never trust them to be terminated */
    f->func[sizeof f->func - 1] = 0;
    f->file[sizeof f->file - 1] = 0;
    f->object[sizeof f->object - 1] = 0;
    f->line = f->file[0] && line > 0 ? line : 0;
}

void twc__frame_symbolize(struct twc_session *s, uint64_t ret_pc, struct frame_sym *f)
{
    /* A return address follows the call: pc - 1 lies inside it, so the line is the call's. */
    if (ret_pc == 0) { memset(f, 0, sizeof *f); return; }
    twc__frame_symbolize_at(s, ret_pc - 1, f);
}
