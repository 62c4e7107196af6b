/* glibc_layout.c — where glibc keeps the facts attach-only reads, by glibc version.
 *
 * The one place a new glibc version goes: a row of `layouts` (newest first), with a row in
 * tests/core/test_classify.c. The offsets are the x86-64 layouts of glibc's public types
 * (bits/struct_mutex.h, bits/thread-shared-types.h, bits/struct_rwlock.h, nptl/semaphoreP.h,
 * sysdeps/nptl/internaltypes.h). The mutex layout has not changed in the 64-bit ABI since NPTL;
 * condvars and rwlocks were rewritten in 2.25, which is the only split the table needs. The
 * version is read from the target's libc file itself (its "release version X.Y" banner), never
 * from our own process: the target may run another libc (a container, a core from elsewhere).
 * A debug file, when the frontend found one, beats the table (glibc_dwarf.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "glibc.h"

static const struct twc_glibc layouts[] = {
    /* glibc >= 2.25: new condvar (futex = __g_signals[g]) and new rwlock */
    {.min_minor = 25, .mutex_owner = 8, .mutex_kind = 16, .cond_signals = 40, .cond_size = 48,
     .cond_mutex_ptr = -1, .rw_readers = 0, .rw_wrphase = 8, .rw_writers_futex = 12, .rw_cur_writer = 24,
     .sem_value_shift = 0, .barrier_round = 4},
    /* glibc < 2.25: old condvar (futex = __futex at 4, __mutex pointer at 32), old rwlock
     * (readers wait on __readers_wakeup at 8, writers on __writer_wakeup at 12, __writer at 24);
     * semaphores before 2.21 used a plain count (shift 0 as well). */
    {.min_minor = 0, .mutex_owner = 8, .mutex_kind = 16, .cond_signals = 4, .cond_size = 48,
     .cond_mutex_ptr = 32, .rw_readers = 8, .rw_wrphase = 8, .rw_writers_futex = 12, .rw_cur_writer = 24,
     .sem_value_shift = 0, .barrier_round = 4},
};

/* Version of the libc at `path` from the banner string in its .rodata ("... release version
 * 2.36."). Returns minor (>= 0) and writes "2.36" into ver, or -1. */
static int libc_version(const char *path, char *ver, size_t verlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    int minor = -1;
    if (fstat(fd, &sb) == 0 && sb.st_size > 0 && sb.st_size < (1 << 28)) {
        const char *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            static const char key[] = "release version ";
            const char *p = memmem(m, (size_t)sb.st_size, key, sizeof key - 1);
            unsigned a, b;
            if (p && (size_t)(p - m) + sizeof key + 8 < (size_t)sb.st_size) {
                char tmp[16];
                memcpy(tmp, p + sizeof key - 1, 15);
                tmp[15] = 0;
                if (sscanf(tmp, "%u.%u", &a, &b) == 2 && a == 2) {
                    minor = (int)b;
                    snprintf(ver, verlen, "%u.%u", a, b);
                }
            }
            munmap((void *)m, (size_t)sb.st_size);
        }
    }
    close(fd);
    return minor;
}

/* The table row for glibc 2.minor (minor < 0: unknown, the newest row). */
static const struct twc_glibc *row_for(int minor)
{
    for (size_t i = 0; minor >= 0 && i < ARRAY_LEN(layouts); i++)
        if (minor >= layouts[i].min_minor)
            return &layouts[i];
    return &layouts[0];
}

twc_glibc *twc_glibc_open(const char *libc_path, const char *debug_path)
{
    struct twc_glibc *g = malloc(sizeof *g);
    if (!g)
        return NULL;
    char ver[16] = "";
    int minor = libc_path ? libc_version(libc_path, ver, sizeof ver) : -1;
    *g = *row_for(minor);
    /* Debug info describes the >= 2.25 types we know how to read; older ones keep the table. */
    if (debug_path && (minor < 0 || minor >= 25) && twc__glibc_from_debug(debug_path, libc_path, g) == 0) {
        snprintf(g->source, sizeof g->source, "glibc %s debug info", minor >= 0 ? ver : "(version unknown)");
        return g;
    }
    if (minor >= 0)
        snprintf(g->source, sizeof g->source, "glibc %s layout table (x86-64)", ver);
    else if (libc_path)
        snprintf(g->source, sizeof g->source, "glibc layout table for >= 2.25 (version of %.60s unknown)", libc_path);
    else
        snprintf(g->source, sizeof g->source, "glibc layout table for >= 2.25 (no libc mapped: static binary?)");
    return g;
}

const char *twc_glibc_source(const twc_glibc *g)
{
    return g ? g->source : "";
}

void twc_glibc_close(twc_glibc *g)
{
    free(g);
}
