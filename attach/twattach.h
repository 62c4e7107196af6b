/* twattach.h — libtwattach: how the console reaches a target without a debugger.
 *
 * Two jobs: (1) reading an ELF core file as a byte source (so libtwcore can decode a region
 * straight out of a core), and (2) attach-only fact collection: for a process or core with no
 * TurboWish region, build struct twc_facts (twcore.h) from the threads themselves (ptrace +
 * libunwind for a live pid; the core's notes + libunwind's core unwinder for a core), which the
 * console hands to twc_open_facts(). All functions return enum twc_status and write one sentence
 * into err on failure. Nothing here ever leaves a target stopped: every attach is undone before
 * the function returns.
 *
 * Linking: build/lib/libtwattach.a is PIC; add $(TWATTACH_LDLIBS) (attach/module.mk) after it.
 */
#ifndef TWATTACH_H
#define TWATTACH_H

#include <stddef.h>
#include <stdint.h>
#include "twcore.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ELF core files as a byte source ---- */

struct twa_core;
/* Open a core file (ELF ET_CORE, x86-64). NULL on failure with *status (TWC_ENOTFOUND,
 * TWC_EPERM, TWC_ECORRUPT for "not a core file"/truncated) and a sentence. */
struct twa_core *twa_core_open(const char *path, int *status, char *err, size_t errlen);
/* twc_read_fn over the core's PT_LOAD segments (ctx = struct twa_core *). Bytes not dumped in
 * the core (filesz < memsz, or no segment) read as -EFAULT. */
int64_t twa_core_read(void *core, uint64_t addr, void *buf, uint64_t len);
/* Find the TurboWish region in the core: the mapping of "/memfd:turbowish" in the NT_FILE note,
 * else a page-aligned "TURBOWSH" magic at the start of a PT_LOAD page. 0 and *addr on success,
 * TWC_ENOREGION when there is none (with a sentence saying whether the memfd mapping exists but
 * was not dumped). */
int twa_core_find_region(struct twa_core *c, uint64_t *addr, char *err, size_t errlen);
void twa_core_close(struct twa_core *c);

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
