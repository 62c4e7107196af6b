/* classify.c — hands libtwcore the raw facts of one stopped thread (its syscall registers, its
 * frames' names and saved registers, a reader of the target) and finds the blocking site, the
 * first frame in the program's own code. What the facts mean is libtwcore's (core/classify.c).
 */
#include <string.h>
#include "classify.h"

static int64_t target_read(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    return twa_target_read(ctx, addr, buf, len);
}

static void site(const struct twa_target *t, const struct twa_frame *fr, int nfr, struct twa_class *c)
{
    for (int i = 0; i < nfr; i++) {
        if (!fr[i].in_exe)
            continue;
        uint64_t pc = i ? fr[i].ip - 1 : fr[i].ip, bias;
        struct tws_object *e = tws_space_object(&t->space, pc, &bias, NULL);
        c->func = fr[i].nnames ? fr[i].names[0] : NULL;
        if (e && tws_object_line(e, pc - bias, &c->file, &c->line) != 0) {
            c->file = NULL;
            c->line = 0;
        }
        return;
    }
}

void twa_classify(const struct twa_target *t, const twc_glibc *g, uint32_t tid, const struct user_regs_struct *r,
                  const struct twa_frame *fr, int nfr, struct twa_class *c)
{
    memset(c, 0, sizeof *c);
    site(t, fr, nfr, c);
    struct twc_raw_frame raw[TWA_MAX_FRAMES];
    int n = nfr < TWA_MAX_FRAMES ? nfr : TWA_MAX_FRAMES;
    for (int i = 0; i < n; i++) {
        raw[i] = (struct twc_raw_frame){.pc = fr[i].ip, .sp = fr[i].sp, .own = fr[i].in_exe, .func_start = fr[i].func_start};
        memcpy(raw[i].saved, fr[i].callee_saved, sizeof raw[i].saved);
        for (int k = 0; k < fr[i].nnames && k < TWC_RAW_MAX_NAMES; k++)
            raw[i].names[raw[i].nnames++] = fr[i].names[k];
    }
    struct twc_raw_thread rt = {.tid = tid, .nr = (int64_t)r->orig_rax, .rax = (int64_t)r->rax,
                                .rdi = r->rdi, .rsi = r->rsi, .rdx = r->rdx, .r10 = r->r10,
                                .frames = raw, .nframes = (size_t)(n > 0 ? n : 0)};
    twc_classify_thread(g, target_read, (void *)t, &rt, &c->v);
}

static int is_libc(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return strncmp(b, "libc.so", 7) == 0 || (strncmp(b, "libc-2.", 7) == 0 && strstr(b, ".so"));
}

twc_glibc *twa_glibc_for(const struct tws_space *s)
{
    const struct tws_map *libc = NULL;
    for (size_t i = 0; i < s->nmaps && !libc; i++)
        if (is_libc(s->maps[i].path))
            libc = &s->maps[i];
    struct tws_object *e = libc && s->objs ? tws_object_get(s->objs, libc) : NULL;
    return twc_glibc_open(libc ? libc->path : NULL, e ? tws_object_debug_path(e) : NULL);
}
