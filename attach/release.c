/* release.c — twa_collect_* placeholders until the collectors land (so the console links). */
#include <stdio.h>
#include <string.h>
#include "twa_internal.h"

int twa_collect_pid(int pid, int samples, struct twc_facts *out, void **storage, char *err, size_t errlen)
{
    (void)pid; (void)samples; memset(out, 0, sizeof *out); *storage = NULL;
    snprintf(err, errlen, "attach-only collection is not built yet");
    return TWC_ENOREGION;
}
int twa_collect_core(const char *core, const char *exe, struct twc_facts *out, void **storage, char *err, size_t errlen)
{
    (void)core; (void)exe; memset(out, 0, sizeof *out); *storage = NULL;
    snprintf(err, errlen, "attach-only collection is not built yet");
    return TWC_ENOREGION;
}
void twa_release(void *storage) { (void)storage; }
