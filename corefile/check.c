/* check.c — two mistakes a core file's user makes that the readers further down would
 * answer with a misleading sentence: a core cut short (a full disk, a size limit, a copy
 * interrupted) looks like a core "without thread notes" or "without a region", and an --exe
 * that is not the program that dumped the core names every frame wrongly. Both are told
 * here, from the ELF headers and the NT_PRPSINFO note, before anything else reads the core. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "twcorefile.h"

/* The program's names the kernel or gcore wrote into NT_PRPSINFO: pr_fname (the main thread's
 * name, at most 15 characters, which the program may have renamed) and the base name of
 * argv[0] from pr_psargs. */
static void prpsinfo_name(int fd, const Elf64_Phdr *note, uint64_t size, char *name, size_t n, char *argv0, size_t an) {
    char buf[65536];
    name[0] = argv0[0] = 0;
    if (note->p_offset >= size) return;
    size_t len = note->p_filesz < sizeof buf ? note->p_filesz : sizeof buf;
    ssize_t k = pread(fd, buf, len, (off_t)note->p_offset);
    for (size_t off = 0; k > 0 && off + sizeof(Elf64_Nhdr) <= (size_t)k;) {
        Elf64_Nhdr h;
        memcpy(&h, buf + off, sizeof h);
        size_t desc = off + sizeof h + ((h.n_namesz + 3) & ~3u);
        if (desc > (size_t)k) return;
        if (h.n_type == NT_PRPSINFO && h.n_descsz >= 136 && desc + 136 <= (size_t)k) {
            /* struct elf_prpsinfo on x86-64: pr_fname[16] at offset 40, pr_psargs[80] at 56 */
            snprintf(name, n, "%.16s", buf + desc + 40);
            char args[81];
            snprintf(args, sizeof args, "%.80s", buf + desc + 56);
            args[strcspn(args, " ")] = 0;
            const char *base = strrchr(args, '/');
            snprintf(argv0, an, "%s", base ? base + 1 : args);
            return;
        }
        off = desc + ((h.n_descsz + 3) & ~3u);
    }
}

int twcf_check(const char *core, const char *exe, char *err, size_t n) {
    if (exe && access(exe, R_OK) != 0) {
        snprintf(err, n, "cannot read the executable %s (--exe): %s", exe, strerror(errno));
        return errno == EACCES ? TWC_EPERM : TWC_ENOTFOUND;
    }
    int fd = open(core, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0; /* the core reader says why, in its own words */
    struct stat st;
    Elf64_Ehdr eh;
    int r = 0;
    if (fstat(fd, &st) != 0 || pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_CORE || eh.e_phentsize != sizeof(Elf64_Phdr)) {
        close(fd);
        return 0; /* not an ELF64 core at all: the core reader says so */
    }
    uint64_t size = (uint64_t)st.st_size, reach = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    char prog[32] = "", argv0[96] = "";
    for (unsigned i = 0; i < eh.e_phnum && reach <= size; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) != (ssize_t)sizeof ph) break;
        if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE) continue;
        if (ph.p_offset + ph.p_filesz > reach) reach = ph.p_offset + ph.p_filesz;
        if (ph.p_type == PT_NOTE && !prog[0]) prpsinfo_name(fd, &ph, size, prog, sizeof prog, argv0, sizeof argv0);
    }
    close(fd);
    if (reach > size) {
        snprintf(err, n, "core file %s is truncated: it has %llu bytes, its headers declare %llu", core,
                 (unsigned long long)size, (unsigned long long)reach);
        r = TWC_ECORRUPT;
    } else if (exe && prog[0]) {
        const char *base = strrchr(exe, '/');
        base = base ? base + 1 : exe;
        if (strncmp(base, prog, 15) != 0 && strcmp(base, argv0) != 0) {
            snprintf(err, n, "%s is not the program of core file %s, which was dumped by '%s'", exe, core, prog);
            r = TWC_EUSAGE;
        }
    }
    return r;
}
