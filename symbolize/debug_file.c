/* debug_file.c — where a stripped object's symbols went: its separate debug file.
 *
 * Two conventions, tried in the order gdb tries them. The build id (a NT_GNU_BUILD_ID note)
 * names /usr/lib/debug/.build-id/xx/rest.debug exactly, so it cannot pick a stale file. The
 * .gnu_debuglink section names a file and its CRC-32, searched next to the object, in its
 * .debug/ directory and under /usr/lib/debug; the CRC is checked because a name alone happily
 * matches the debug file of another build, and wrong names are worse than none.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "object.h"

#define DEBUG_ROOT "/usr/lib/debug"

/* The build id from PT_NOTE segments, as lowercase hex into out (>= 2*len+1). */
static int build_id(Elf *elf, char *out, size_t outlen)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
            continue;
        Elf_Data *d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
        if (!d)
            continue;
        size_t off = 0, name_off, desc_off;
        GElf_Nhdr nh;
        while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0 && nh.n_descsz >= 2 &&
                nh.n_descsz * 2 + 1 <= outlen) {
                const unsigned char *b = (const unsigned char *)d->d_buf + desc_off;
                for (size_t k = 0; k < nh.n_descsz; k++)
                    sprintf(out + 2 * k, "%02x", b[k]);
                return 0;
            }
        }
    }
    return -1;
}

/* .gnu_debuglink: a NUL-terminated file name, padding to 4 bytes, then the CRC-32. */
static int debuglink(Elf *elf, char *name, size_t namelen, uint32_t *crc)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return -1;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        const char *sn;
        if (!gelf_getshdr(scn, &sh) || !(sn = elf_strptr(elf, shstrndx, sh.sh_name)) ||
            strcmp(sn, ".gnu_debuglink") != 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d || !d->d_buf || d->d_size < 8)
            return -1;
        size_t len = strnlen(d->d_buf, d->d_size);
        size_t at = (len + 4) & ~(size_t)3;
        if (len == 0 || len >= namelen || at + 4 > d->d_size || memchr(d->d_buf, '/', len))
            return -1;
        memcpy(name, d->d_buf, len);
        name[len] = 0;
        memcpy(crc, (char *)d->d_buf + at, 4);
        return 0;
    }
    return -1;
}

static int crc_matches(const char *path, uint32_t want)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    unsigned char buf[65536];
    uLong crc = crc32(0L, Z_NULL, 0);
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        crc = crc32(crc, buf, (uInt)r);
    close(fd);
    return r == 0 && (uint32_t)crc == want;
}

int tws_debug_file(Elf *elf, const char *path, char *out, size_t outlen)
{
    char id[129], name[256];
    uint32_t crc;
    if (build_id(elf, id, sizeof id) == 0) {
        snprintf(out, outlen, DEBUG_ROOT "/.build-id/%.2s/%s.debug", id, id + 2);
        if (access(out, R_OK) == 0)
            return 0;
    }
    if (debuglink(elf, name, sizeof name, &crc) != 0)
        return -1;
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) : 0;
    const char *forms[] = {"%.*s/%s", "%.*s/.debug/%s", DEBUG_ROOT "%.*s/%s"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        int w = snprintf(out, outlen, forms[i], dirlen, path, name);
        if (w < 0 || (size_t)w >= outlen || strcmp(out, path) == 0)
            continue; /* too long, or the object itself (a link naming its own file) */
        if (crc_matches(out, crc))
            return 0;
    }
    return -1;
}
