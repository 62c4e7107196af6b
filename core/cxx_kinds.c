/* cxx_kinds.c — what a futex word inside a C++ library object means. C++20's std::latch,
 * std::barrier, std::counting_semaphore and std::atomic<T>::wait sleep in libstdc++'s inline
 * __atomic_wait_address on a word of the object itself, so no function name on the stack says
 * which (the futex call is made from the program's own inlined code). The DWARF type of the
 * variable around the word does: the outermost library class the word lies in. A word in none
 * of these classes is no C++ wait object (0): the adapter's sessions leave it a kernel wait. The one place a
 * new C++ synchronisation class goes: a row here (tests/core/test_cxx_names.c has one per row). */
#include <string.h>
#include "internal.h"

static const struct { const char *cls; int kind; } classes[] = {
    {"latch", TW_RES_BARRIER},               /* count_down/wait: released when the count reaches 0 */
    {"barrier<", TW_RES_BARRIER},
    {"counting_semaphore<", TW_RES_SEMAPHORE}, /* binary_semaphore is counting_semaphore<1> */
    {"__atomic_semaphore", TW_RES_SEMAPHORE},
    /* std::atomic<T>::wait: a C++ wait, but anyone may store and notify: nothing more than other */
    {"atomic<", TW_RES_OTHER},
};

int twc__cxx_kind_of_class(const char *cls)
{
    if (!cls) return 0;
    for (size_t i = 0; i < ARRAY_LEN(classes); i++) {
        size_t n = strlen(classes[i].cls);
        /* a class name or a template's ("barrier<" matches "barrier<std::__empty_completion>") */
        if (classes[i].cls[n - 1] == '<' ? !strncmp(cls, classes[i].cls, n) : !strcmp(cls, classes[i].cls))
            return classes[i].kind;
    }
    return 0;
}
