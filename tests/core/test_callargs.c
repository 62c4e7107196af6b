/* Call-argument recovery (core/callargs.c, through twc_classify_thread): what a caller passed
 * to the call it is blocked in, read back from its own code. Two kinds of cases: this test's
 * own functions as gcc compiled them (real code at -O0 and -O2), and small hand-assembled
 * callers for the shapes that must stay unknown (a jump into the middle, a call in between). */
#include <criterion/criterion.h>
#include <string.h>
#include "glibc.h"

/* ---- real code: the callers below call catch_call, which reads their arguments back while
 * it is still inside the call (their frames are alive) ---- */
struct pair { long pad[5]; pthread_mutex_t m; pthread_cond_t c; };
static pthread_mutex_t global_m;
static pthread_cond_t global_c;
static struct { uint64_t func_start, args[2]; int ok[2]; } seen;

static int64_t own_memory(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    (void)ctx;
    memcpy(buf, (const void *)(uintptr_t)addr, len);
    return (int64_t)len;
}

__attribute__((noinline)) static void catch_call(void *cond, void *mutex)
{
    uint64_t saved[6]; /* the caller's rbx, (rbp), r12-r15: nothing here wrote them yet */
    __asm__ volatile("mov %%rbx, %0\n\tmov %%r12, %1\n\tmov %%r13, %2\n\tmov %%r14, %3\n\tmov %%r15, %4"
                     : "=m"(saved[0]), "=m"(saved[2]), "=m"(saved[3]), "=m"(saved[4]), "=m"(saved[5]));
    struct twc_raw_frame caller = {.pc = (uint64_t)__builtin_return_address(0),
                                   .sp = (uint64_t)__builtin_frame_address(0) + 16, /* the caller's rsp at its call */
                                   .func_start = seen.func_start};
    saved[1] = *(uint64_t *)__builtin_frame_address(0); /* the caller's rbp, saved by our prologue */
    memcpy(caller.saved, saved, sizeof saved);
    const struct twc__mem mem = {own_memory, NULL};
    for (int a = 0; a < 2; a++)
        seen.ok[a] = twc__call_arg(&mem, &caller, 0, a, &seen.args[a]) == 0;
    __asm__ volatile("" : : "r"(cond), "r"(mutex) : "memory");
}

/* Called through a pointer the compiler cannot see through, as a PLT call is: it must assume
 * the callee clobbers the argument registers, and cannot turn the call into a jump. */
static void (*volatile blocking_call)(void *, void *) = catch_call;
#define CALL(c, m) do { blocking_call(c, m); __asm__ volatile(""); } while (0)

__attribute__((noinline, optimize("O0"))) void caller_globals_O0(void) { CALL(&global_c, &global_m); }
__attribute__((noinline, optimize("O2"))) void caller_globals_O2(void) { CALL(&global_c, &global_m); }
/* p outlives the first call, so the second takes its arguments from a callee-saved register */
__attribute__((noinline, optimize("O2"))) void caller_heap_O2(struct pair *p)
{
    CALL(&p->c, &p->m);
    CALL(&p->c, &p->m);
}
/* -O0 keeps p in the frame: the arguments are loaded from rbp-relative memory */
__attribute__((noinline, optimize("O0"))) void caller_heap_O0(struct pair *p) { CALL(&p->c, &p->m); }

static void expect_args(const char *what, uint64_t cond, uint64_t mutex)
{
    cr_expect(seen.ok[0] && seen.ok[1], "%s: arguments not recovered (%d %d)", what, seen.ok[0], seen.ok[1]);
    cr_expect_eq(seen.args[0], cond, "%s: cond 0x%lx", what, (unsigned long)seen.args[0]);
    cr_expect_eq(seen.args[1], mutex, "%s: mutex 0x%lx", what, (unsigned long)seen.args[1]);
}

Test(callargs, rip_relative_globals_at_O0_and_O2)
{
    seen.func_start = (uint64_t)(uintptr_t)caller_globals_O0;
    caller_globals_O0();
    expect_args("O0", (uint64_t)(uintptr_t)&global_c, (uint64_t)(uintptr_t)&global_m);
    seen.func_start = (uint64_t)(uintptr_t)caller_globals_O2;
    caller_globals_O2();
    expect_args("O2", (uint64_t)(uintptr_t)&global_c, (uint64_t)(uintptr_t)&global_m);
}

Test(callargs, heap_object_through_a_callee_saved_register)
{
    static struct pair p;
    seen.func_start = (uint64_t)(uintptr_t)caller_heap_O2;
    caller_heap_O2(&p); /* seen: the second call */
    expect_args("O2 heap", (uint64_t)(uintptr_t)&p.c, (uint64_t)(uintptr_t)&p.m);
}

Test(callargs, heap_object_through_the_frame_at_O0)
{
    static struct pair p;
    seen.func_start = (uint64_t)(uintptr_t)caller_heap_O0;
    caller_heap_O0(&p);
    expect_args("O0 heap", (uint64_t)(uintptr_t)&p.c, (uint64_t)(uintptr_t)&p.m);
}

/* ---- hand-assembled callers at CODE (bytes from `as`, the instructions in the comments) ---- */
#define CODE 0x40000ull
#define STACK 0x50000ull
struct fake { const uint8_t *code; size_t len; uint64_t slot; };

static int64_t fake_read(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    const struct fake *f = ctx;
    if (addr >= CODE && addr + len <= CODE + f->len) {
        memcpy(buf, f->code + (addr - CODE), len);
        return (int64_t)len;
    }
    if (addr == STACK + 8 && len == 8) {
        memcpy(buf, &f->slot, 8);
        return 8;
    }
    return -14;
}

struct shape {
    const char *what;
    uint8_t code[32];
    size_t len;
    int arg;
    uint64_t rbx;
    int ok;
    uint64_t want;
};

static const struct shape shapes[] = {
    {"lea 0x28(%rbx),%rsi after mov %rdi,%rbx: rbx as unwound", /* push %rbx; mov %rdi,%rbx; lea 0x28(%rbx),%rsi; mov %rbx,%rdi; call */
     {0x53, 0x48, 0x89, 0xfb, 0x48, 0x8d, 0x73, 0x28, 0x48, 0x89, 0xdf, 0xe8, 0xcd, 0xff, 0xff, 0xff}, 16, 1, 0x7000, 1, 0x7028},
    {"mov $0x1234,%edi: a constant", /* mov 0x8(%rsp),%rsi; mov $0x1234,%edi; call */
     {0x48, 0x8b, 0x74, 0x24, 0x08, 0xbf, 0x34, 0x12, 0x00, 0x00, 0xe8, 0xbe, 0xff, 0xff, 0xff}, 15, 0, 0, 1, 0x1234},
    {"mov 0x8(%rsp),%rsi: memory at the frame's sp", /* same caller, rsi */
     {0x48, 0x8b, 0x74, 0x24, 0x08, 0xbf, 0x34, 0x12, 0x00, 0x00, 0xe8, 0xbe, 0xff, 0xff, 0xff}, 15, 1, 0, 1, 0xabcd00},
    {"a jump lands between the assignment and the call: unknown", /* lea 0x100(%rip),%rsi; test; je 1f; xor %esi,%esi; 1: call */
     {0x48, 0x8d, 0x35, 0x00, 0x01, 0x00, 0x00, 0x85, 0xc0, 0x74, 0x02, 0x31, 0xf6, 0xe8, 0xee, 0xff, 0xff, 0xff}, 18, 1, 0, 0, 0},
    {"another call between the assignment and the call clobbers it: unknown", /* lea 0x100(%rip),%rsi; call; call */
     {0x48, 0x8d, 0x35, 0x00, 0x01, 0x00, 0x00, 0xe8, 0xe2, 0xff, 0xff, 0xff, 0xe8, 0xdd, 0xff, 0xff, 0xff}, 17, 1, 0, 0, 0},
    {"the return address does not follow a call: unknown", /* lea 0x100(%rip),%rsi; nop */
     {0x48, 0x8d, 0x35, 0x00, 0x01, 0x00, 0x00, 0x90}, 8, 1, 0, 0, 0},
    {"rbx unknown to the unwinder: unknown", /* the first caller without rbx */
     {0x53, 0x48, 0x89, 0xfb, 0x48, 0x8d, 0x73, 0x28, 0x48, 0x89, 0xdf, 0xe8, 0xcd, 0xff, 0xff, 0xff}, 16, 1, 0, 0, 0},
};

Test(callargs, hand_assembled_shapes)
{
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const struct shape *s = &shapes[i];
        struct fake f = {s->code, s->len, 0xabcd00};
        struct twc_raw_frame caller = {.pc = CODE + s->len, .sp = STACK, .func_start = CODE};
        caller.saved[0] = s->rbx;
        const struct twc__mem mem = {fake_read, &f};
        uint64_t v = 0;
        int ok = twc__call_arg(&mem, &caller, 0, s->arg, &v) == 0;
        cr_expect_eq(ok, s->ok, "%s: recovered %d", s->what, ok);
        if (ok && s->ok)
            cr_expect_eq(v, s->want, "%s: 0x%lx", s->what, (unsigned long)v);
    }
}

Test(callargs, no_function_start_no_answer)
{
    struct fake f = {shapes[0].code, shapes[0].len, 0};
    struct twc_raw_frame caller = {.pc = CODE + shapes[0].len, .func_start = 0};
    caller.saved[0] = 0x7000;
    const struct twc__mem mem = {fake_read, &f};
    uint64_t v;
    cr_expect_neq(twc__call_arg(&mem, &caller, 0, 1, &v), 0);
}

/* The caller's registers are the blocking call's arguments only when its call enters that
 * function: libstdc++'s std::condition_variable::wait(unique_lock&) tail-jumps to
 * pthread_cond_wait with the mutex loaded from the lock, so the user's code that called it passed
 * &lock, not the mutex (cpp-waits named the mutex `stubborn:l`). The call here goes through a
 * PLT stub whose GOT slot (the fake stack word) says 0x77000. */
Test(callargs, the_call_must_enter_the_blocked_function)
{
    static const uint8_t code[] = {0x48, 0x8d, 0x35, 0x00, 0x01, 0x00, 0x00, /* lea 0x100(%rip),%rsi */
                                   0xe8, 0x00, 0x00, 0x00, 0x00,             /* call stub (CODE+12) */
                                   0xff, 0x25, 0xf6, 0xff, 0x00, 0x00,       /* stub: jmp *(STACK+8) */
                                   0x90, 0x90, 0x90, 0x90, 0x90};
    struct fake f = {code, sizeof code, 0x77000};
    struct twc_raw_frame caller = {.pc = CODE + 12, .sp = STACK, .func_start = CODE};
    const struct twc__mem mem = {fake_read, &f};
    uint64_t v = 0;
    cr_expect_eq(twc__call_arg(&mem, &caller, 0x77000, 1, &v), 0, "through the PLT into the callee");
    cr_expect_eq(v, CODE + 7 + 0x100);
    cr_expect_eq(twc__call_arg(&mem, &caller, CODE + 12, 1, &v), 0, "straight into the callee");
    cr_expect_neq(twc__call_arg(&mem, &caller, 0x66000, 1, &v), 0, "into another function: unknown");
}
