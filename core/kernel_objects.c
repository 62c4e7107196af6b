/* kernel_objects.c — a thread asleep on a futex word that core can name waits on that object.
 *
 * Under the pthread adapter, libstdc++'s std::future and C++20 waits (std::latch, std::barrier,
 * std::counting_semaphore, std::atomic<T>::wait) are futex calls the adapter never sees: the
 * region shows the thread's task polling, and the frontend lends what its stop saw (the
 * blocking call and the futex word, kernel_waits.c). The word is named and given its kind by the
 * rule attach-only uses (a std::future::wait frame says `future`; else futex_words.c), and the
 * task waits on it as a resource of the model: `cpp-future waits at future.cpp:21
 * std::future::wait(&0x55…) -> 0x55… (future)`. Nothing recorded the wait, so its wakers are
 * unknown (the future's setter too: the adapter never saw who holds the promise), and proof.c
 * never calls a deadlock through it certain. A word in a frame's variable (a local std::atomic) is
 * `other`, named by the variable, as attach-only names it. A word nothing names stays a kernel
 * wait. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

int twc__kernel_object_kind(struct twc_session *s, int block, uint64_t word, const uint64_t *waiters, size_t n,
                            char **name)
{
    *name = NULL;
    if (!word || (block != TWC_BLOCK_FUTURE && block != TWC_BLOCK_UNKNOWN)) return 0;
    uint64_t bias = 0;
    const char *exe = twc__stack_names_exe(s->stack_names, &bias);
    const char *local = s->stack_names ? twc__stack_name(s->stack_names, word) : NULL;
    char cls[128];
    int kind = 0;
    if (local) {
        /* a word in a frame's variable (a local std::atomic): attach-only names it so and makes it
         * an `other` resource, as every futex word no call names (facts.c) */
        *name = strdup(local);
        kind = TW_RES_OTHER;
    } else *name = twc__futex_word_name(exe, bias, s->stack_names, s->stack_rd, s->stack_rctx, word, waiters, n, &kind,
                                        cls, sizeof cls);
    if (block == TWC_BLOCK_FUTURE) return TW_RES_FUTURE;
    if (!kind) { free(*name); *name = NULL; }
    return kind;
}

uint64_t twc__kernel_object_add(struct model *m, uint64_t word, int kind, uint32_t name)
{
    for (size_t i = 0; i < m->nres; i++)
        if (m->res[i].address == word && !m->res[i].hidden) return m->res[i].id;   /* recorded, or added for another waiter */
    struct mres *grown = realloc(m->res, (m->nres + 1) * sizeof *m->res);
    if (!grown) return 0;
    m->res = grown;
    struct mres *r = &m->res[m->nres++];
    memset(r, 0, sizeof *r);
    /* the word's address is its id, as attach-only's: the region's ids are small numbers */
    r->id = r->address = word;
    r->kind = (uint8_t)kind;
    r->class_ = TW_CLASS_CONSUMABLE;
    r->capacity = kind == TW_RES_SEMAPHORE ? -1 : 1;
    r->name = name;
    r->lent = 1;
    return r->id;
}
