/* stack.c — task stacks carved from large slabs, each with a guard page below it.
 *
 * Why slabs: one mmap per stack costs a VMA per task (vm.max_map_count is 65530 by default), so
 * 100,000 tasks would not fit. A slab holds many stacks in one mapping. The first
 * TWRT_MPROTECT_GUARDS guards are mprotect(PROT_NONE) pages (two VMAs per stack): gcore reads a
 * process through /proc/PID/mem and skips PROT_NONE mappings, so task stacks land in its cores.
 * Beyond that, guards use MADV_GUARD_INSTALL (Linux >= 6.13), which does not split the VMA but
 * makes /proc/PID/mem reads of the whole slab fail — gcore then writes zeros for every stack in
 * it (kernel cores are unaffected). Without either, the canary alone (docs/runtime.md says so).
 * Overflow detection: a fault in a guard is reported with the task's name by a SIGSEGV handler on
 * an alternate stack; a canary word at the bottom of every stack is also checked at each switch.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#define GUARD 4096u
#define SLAB_BYTES (8u << 20)
#define TWRT_MPROTECT_GUARDS 16384
#define CANARY 0x7477727463616e61ull /* "twrtcana" */

static twrt_spin lk;
static struct twrt_stack *free_list;   /* freed stacks of the current size, reused LIFO */
static char *slab_cur, *slab_end;
static size_t slot_size;               /* guard + stack */
static int guard_mode = -1;            /* -1 unknown, 0 none, 1 madvise, 2 mprotect */
static long mprotect_guards;

/* Returns 1 if a guard page now protects the stack above g. */
static int install_guard(char *g)
{
    if (mprotect_guards < TWRT_MPROTECT_GUARDS && mprotect(g, GUARD, PROT_NONE) == 0) {
        mprotect_guards++;
        return 1;
    }
    if (guard_mode != 0 && madvise(g, GUARD, MADV_GUARD_INSTALL) == 0) {
        guard_mode = 1;
        return 1;
    }
    guard_mode = 0; /* no madvise guards on this kernel: canaries from now on */
    return 0;
}

/* Stacks without a guard get a canary word at the bottom instead. Guarded stacks skip it: first
 * touches of pages are the dominant cost of a spawn, and the guard already catches overflows. */
static void arm(struct twrt_stack *s)
{
    if (s->canary) *(uint64_t *)s->lo = CANARY;
}

int twrt__stack_alloc(size_t size, struct twrt_stack *out)
{
    size_t want = (size + GUARD - 1) & ~(size_t)(GUARD - 1);
    twrt__spin_lock(&lk);
    if (slot_size == 0) slot_size = want + GUARD;
    if (free_list && (size_t)(free_list->hi - free_list->lo) == want) {
        struct twrt_stack *s = free_list;
        free_list = s->next;
        twrt__spin_unlock(&lk);
        *out = (struct twrt_stack){ s->lo, s->hi, NULL, s->canary };
        arm(out);
        return 0;
    }
    if (want + GUARD != slot_size || slab_cur == NULL || (size_t)(slab_end - slab_cur) < slot_size) {
        size_t slab = SLAB_BYTES > want + GUARD ? SLAB_BYTES - SLAB_BYTES % (want + GUARD) : want + GUARD;
        void *p = mmap(NULL, slab, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) { twrt__spin_unlock(&lk); return -ENOMEM; }
        /* Huge pages would back every 64 KiB stack with 2 MiB of zeroed memory. */
        madvise(p, slab, MADV_NOHUGEPAGE);
        slab_cur = p;
        slab_end = (char *)p + slab;
        slot_size = want + GUARD;
    }
    char *g = slab_cur;
    slab_cur += slot_size;
    int guarded = install_guard(g);
    twrt__spin_unlock(&lk);
    out->lo = g + GUARD;
    out->hi = g + slot_size;
    out->next = NULL;
    out->canary = !guarded;
    arm(out);
    return 0;
}

void twrt__stack_free(struct twrt_stack *s)
{
    /* The freed stack's own memory holds the free-list node (its lowest bytes are unused now). */
    struct twrt_stack *node = (struct twrt_stack *)(s->hi - 256);   /* a page the task touched */
    *node = *s;
    twrt__spin_lock(&lk);
    node->next = free_list;
    free_list = node;
    twrt__spin_unlock(&lk);
}

int twrt__stack_canary_ok(const struct twrt_stack *s) { return !s->canary || *(const uint64_t *)s->lo == CANARY; }

static struct sigaction old_segv;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    struct twrt_task *t = twrt__current();
    char *a = si->si_addr;
    if (t && a >= t->stack.lo - GUARD && a < t->stack.lo + 64) {
        char msg[160];
        int n = snprintf(msg, sizeof msg, "twrt: task '%s' (id %u) overflowed its %zu-byte stack\n", t->name, t->id,
                         (size_t)(t->stack.hi - t->stack.lo));
        if (n > 0) { ssize_t w = write(2, msg, (size_t)n); (void)w; }
    }
    /* Re-raise with the previous disposition: the faulting instruction runs again and dies. */
    if (old_segv.sa_flags & SA_SIGINFO && old_segv.sa_sigaction) { old_segv.sa_sigaction(sig, si, uc); return; }
    if (old_segv.sa_handler != SIG_DFL && old_segv.sa_handler != SIG_IGN && old_segv.sa_handler) {
        old_segv.sa_handler(sig);
        return;
    }
    signal(SIGSEGV, SIG_DFL);
}

void twrt__stack_install_handler(void)
{
    static atomic_int once;
    /* Each worker needs its own alternate stack: the overflowing task's stack is unusable. */
    stack_t ss = { .ss_sp = malloc(64 * 1024), .ss_size = 64 * 1024, .ss_flags = 0 };
    if (ss.ss_sp) sigaltstack(&ss, NULL);
    if (atomic_exchange(&once, 1) == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_segv;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, &old_segv);
    }
}
