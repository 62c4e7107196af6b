/* classify.c — what a stopped thread is blocked in, and on which object (twc_classify_thread).
 *
 * Two independent witnesses: the system call the thread sleeps in (orig_rax and its argument
 * registers, which survive any optimisation level and need no debug info), and the glibc
 * function names on its stack (which say what a futex *means*: a mutex, a semaphore, a
 * condvar...; blocking_calls.c). The futex address argument then locates the object, and
 * glibc's layout (glibc_layout.c) the facts inside it (glibc_objects.c). Every frontend hands
 * the same raw facts here, so the console, gdb and lldb give one verdict.
 */
#include <string.h>
#include "glibc.h"

#define FUTEX_CMD_MASK 0x7f /* drops FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */
#define FUTEX_WAIT_ 0
#define FUTEX_LOCK_PI_ 6
#define FUTEX_WAIT_BITSET_ 9
#define FUTEX_WAIT_REQUEUE_PI_ 11
#define FUTEX_LOCK_PI2_ 13

static void add_obj(struct twc_verdict *v, uint64_t addr, int kind, uint64_t owner, int64_t value)
{
    if (v->nobjs < 2)
        v->objs[v->nobjs++] = (struct twc_fact_object){addr, kind, owner, value, NULL};
}

/* In a syscall the kernel will restart (we stopped it) or at its entry (-ENOSYS). Any other
 * rax means the call already returned and the thread is running. */
static int still_in_syscall(int64_t rax)
{
    return rax == -512 || rax == -513 || rax == -514 || rax == -516 || rax == -38 || rax == -4;
}

/* A frontend that cannot read orig_rax (lldb on a core) says so; the call is inferred from
 * the names: a futex-based wait, a sleep (nanosleep when it has a timeout, else pause), else a
 * read of the outside world. */
static long infer_nr(const struct twc_raw_thread *t, const struct twc__blocking_call *call)
{
    if (call && call->block != TWC_BLOCK_SLEEP)
        return TWC__SYS_FUTEX;
    if (!call && twc__frames_mention_futex(t->frames, t->nframes))
        return TWC__SYS_FUTEX;
    if (call)
        return call->timed ? TWC__SYS_NANOSLEEP : 34 /* pause */;
    return 0 /* read */;
}

/* Argument `arg` of the blocking call (frame at) as its caller passed it, 0 = not proven. The
 * caller is the first frame out in another function: gdb and lldb list inlined functions as
 * frames of their own — gdb at the pc of the function they are inlined into, lldb at the
 * inlined call's address, both in the same ELF function — and those made no call. */
static uint64_t passed(const struct twc__mem *mem, const struct twc_raw_thread *t, int arg, size_t at)
{
    if (arg < 0 || at >= t->nframes)
        return 0;
    size_t k = at + 1;
    const struct twc_raw_frame *in = &t->frames[at];
    while (k < t->nframes && (t->frames[k].pc == in->pc || (in->func_start && t->frames[k].func_start == in->func_start)))
        k++;
    uint64_t v = 0;
    if (k >= t->nframes || twc__call_arg(mem, &t->frames[k], t->frames[k - 1].func_start, arg, &v) != 0)
        return 0;
    return v;
}

/* The std::thread a join under libstdc++'s std::thread::join() waits for (a std::jthread's
 * _M_thread when the destructor or join() of one called it: cxx_stop.c), 0 when not proven.
 * Its code is read, not assumed: libstdc++ 11 to 14 begin it with [endbr64] push %rbx;
 * mov %rdi,%rbx and never write rbx again before calling pthread_join, so the frame's rbx (as
 * the unwinder restores it) is its `this`. */
static uint64_t std_thread_joined(const struct twc__mem *mem, const struct twc_raw_thread *t)
{
    static const uint8_t prologue[] = {0x53, 0x48, 0x89, 0xfb};
    for (size_t i = 0; i < t->nframes && !t->frames[i].own; i++) {
        const struct twc_raw_frame *f = &t->frames[i];
        int named = 0;
        for (int k = 0; k < f->nnames && k < TWC_RAW_MAX_NAMES; k++)
            named |= f->names[k] && (!strcmp(f->names[k], "_ZNSt6thread4joinEv") || !strcmp(f->names[k], "std::thread::join()"));
        if (!named || !f->func_start || f->pc <= f->func_start + 8 || f->pc > f->func_start + 64 || !f->saved[0])
            continue;
        uint8_t code[8];
        if (mem->rd(mem->ctx, f->func_start, code, sizeof code) != (int64_t)sizeof code)
            return 0;
        size_t o = code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa ? 4 : 0;
        return memcmp(code + o, prologue, sizeof prologue) == 0 ? f->saved[0] : 0;
    }
    return 0;
}

/* glibc's "delay the thread indefinitely" after the kernel refused a PI/robust lock with EDEADLK
 * or ESRCH (a deadlock the kernel itself detected): the futex is a dummy on the stack, the
 * mutex is still in a register of pthread_mutex_lock's frames, or spilled to its stack frame. */
static uint64_t refused_pi_mutex(const struct twc__mem *mem, const struct twc_glibc *L,
                                 const struct twc_raw_thread *t, const struct twc__blocking_call *call, size_t top)
{
    const struct twc_raw_frame *fr = t->frames;
    uint64_t m = passed(mem, t, call ? call->obj_arg : -1, top - 1), owner;
    if (m && twc__plausible_mutex(mem, L, m, 0) && (owner = twc__mutex_owner(mem, L, m)) != 0 && owner != t->tid)
        return m;
    for (size_t i = 0; i <= top && i < t->nframes; i++)
        for (int k = 0; k < 12; k++) {
            /* Compilers keep either the mutex or &mutex->__data.__kind live. */
            uint64_t v = fr[i].saved[k % 6] - (k < 6 ? 0 : (uint64_t)L->mutex_kind);
            uint64_t o = twc__plausible_mutex(mem, L, v, 0) ? twc__mutex_owner(mem, L, v) : 0;
            if (o && o != t->tid)
                return v;
        }
    if (top == 0 || top >= t->nframes || fr[top].sp <= fr[0].sp)
        return 0;
    uint64_t lo = fr[0].sp, hi = fr[top].sp;
    if (hi - lo > 4096)
        hi = lo + 4096;
    for (uint64_t a = lo & ~7ull; a < hi; a += 8) {
        uint64_t v, o;
        if (twc__rd64(mem, a, &v) == 0 && twc__plausible_mutex(mem, L, v, 0) &&
            (o = twc__mutex_owner(mem, L, v)) != 0 && o != t->tid)
            return v;
    }
    return 0;
}

/* The mutex a condvar waiter will re-lock: old condvars store it; glibc >= 2.25 does not, but
 * the caller's code says what it passed, and it is still in a callee-saved register of the
 * wait's frames (the weaker witness: another mutex may sit in one too). *how: which. */
static uint64_t cond_mutex(const struct twc__mem *mem, const struct twc_glibc *L, const struct twc_raw_thread *t,
                           const struct twc__blocking_call *call, uint64_t cond, size_t top, const char **how)
{
    uint64_t m = 0;
    if (L->cond_mutex_ptr >= 0) {
        twc__rd64(mem, cond + (uint64_t)L->cond_mutex_ptr, &m);
        *how = "the condvar's mutex field";
        return twc__plausible_mutex(mem, L, m, cond) ? m : 0;
    }
    m = passed(mem, t, call ? call->mutex_arg : -1, top - 1);
    *how = "caller's argument registers";
    if (m && twc__plausible_mutex(mem, L, m, cond))
        return m;
    *how = "saved registers";
    for (size_t i = 0; i <= top && i < t->nframes; i++)
        for (int k = 0; k < 6; k++)
            if (twc__plausible_mutex(mem, L, t->frames[i].saved[k], cond))
                return t->frames[i].saved[k];
    return 0;
}

static void object_of(const struct twc__mem *mem, const struct twc_glibc *L, const struct twc_raw_thread *t,
                      const struct twc__blocking_call *call, long nr, int lock_pi, size_t top, struct twc_verdict *v)
{
    uint64_t futex = t->rdi;
    uint32_t expect = (uint32_t)t->rdx;
    v->how = "futex address";
    switch (v->block) {
    case TWC_BLOCK_MUTEX: {
        uint64_t m = futex;
        uint32_t lock = 1;
        twc__rd32(mem, futex, &lock);
        if (nr == TWC__SYS_FUTEX && !lock_pi && expect == 0 && lock == 0) {
            m = refused_pi_mutex(mem, L, t, call, top);
            v->how = "saved registers (the kernel refused the lock)";
            if (!m) {
                v->block = TWC_BLOCK_UNKNOWN;
                v->object = futex;
                v->how = "futex address";
                return;
            }
        }
        v->object = m;
        add_obj(v, m, TW_RES_MUTEX, twc__mutex_owner(mem, L, m), -1);
        return;
    }
    case TWC_BLOCK_SEM:
        v->object = futex;
        add_obj(v, futex, TW_RES_SEMAPHORE, 0, twc__sem_value(mem, L, futex));
        return;
    case TWC_BLOCK_COND: {
        uint64_t base = twc__cond_from_futex(L, futex);
        v->object = base;
        add_obj(v, base, TW_RES_CONDVAR, 0, -1);
        const char *how = NULL;
        uint64_t m = cond_mutex(mem, L, t, call, base, top, &how);
        if (m) {
            v->object2 = m;
            v->how2 = how;
            add_obj(v, m, TW_RES_MUTEX, twc__mutex_owner(mem, L, m), -1);
        }
        return;
    }
    case TWC_BLOCK_JOIN: {
        /* pthread_join sleeps on the joined thread's `tid` word, expecting its current value. */
        uint32_t tid = 0;
        if (twc__rd32(mem, futex, &tid) != 0 || tid == 0)
            tid = expect;
        v->object = tid;
        v->how = "futex word (the joined thread's TID)";
        v->object2 = std_thread_joined(mem, t);
        if (v->object2)
            v->how2 = "rbx of libstdc++'s std::thread::join (its this, kept there by its first instructions)";
        return;
    }
    case TWC_BLOCK_RWLOCK_RD:
    case TWC_BLOCK_RWLOCK_WR: {
        uint64_t base = twc__rwlock_from_futex(L, futex, expect, v->block == TWC_BLOCK_RWLOCK_RD);
        v->object = base;
        add_obj(v, base, TW_RES_RWLOCK, twc__rwlock_writer(mem, L, base), -1);
        return;
    }
    case TWC_BLOCK_BARRIER: {
        uint64_t b = twc__barrier_from_futex(L, futex);
        v->object = b;
        add_obj(v, b, TW_RES_BARRIER, 0, -1);
        return;
    }
    default:
        v->object = futex;
        add_obj(v, futex, v->block == TWC_BLOCK_FUTURE ? TW_RES_FUTURE : TW_RES_OTHER, 0, -1);
        return;
    }
}

int twc_classify_thread(const twc_glibc *g, twc_read_fn rd, void *ctx, const struct twc_raw_thread *t,
                        struct twc_verdict *v)
{
    if (!g || !rd || !t || !v || (t->nframes && !t->frames))
        return TWC_EUSAGE;
    memset(v, 0, sizeof *v);
    const struct twc__mem mem = {rd, ctx};
    long nr = (long)t->nr;
    if (!(nr >= 0 || nr == TWC_NR_UNKNOWN) || !still_in_syscall(t->rax))
        return TWC_OK; /* running or runnable: TWC_BLOCK_NONE */
    size_t at = 0;
    const struct twc__blocking_call *call = twc__find_blocking_call(t->frames, t->nframes, &at);
    size_t top = call ? at + 1 : (t->nframes ? t->nframes - 1 : 0);
    if (call)
        v->call = call->name;
    if (nr == TWC_NR_UNKNOWN)
        nr = infer_nr(t, call);
    int futex_wait = 0, lock_pi = 0;
    if (nr == TWC__SYS_FUTEX) {
        int cmd = (int)(t->rsi & FUTEX_CMD_MASK);
        lock_pi = cmd == FUTEX_LOCK_PI_ || cmd == FUTEX_LOCK_PI2_;
        futex_wait = lock_pi || cmd == FUTEX_WAIT_ || cmd == FUTEX_WAIT_BITSET_ || cmd == FUTEX_WAIT_REQUEUE_PI_;
        v->timed = futex_wait && t->r10 != 0;
        if (!futex_wait)
            return TWC_OK; /* FUTEX_WAKE and friends do not block */
    } else if (nr == TWC__SYS_RESTART) {
        /* Only timed waits are restarted this way (the timeout lives in the kernel's restart
         * block); rdi still holds the original first argument. */
        v->timed = 1;
        if (!call || call->block == TWC_BLOCK_SLEEP) {
            v->block = TWC_BLOCK_SLEEP;
            return TWC_OK;
        }
    } else {
        /* Not a futex: the system call itself says what the thread waits for (a blocking
         * call's cancellation point, a read, a sleep). */
        v->block = twc__syscall_block(nr, &v->timed);
        if (v->block == TWC_BLOCK_NONE && call && call->block == TWC_BLOCK_SLEEP)
            v->block = TWC_BLOCK_SLEEP;
        return TWC_OK;
    }
    v->block = call ? call->block : (lock_pi ? TWC_BLOCK_MUTEX : TWC_BLOCK_UNKNOWN);
    if (v->block == TWC_BLOCK_SLEEP)
        v->block = TWC_BLOCK_UNKNOWN;
    if (call && call->timed)
        v->timed = 1;
    object_of(&mem, g, t, call, nr, lock_pi, top, v);
    if (v->block == TWC_BLOCK_COND && twc__libcxx_future_wait(t->frames, t->nframes, at)) {
        /* libc++'s future: the condvar is its shared state's, the mutex the state's own */
        v->block = TWC_BLOCK_FUTURE;
        v->object2 = 0;
        v->how2 = NULL;
        v->nobjs = 1;
        v->objs[0].kind = TW_RES_FUTURE;
    }
    return TWC_OK;
}
