/* twcorefile.h — libtwcorefile: an ELF core file (kernel or gcore, x86-64) read as input.
 *
 * One reader for every use of a core in the console: a byte source over its PT_LOAD segments
 * (libtwcore decodes an instrumented program's region straight out of it, and the stack
 * reader of `tw bt` reads through it), where the region lies in it, its threads' registers and
 * its file mappings (for the attach-only collector, attach/, and for the symbolizer,
 * symbolize/), and the checks that turn a damaged core into one clear sentence.
 *
 * The file is input, not memory: every header, count and offset is checked against the real
 * file size before use, so a truncated or hostile core yields TWC_ECORRUPT or short reads,
 * never a crash. Functions return enum twc_status (twcore.h) and write one sentence into err.
 *
 * Linking: build/lib/libtwcorefile.a, then build/lib/libtwsym.a (its mappings are the
 * symbolizer's struct tws_map).
 */
#ifndef TWCOREFILE_H
#define TWCOREFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>
#include "twcore.h"
#include "tws.h"

#ifdef __cplusplus
extern "C" {
#endif

struct twcf_core;

/* Open a core file (ELF ET_CORE, x86-64). NULL on failure with *status (TWC_ENOTFOUND,
 * TWC_EPERM, TWC_ECORRUPT for "not a core file"/truncated) and a sentence. */
struct twcf_core *twcf_open(const char *path, int *status, char *err, size_t errlen);
void twcf_close(struct twcf_core *c);
/* Refuse what the readers further down would explain badly: a core cut short (a full disk, a
 * size limit) looks like one "without thread notes" or "without a region" (TWC_ECORRUPT), and
 * an `exe` (--exe, may be NULL) that is not the program that dumped it names every frame
 * wrongly (TWC_EUSAGE). TWC_OK when neither. `path` is the core's, for the sentence. */
int twcf_check(const struct twcf_core *c, const char *path, const char *exe, char *err, size_t errlen);
/* twc_read_fn over the core's PT_LOAD segments (ctx = struct twcf_core *). Bytes not dumped in
 * the core (filesz < memsz, or no segment) read as -EFAULT. */
int64_t twcf_read(void *core, uint64_t addr, void *buf, uint64_t len);
/* Find the TurboWish region in the core: the mapping of "/memfd:turbowish" in the NT_FILE note,
 * else a page-aligned "TURBOWSH" magic at the start of a PT_LOAD page. 0 and *addr on success,
 * TWC_ENOREGION when there is none (with a sentence saying whether the memfd mapping exists but
 * was not dumped). */
int twcf_find_region(struct twcf_core *c, uint64_t *addr, char *err, size_t errlen);

/* A thread of the core (NT_PRSTATUS), in note order: the first is the one that faulted. */
struct twcf_thread {
    uint32_t tid;
    struct user_regs_struct regs;
};
/* The threads; *out is owned by the core. */
size_t twcf_threads(const struct twcf_core *c, const struct twcf_thread **out);
/* The process's comm (NT_PRPSINFO pr_fname), "" when the note is missing. */
const char *twcf_comm(const struct twcf_core *c);
/* Path of the executable mapped in the core (the NT_FILE mapping holding AT_ENTRY), or NULL. */
const char *twcf_exe(const struct twcf_core *c);
/* The core's file mappings (NT_FILE), copied into *out (free with tws_free_maps): the
 * executable's path replaced by `exe` made absolute when exe is given (the program may have
 * moved since, or be read from another machine's copy). Returns the count, or -ENOMEM. */
long twcf_maps(const struct twcf_core *c, const char *exe, struct tws_map **out);

#ifdef __cplusplus
}
#endif
#endif /* TWCOREFILE_H */
