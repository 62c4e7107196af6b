/* glibc_layout.c — where glibc keeps the facts we read, by glibc version.
 *
 * The offsets are the x86-64 layouts of glibc's public types (bits/struct_mutex.h,
 * bits/thread-shared-types.h, bits/struct_rwlock.h, nptl/semaphoreP.h). The mutex layout has
 * not changed in the 64-bit ABI since NPTL; condvars and rwlocks were rewritten in 2.25,
 * which is the only split the table needs. The version is read from the target's libc file
 * itself (its "release version X.Y" banner), never from our own process: the target may run
 * another libc (a container, a core from another machine).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "glibc_layout.h"
#include "twa_elf.h"

static const struct twa_glibc_layout layouts[] = {
    /* glibc >= 2.25: new condvar (futex = __g_signals[g]) and new rwlock */
    {.min_minor = 25, .mutex_owner = 8, .mutex_kind = 16, .cond_signals = 40, .cond_size = 48,
     .cond_mutex_ptr = -1, .rw_readers = 0, .rw_wrphase = 8, .rw_writers_futex = 12, .rw_cur_writer = 24,
     .sem_value_shift = 0},
    /* glibc < 2.25: old condvar (futex = __futex at 4, __mutex pointer at 32), old rwlock
     * (readers wait on __readers_wakeup at 8, writers on __writer_wakeup at 12, __writer at 24);
     * semaphores before 2.21 used a plain count (shift 0 as well). */
    {.min_minor = 0, .mutex_owner = 8, .mutex_kind = 16, .cond_signals = 4, .cond_size = 48,
     .cond_mutex_ptr = 32, .rw_readers = 8, .rw_wrphase = 8, .rw_writers_futex = 12, .rw_cur_writer = 24,
     .sem_value_shift = 0},
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

static int is_libc(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    return strncmp(b, "libc.so", 7) == 0 || (strncmp(b, "libc-2.", 7) == 0 && strstr(b, ".so"));
}

void twa_glibc_layout_for(const struct twa_map *maps, size_t nmaps, struct twa_elf_cache *elves,
                          struct twa_glibc_layout *out)
{
    const char *libc = NULL;
    for (size_t i = 0; i < nmaps && !libc; i++)
        if (is_libc(maps[i].path))
            libc = maps[i].path;
    char ver[16] = "";
    int minor = libc ? libc_version(libc, ver, sizeof ver) : -1;
    const struct twa_glibc_layout *l = &layouts[0];
    if (minor >= 0 && minor < 25)
        l = &layouts[1];
    *out = *l;
    /* Debug info beats the table when it describes the >= 2.25 types we know how to read. */
    struct twa_elf *e = libc && elves ? twa_elf_get(elves, libc) : NULL;
    if (e && e->debug_path && (minor < 0 || minor >= 25) && twa_glibc_layout_from_debug(e->debug_path, twa_elf_sym_addr(e, "pthread_cond_wait"),
                                    twa_elf_sym_addr(e, "pthread_rwlock_wrlock"), out) == 0) {
        snprintf(out->source, sizeof out->source, "glibc %s debug info", minor >= 0 ? ver : "(version unknown)");
        return;
    }
    if (minor >= 0)
        snprintf(out->source, sizeof out->source, "glibc %s layout table (x86-64)", ver);
    else if (libc)
        snprintf(out->source, sizeof out->source, "glibc layout table for >= 2.25 (version of %s unknown)", libc);
    else
        snprintf(out->source, sizeof out->source, "glibc layout table for >= 2.25 (no libc mapped: static binary?)");
}
