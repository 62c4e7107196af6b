/* rename.c — prctl(PR_SET_NAME) renames the calling thread's task, as pthread_setname_np does
 * (thread.c): a daemon that renames itself after fork (tmux's server, still "tmux: client"
 * from its parent's name when adopted) or a pool thread naming itself is shown by its new
 * name. Every other prctl passes straight through; result and errno are the real call's. */
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include "twp.h"

TWP_EXPORT int prctl(int option, ...)
{
    va_list ap;
    va_start(ap, option);
    /* glibc's own prctl reads four unsigned longs whatever the option: so do we */
    unsigned long a2 = va_arg(ap, unsigned long), a3 = va_arg(ap, unsigned long);
    unsigned long a4 = va_arg(ap, unsigned long), a5 = va_arg(ap, unsigned long);
    va_end(ap);
    int rc = TWP_REAL(prctl)(option, a2, a3, a4, a5);
    tw_task_t t;
    if (option != PR_SET_NAME || rc != 0 || !a2 || !twp_enter(&t))
        return rc;
    int saved = errno;
    char name[16]; /* the kernel keeps 15 bytes */
    size_t n = strnlen((const char *)a2, sizeof name - 1);
    memcpy(name, (const char *)a2, n);
    name[n] = 0;
    tw_task_name(t, name);
    twp_leave();
    errno = saved;
    return rc;
}
