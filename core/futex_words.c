/* futex_words.c — what a futex word is when no blocking call names it: one rule for attach-only
 * sessions (facts.c) and the adapter's (kernel_waits.c, issue 22).
 *
 * libstdc++'s C++20 waits (std::latch, std::barrier, std::counting_semaphore,
 * std::atomic<T>::wait) sleep in a futex call made from inline code or from libstdc++.so's
 * std::__detail::__platform_wait, which the pthread adapter does not wrap and no frame names. The
 * word says what it is: the DWARF class it lies in (cxx_kinds.c), or, for a slot of libstdc++'s
 * global table of waiter pools, the object its waiters' `this` names (cxx_proxies.c). Both
 * sessions see the same threads' frames, so they name the word alike. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

char *twc__futex_word_name(const char *exe, uint64_t bias, struct stack_names *sn, twc_read_fn rd, void *rctx,
                           uint64_t addr, const uint64_t *waiters, size_t n, int *kind, char *cls, size_t ncls)
{
    *kind = 0;
    if (ncls) cls[0] = 0;
    if (!exe) return NULL;
    char *nm = twc__symbolize_data_typed(exe, bias, addr, cls, ncls);
    *kind = twc__cxx_kind_of_class(cls);
    char owner[256];
    int k = 0;
    if (twc__is_wait_pool(nm) && sn && twc__wait_pool_owner(sn, rd, rctx, waiters, n, owner, sizeof owner, &k) == 0) {
        char *o = strdup(owner);
        if (o) { free(nm); nm = o; *kind = k; }
    }
    return nm;
}
