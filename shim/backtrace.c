/* backtrace.c — calling context (TW_BACKTRACE=fp|unwind): capture a few return addresses of
 * the code that called the shim, and intern them into the region's stack table so that a stack
 * seen again costs one table index in the task record, not eight addresses.
 *
 * fp (the mode to recommend) walks the frame-pointer chain: plain loads, no lock, no syscall.
 * The chain is read from our own thread's stack, but frames of code built without frame
 * pointers leave arbitrary values in rbp, so every step is checked before it is followed
 * (strictly upwards, aligned, at most TW_BT_MAX_STEP away, inside the stack's bounds when
 * known) and the walk simply stops where a check fails.
 *
 * unwind calls libunwind's unw_backtrace (DWARF CFI: right even through code without frame
 * pointers). It is the one exception to the shim's no-lock rule: libunwind may take the
 * dynamic loader's lock (dl_iterate_phdr) to find unwind tables. libunwind is dlopen()ed once,
 * when the region is created, never on the event path; if it cannot be loaded the shim uses fp
 * and says so only in the header (header.backtrace), never on stderr. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define TW_BT_MAX_STEP (1u << 20)  /* no frame is a MiB larger than the one below it */
#define TW_STACK_PROBES 32         /* bounded probing keeps an event's cost bounded when the table fills */
#define TW_UNW_EXTRA 8             /* frames of the shim and libunwind itself above the caller */

int tw_bt_mode_ = TW_BT_OFF;

static int (*unw_backtrace_fn)(void **buf, int size);

extern void *__libc_stack_end; /* the main thread's stack top (glibc, ld.so) */

int tw__bt_init(void)
{
    const char *v = getenv("TW_BACKTRACE");
    int mode = TW_BT_OFF;
    if (v && !strcmp(v, "fp"))
        mode = TW_BT_FP;
    else if (v && !strcmp(v, "unwind")) {
        /* Loaded once per process (a forked child re-creating its region finds it loaded). */
        if (!unw_backtrace_fn) {
            void *lib = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
            if (lib)
                unw_backtrace_fn = (int (*)(void **, int))dlsym(lib, "unw_backtrace");
        }
        mode = unw_backtrace_fn ? TW_BT_UNWIND : TW_BT_FP;
    }
    tw_bt_mode_ = mode;
    return mode;
}

/* Follow the frame-pointer chain from `frame` (an rbp value: [0] the caller's rbp, [1] the
 * return address). Bounds lo/hi are used only when frame lies inside them (they may belong to
 * another stack, e.g. a task record whose runtime ran it elsewhere). */
__attribute__((no_sanitize_address)) static uint32_t walk_fp(uintptr_t fp, uint64_t lo, uint64_t hi, uint64_t *pc)
{
    if (!(fp >= lo && (hi == 0 || fp < hi)))
        lo = hi = 0;
    uint32_t n = 0;
    while (n < TW_STACK_DEPTH) {
        if (hi && fp + 16 > hi)
            break;
        const uintptr_t *f = (const uintptr_t *)fp;
        uintptr_t next = f[0], ret = f[1];
        if (ret < 4096)
            break;
        pc[n++] = ret;
        /* next == 0 ends the chain (thread and task entries clear rbp); anything not strictly
         * above, misaligned or too far is not a frame this walk can trust. */
        if (next <= fp || (next & 7) || next - fp > TW_BT_MAX_STEP)
            break;
        fp = next;
    }
    return n;
}

static uint32_t walk_unwind(uintptr_t frame, uint64_t lo, uint64_t hi, uint64_t *pc)
{
    void *ips[TW_STACK_DEPTH + TW_UNW_EXTRA];
    int got = unw_backtrace_fn(ips, (int)(sizeof ips / sizeof ips[0]));
    /* Drop the shim's own frames: keep from the entry point's return address on. */
    uintptr_t ret0 = ((const uintptr_t *)frame)[1];
    int k = 0;
    while (k < got && (uintptr_t)ips[k] != ret0)
        k++;
    if (k == got)
        return walk_fp(frame, lo, hi, pc); /* libunwind lost our frame: never record shim frames */
    uint32_t n = 0;
    for (; k < got && n < TW_STACK_DEPTH; k++)
        pc[n++] = (uint64_t)(uintptr_t)ips[k];
    return n;
}

/* Independent multiplies (they pipeline, unlike a chained hash), one final mix. */
static uint32_t hash_pcs(const uint64_t *pc, uint32_t n)
{
    uint64_t h = n;
    for (uint32_t i = 0; i < n; i++)
        h += (pc[i] ^ (pc[i] >> 29)) * (0x9e3779b97f4a7c15ull + 2 * i);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h ? (uint32_t)h : 1; /* 0 marks a free slot */
}

static inline struct tw_stack_rec *stack_rec(struct tw_header *h, uint32_t idx)
{
    return (struct tw_stack_rec *)(tw__base() + h->stacks.offset + (size_t)idx * h->stacks.stride);
}

/* count is the high-water mark readers bound their index checks with: raise it, never lower. */
static void raise_count(struct tw_header *h, uint32_t want)
{
    uint32_t c = __atomic_load_n(&h->stacks.count, __ATOMIC_RELAXED);
    while (c < want && !__atomic_compare_exchange_n(&h->stacks.count, &c, want, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        ;
}

uint32_t tw__stack_intern(const uint64_t *pc, uint32_t depth)
{
    struct tw_header *h = tw__hdr();
    if (!h || depth == 0)
        return 0;
    if (depth > TW_STACK_DEPTH)
        depth = TW_STACK_DEPTH;
    uint32_t slots = h->stacks.capacity - 1; /* >= 1: index 0 is reserved */
    uint32_t hv = hash_pcs(pc, depth), i = hv % slots;
    for (uint32_t probe = 0; probe < TW_STACK_PROBES && probe < slots; probe++, i = i + 1 == slots ? 0 : i + 1) {
        struct tw_stack_rec *r = stack_rec(h, i + 1);
        uint32_t cur = __atomic_load_n(&r->hash, __ATOMIC_ACQUIRE);
        if (cur == 0) {
            if (__atomic_compare_exchange_n(&r->hash, &cur, hv, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                memcpy(r->pc, pc, depth * sizeof pc[0]);
                raise_count(h, i + 2);
                __atomic_store_n(&r->depth, depth, __ATOMIC_RELEASE);
                return i + 1;
            }
            /* another thread claimed it first: cur is now its hash */
        }
        if (cur != hv)
            continue;
        /* Same hash: ours if published and equal. One still being written (depth 0) is never
         * waited for: probing on may store this stack a second time, which readers accept. */
        if (__atomic_load_n(&r->depth, __ATOMIC_ACQUIRE) == depth && !memcmp(r->pc, pc, depth * sizeof pc[0]))
            return i + 1;
    }
    __atomic_add_fetch(&h->stacks.full, 1, __ATOMIC_RELAXED);
    return 0;
}

uint32_t tw__stack_capture(void *frame, uint64_t lo, uint64_t hi)
{
    uint64_t pc[TW_STACK_DEPTH];
    uintptr_t fp = (uintptr_t)frame;
    if (!lo && !hi && tw__tid() == (uint32_t)tw__hdr()->pid)
        hi = (uint64_t)(uintptr_t)__libc_stack_end; /* the main thread's stack ends there */
    uint32_t n = tw_bt_mode_ == TW_BT_UNWIND ? walk_unwind(fp, lo, hi, pc) : walk_fp(fp, lo, hi, pc);
    return tw__stack_intern(pc, n);
}
