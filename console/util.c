#define _GNU_SOURCE
/* util.c — small helpers: the one-sentence error convention, where the tw binary lives
 * (plugins and the preload adapter are found relative to it), id parsing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tw.h"

int tw_err(int status, const char *sentence) {
    fprintf(stderr, "tw: %s\n", sentence);
    return status;
}

int tw_fail(int status, const char *fmt, ...) {
    char buf[TW_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tw_err(status, buf);
}

char *tw_strdup_printf(const char *fmt, ...) {
    va_list ap;
    char *p = NULL;
    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0) p = NULL;
    va_end(ap);
    return p;
}

/* /proc/self/exe, not argv[0]: tw may be run through a symlink or from PATH. */
const char *tw_self_dir(void) {
    static char dir[PATH_MAX];
    if (!dir[0]) {
        ssize_t k = readlink("/proc/self/exe", dir, sizeof dir - 1);
        if (k <= 0) { strcpy(dir, "."); return dir; }
        dir[k] = 0;
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
    }
    return dir;
}

int parse_id(const char *s, uint32_t *id) {
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v == 0 || v > UINT32_MAX || s[0] == '-') return -1;
    *id = (uint32_t)v;
    return 0;
}

int write_file(const char *path, const void *buf, size_t len, char *err, size_t n) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
        return errno == EACCES || errno == EPERM ? TWC_EPERM : TWC_ENOTFOUND;
    }
    const char *p = buf;
    while (len) {
        ssize_t k = write(fd, p, len);
        if (k < 0) {
            if (errno == EINTR) continue;
            snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            return TWC_EINTERNAL;
        }
        p += k;
        len -= (size_t)k;
    }
    if (close(fd) < 0) {
        snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
        return TWC_EINTERNAL;
    }
    return 0;
}
