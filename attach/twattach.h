/* twattach.h — libtwattach: the console's attach-only collector.
 *
 * For a process or core with no TurboWish region, it builds struct twc_facts (twcore.h) from
 * the threads themselves (ptrace + libunwind for a live pid; the core's notes, read by
 * libtwcorefile, + libunwind for a core), which the console hands to twc_open_facts(). It
 * collects; libtwcore decides what the facts mean. All functions return enum twc_status and write one sentence
 * into err on failure. Nothing here ever leaves a target stopped: every attach is undone before
 * the function returns.
 *
 * Linking: build/lib/libtwattach.a is PIC; add $(TWATTACH_LDLIBS) (attach/module.mk) after it:
 * libtwcorefile, libtwsym, libunwind and their libraries.
 */
#ifndef TWATTACH_H
#define TWATTACH_H

#include <stddef.h>
#include <stdint.h>
#include "twcore.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- attach-only fact collection ---- */

/* Collect facts from a live process: attaches to every thread (ptrace), reads registers and
 * unwinds, detaches. When `samples` is 2, samples twice >= 100 ms apart and sets
 * facts.samples_agree. *storage owns every string/array the facts point to: release it with
 * twa_release after twc_open_facts (which copies). */
int twa_collect_pid(int pid, int samples, struct twc_facts *out, void **storage, char *err, size_t errlen);
/* Same from a core file and its executable (exe may be NULL: taken from the core's notes). */
int twa_collect_core(const char *core, const char *exe, struct twc_facts *out, void **storage,
                     char *err, size_t errlen);
void twa_release(void *storage);

#ifdef __cplusplus
}
#endif
#endif /* TWATTACH_H */
