/* ctx.c — preparing and exporting task contexts (x86-64 assembly path, or ucontext elsewhere). */
#include <string.h>
#include "internal.h"

#ifndef TWRT_UCONTEXT
void twrt__ctx_entry(void);

/* Layout written by twrt__ctx_switch, from the saved sp up. */
struct saved_frame { uint32_t mxcsr; uint16_t x87cw, pad; uint64_t r15, r14, r13, r12, rbx, rbp, rip; };

void twrt__ctx_make(struct twrt_ctx *c, void *lo, void *hi, struct twrt_task *t)
{
    (void)lo;
    uintptr_t top = ((uintptr_t)hi & ~(uintptr_t)15) - 16;
    struct saved_frame *f = (struct saved_frame *)(top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->mxcsr = 0x1f80;   /* the ABI's initial control words */
    f->x87cw = 0x037f;
    f->r12 = (uint64_t)(uintptr_t)t;
    f->rip = (uint64_t)(uintptr_t)twrt__ctx_entry;
    c->sp = f;
}

void twrt__ctx_export(const struct twrt_ctx *c, struct tw_context *out)
{
    const struct saved_frame *f = c->sp;
    out->rip = f->rip;
    out->rsp = (uint64_t)(uintptr_t)(f + 1);   /* sp after the switch's `ret` */
    out->rbp = f->rbp;
    out->rbx = f->rbx;
    out->r12 = f->r12;
    out->r13 = f->r13;
    out->r14 = f->r14;
    out->r15 = f->r15;
}
#else
static void entry_thunk(unsigned hi, unsigned lo)
{
    twrt__task_main((struct twrt_task *)(((uintptr_t)hi << 32) | lo));
}

void twrt__ctx_make(struct twrt_ctx *c, void *lo, void *hi, struct twrt_task *t)
{
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = lo;
    c->uc.uc_stack.ss_size = (size_t)((char *)hi - (char *)lo);
    c->uc.uc_link = NULL;
    uintptr_t p = (uintptr_t)t;
    makecontext(&c->uc, (void (*)(void))entry_thunk, 2, (unsigned)(p >> 32), (unsigned)p);
}

void twrt__ctx_switch(struct twrt_ctx *from, struct twrt_ctx *to) { swapcontext(&from->uc, &to->uc); }

/* Registers in a ucontext are machine-specific; backtraces of parked tasks need the asm path. */
void twrt__ctx_export(const struct twrt_ctx *c, struct tw_context *out) { (void)c; memset(out, 0, sizeof *out); }
#endif
