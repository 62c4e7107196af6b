/* outer.c — the program's own frame behind a call made from inside a library.
 *
 * A wrapper sees only its immediate caller. When that is libevent's epoll_dispatch, libuv's
 * uv__io_poll or libc, the site "where the program waits" is further out: the innermost frame
 * in the program's executable (memcached's worker_libevent calling event_base_loop), else the
 * first frame outside libc, libpthread, the event libraries and TurboWish itself. Finding it
 * needs an unwind by DWARF CFI (those libraries keep no frame pointers): libgcc's
 * _Unwind_Backtrace, whose object lookup is glibc's lock-free _dl_find_object. That costs
 * ~250 ns a frame, too much for an event loop that calls epoll_wait per iteration, so each
 * thread remembers its last few answers: same return address, same stack pointer, and the
 * outer return address still in the stack slot it was found in means the same call path, and
 * the answer costs a few loads. Only addresses are captured here; sites.c names them once.
 * The one lock an unwind may take is libgcc's own, and only in a process that registered
 * unwind tables by hand (__register_frame: JIT compilers); the loader's lock is never taken. */
#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <unwind.h>
#include "twp.h"

#define MAX_FRAMES 64
#define CACHED 4

/* Objects whose frames are never "where the program waits": by file name prefix. */
static const char *const skipped[] = {
    "libc.so", "libpthread.so", "ld-linux", "libevent", "libuv.so", "libtw-", "libturbowish", "linux-vdso",
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int twp_code_kind(const void *addr, const char **object)
{
    struct dl_find_object o;
    if (_dl_find_object((void *)addr, &o) != 0 || !o.dlfo_link_map)
        return TWP_CODE_UNKNOWN;
    const char *path = o.dlfo_link_map->l_name;
    if (!path || !path[0]) { /* the main program has no name in the link map */
        if (object) *object = "";
        return TWP_CODE_EXE;
    }
    const char *b = base_name(path);
    if (object) *object = b;
    for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
        if (strncmp(b, skipped[i], strlen(skipped[i])) == 0)
            return TWP_CODE_SKIPPED;
    return TWP_CODE_LIBRARY;
}

int twp_code_offset(const void *addr, const char **object, uint64_t *off)
{
    struct dl_find_object o;
    if (_dl_find_object((void *)addr, &o) != 0 || !o.dlfo_link_map)
        return 0;
    const char *path = o.dlfo_link_map->l_name;
    if (!path || !path[0]) /* the executable: by the file exec'd, not argv[0], which servers
                              overwrite with their titles ("nginx: worker process") */
        path = (const char *)getauxval(AT_EXECFN);
    *object = path && path[0] ? base_name(path) : program_invocation_short_name;
    *off = (uint64_t)(uintptr_t)addr - o.dlfo_link_map->l_addr;
    return 1;
}

struct walk {
    uint64_t inner;      /* the wrapper's return address: frames up to it are ours */
    int seen, n;
    uint64_t exe, exe_slot, lib;
    uint64_t prev_cfa;   /* CFA of the frame below: its CFA - 8 holds this frame's return address */
};

static _Unwind_Reason_Code step(struct _Unwind_Context *c, void *p)
{
    struct walk *w = p;
    uint64_t ip = (uint64_t)_Unwind_GetIP(c), cfa = (uint64_t)_Unwind_GetCFA(c);
    if (++w->n > MAX_FRAMES || ip == 0)
        return _URC_END_OF_STACK;
    if (!w->seen && ip != w->inner) {
        w->prev_cfa = cfa;
        return _URC_NO_REASON;
    }
    w->seen = 1;
    int kind = twp_code_kind((const void *)(uintptr_t)(ip - 1), NULL);
    if (kind == TWP_CODE_EXE) {
        w->exe = ip;
        w->exe_slot = w->prev_cfa - 8;
        return _URC_END_OF_STACK;
    }
    if (kind == TWP_CODE_LIBRARY && !w->lib)
        w->lib = ip;
    w->prev_cfa = cfa;
    return _URC_NO_REASON;
}

struct answer {
    uint64_t inner, fp, slot, outer;
};
static __thread struct answer cache[CACHED] __attribute__((tls_model("initial-exec")));
static __thread unsigned cache_next __attribute__((tls_model("initial-exec")));

__attribute__((noinline)) uint64_t twp_outer(uint64_t inner)
{
    uint64_t fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
    for (unsigned i = 0; i < CACHED; i++) {
        struct answer *a = &cache[i];
        if (a->inner == inner && a->fp == fp && (!a->slot || *(const uint64_t *)(uintptr_t)a->slot == a->outer))
            return a->outer;
    }
    struct walk w = {.inner = inner};
    _Unwind_Backtrace(step, &w);
    uint64_t outer = w.exe ? w.exe : w.lib;
    struct answer *a = &cache[cache_next++ % CACHED];
    /* a library frame (no exe frame found) is not checked through a slot: 0 = trust fp alone */
    *a = (struct answer){inner, fp, w.exe && w.exe_slot > fp ? w.exe_slot : 0, outer};
    if (w.exe && !a->slot)
        a->inner = 0; /* could not locate the slot: do not cache an unverifiable answer */
    return outer;
}

struct named_walk {
    uint64_t from;
    int seen, n;
    char *buf;
    size_t len;
    int found;
};

static _Unwind_Reason_Code name_step(struct _Unwind_Context *c, void *p)
{
    struct named_walk *w = p;
    uint64_t ip = (uint64_t)_Unwind_GetIP(c);
    if (++w->n > MAX_FRAMES || ip == 0)
        return _URC_END_OF_STACK;
    if (!w->seen) {
        w->seen = ip == w->from;
        return _URC_NO_REASON;
    }
    const void *call = (const void *)(uintptr_t)(ip - 1);
    if (twp_code_kind(call, NULL) != TWP_CODE_EXE || !twp_symbol(call, w->buf, w->len))
        return _URC_NO_REASON;
    char *plus = strchr(w->buf, '+');
    if (plus)
        *plus = 0;
    w->found = 1;
    return _URC_END_OF_STACK;
}

int twp_named_caller(uint64_t from, char *buf, size_t len)
{
    struct named_walk w = {.from = from, .buf = buf, .len = len};
    _Unwind_Backtrace(name_step, &w);
    return w.found;
}
