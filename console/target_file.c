/* target_file.c — a snapshot file: the region's bytes from offset 0 to used_size, exactly as
 * `tw snapshot` wrote them, so the header sits at offset 0. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tw.h"

int file_open(struct tw_target *t, char *err, size_t n) {
    int fd = open(t->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, n, "cannot open snapshot %s: %s", t->path, strerror(e));
        return e == EACCES || e == EPERM ? TWC_EPERM : TWC_ENOTFOUND;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, n, "%s is not a snapshot file", t->path);
        close(fd);
        return TWC_ECORRUPT;
    }
    t->region_fd = fd;
    t->region_addr = 0;
    int status = 0;
    t->s = twc_open_region(fd_pread_reader, &t->region_fd, 0, 0, &status, err, n);
    /* A file named as a snapshot that holds no region is a corrupt snapshot, not a process
     * without one: there is nothing to attach to. */
    if (!t->s && status == TWC_ENOREGION) {
        snprintf(err, n, "%s is not a TurboWish snapshot (no TURBOWSH magic at offset 0)", t->path);
        return TWC_ECORRUPT;
    }
    if (!t->s) return status ? status : TWC_EINTERNAL;
    /* Commands read lazily, so a cut file could pass unnoticed until a command needs its tail:
     * a snapshot shorter than the extent its header declares is refused at once. */
    uint64_t addr = 0, used = 0;
    if (twc_region_extent(t->s, &addr, &used) == 0 && (uint64_t)st.st_size < used) {
        snprintf(err, n, "snapshot %s is truncated: %llu of the %llu bytes its header declares", t->path,
                 (unsigned long long)st.st_size, (unsigned long long)used);
        twc_close(t->s);
        t->s = NULL;
        return TWC_ECORRUPT;
    }
    return 0;
}
