/* cxx_proxies.c — objects the C++ library waits on in place of the user's (issue 22).
 *
 * Some waits never touch the object the program names. libstdc++'s std::barrier (and any
 * std::atomic<T>::wait on a T that is not a futex-sized int) sleeps on a word of a global table
 * of waiter pools, `std::__detail::__waiter_pool_base::_S_for(void const*)::__w`, chosen by
 * hashing the object's address: the futex names a pool slot that many objects share. The
 * waiting thread's inlined frames still say whose member function waits: `this` of
 * std::barrier<>::arrive_and_wait is `sync_point`, a value DWARF states (cxx_guards.c). When every
 * waiter of the slot agrees, the slot is that object, with the kind of its class (cxx_kinds.c).
 *
 * std::condition_variable_any waits on its own std::condition_variable with a mutex it keeps on
 * the heap behind a shared_ptr (`_M_mutex`), after releasing the user's lock: that mutex has no
 * symbol, so it is named by the path to it, `*jobs._M_mutex`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define POOL_SYMBOL "std::__detail::__waiter_pool_base::_S_for"

int twc__is_wait_pool(const char *name)
{
    return name && !strncmp(name, POOL_SYMBOL, strlen(POOL_SYMBOL));
}

struct seek { const char *exe; uint64_t bias, found; int kind; char name[256]; };

static void first_known(void *arg, uint64_t tid, uint64_t obj, int from_memory)
{
    struct seek *s = arg;
    char cls[128] = "";
    (void)tid; (void)from_memory;
    if (s->found) return;                      /* innermost first: the first known class wins */
    char *nm = twc__symbolize_data_typed(s->exe, s->bias, obj, cls, sizeof cls);
    int k = twc__cxx_kind_of_class(cls);
    if (nm && k) {
        s->found = obj;
        s->kind = k;
        snprintf(s->name, sizeof s->name, "%s", nm);
    }
    free(nm);
}

int twc__wait_pool_owner(struct stack_names *sn, twc_read_fn rd, void *rctx, const uint64_t *tids, size_t n, char *name,
                         size_t nn, int *kind)
{
    uint64_t bias, agreed = 0;
    const char *exe = twc__stack_names_exe(sn, &bias);
    if (!exe || !n) return -1;
    for (size_t i = 0; i < n; i++) {
        struct seek s = { exe, bias, 0, 0, "" };
        if (twc__inlined_this(sn, tids[i], rd, rctx, first_known, &s) != 0 || !s.found || (agreed && s.found != agreed)) return -1;
        agreed = s.found;
        snprintf(name, nn, "%s", s.name);
        *kind = s.kind;
    }
    return 0;
}

int twc__cv_any_mutex_name(const char *cv_class, const char *cv_name, char *out, size_t n)
{
    if (!cv_class || strcmp(cv_class, "condition_variable_any") != 0 || !cv_name || !cv_name[0]) return -1;
    snprintf(out, n, "*%s._M_mutex", cv_name);
    return 0;
}
