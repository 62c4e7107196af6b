/* target_core.c — an ELF core file through libtwcorefile: the region is read straight out of
 * the core's PT_LOAD segments; a core without one falls back to attach-only facts from its
 * threads' notes (libtwattach). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tw.h"
#include "twattach.h"
#include "twcorefile.h"

int core_open(struct tw_target *t, char *err, size_t n) {
    if (t->exe && access(t->exe, R_OK) != 0) {
        snprintf(err, n, "cannot read the executable %s (--exe): %s", t->exe, strerror(errno));
        return errno == EACCES ? TWC_EPERM : TWC_ENOTFOUND;
    }
    int st;
    struct twcf_core *c = twcf_open(t->path, &st, err, n);
    if (!c) return st ? st : TWC_EINTERNAL;
    t->core = c;
    if ((st = twcf_check(c, t->path, t->exe, err, n))) return st;
    uint64_t addr = 0;
    char why[TW_ERRLEN];
    st = twcf_find_region(c, &addr, why, sizeof why);
    if (st == 0) {
        t->region_addr = addr;
        t->s = twc_open_region(twcf_read, c, addr, 0, &st, err, n);
        if (!t->s) return st ? st : TWC_EINTERNAL;
        struct stat sb;
        if (stat(t->path, &sb) == 0)   /* the image's moment: a core holds no clock */
            twc_set_image_time(t->s, (uint64_t)sb.st_mtim.tv_sec * 1000000000ull + (uint64_t)sb.st_mtim.tv_nsec);
        tgt_lend_frames(t);
        return 0;
    }
    if (st != TWC_ENOREGION) {
        snprintf(err, n, "%s", why);
        return st;
    }
    /* No region: what the threads themselves say (attach-only). A region that existed but was
     * left out of the core is worth a line: the user may want the process's own model. */
    if (strstr(why, "not dumped"))
        fprintf(stderr, "tw: note: %s; showing what the threads themselves tell (attach-only)\n", why);
    struct twc_facts f;
    void *storage = NULL;
    memset(&f, 0, sizeof f);
    st = twa_collect_core(t->path, t->exe, &f, &storage, err, n);
    if (st == TWC_ENOREGION && !err[0]) snprintf(err, n, "%s", why);
    return tgt_open_facts(t, st, &f, storage, err, n);
}

int64_t core_read_mem(struct tw_target *t, uint64_t addr, void *buf, uint64_t len) {
    if (!t->core) return -EFAULT;
    return twcf_read(t->core, addr, buf, len);
}

void core_close(struct tw_target *t) {
    if (t->core) twcf_close(t->core);
    t->core = NULL;
}
