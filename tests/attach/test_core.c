/* Criterion tests of the core-file byte source (corefile/corefile.c, corefile/region_find.c).
 * Fixtures come from tests/attach/run.sh through $TWA_FX: real gcore and kernel cores of
 * progs/region_holder, with the region address it printed. Hostile files are made here. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>
#include "twcorefile.h"

static const char *fx(const char *name)
{
    static char buf[4][1024];
    static int k;
    const char *d = getenv("TWA_FX");
    cr_assert(d, "TWA_FX not set: run tests/attach/run.sh");
    char *b = buf[k++ & 3];
    snprintf(b, 1024, "%s/%s", d, name);
    return b;
}

static uint64_t fx_addr(const char *name)
{
    FILE *f = fopen(fx(name), "r");
    cr_assert(f, "missing fixture %s", name);
    unsigned long long a = 0;
    cr_assert(fscanf(f, "addr %llx", &a) == 1);
    fclose(f);
    return a;
}

static void region_found(const char *core, const char *addrfile)
{
    int st = -1;
    char err[256];
    struct twcf_core *c = twcf_open(fx(core), &st, err, sizeof err);
    cr_assert(c, "open %s: %s", core, err);
    cr_assert_eq(st, TWC_OK);
    uint64_t a = 0;
    cr_assert_eq(twcf_find_region(c, &a, err, sizeof err), TWC_OK, "%s", err);
    cr_assert_eq(a, fx_addr(addrfile));
    char magic[12];
    cr_assert_eq(twcf_read(c, a, magic, 12), 12);
    cr_assert(memcmp(magic, "TURBOWSH", 8) == 0);
    twcf_close(c);
}

Test(core_region, found_in_gcore_core_at_the_memfd_mapping) { region_found("gcore.core", "gcore.addr"); }
Test(core_region, found_in_kernel_core_at_the_memfd_mapping) { region_found("kernel.core", "kernel.addr"); }

Test(core_region, undumped_memfd_is_reported_as_not_dumped)
{
    int st;
    char err[256] = "";
    struct twcf_core *c = twcf_open(fx("nodump.core"), &st, err, sizeof err);
    cr_assert(c, "%s", err);
    uint64_t a;
    cr_assert_eq(twcf_find_region(c, &a, err, sizeof err), TWC_ENOREGION);
    cr_assert(strstr(err, "not dumped"), "message was: %s", err);
    twcf_close(c);
}

Test(core_read, unmapped_address_is_efault_and_segment_end_is_short)
{
    int st;
    char err[256];
    struct twcf_core *c = twcf_open(fx("gcore.core"), &st, err, sizeof err);
    cr_assert(c);
    char b[64];
    cr_assert_eq(twcf_read(c, 0x10, b, 8), -EFAULT);
    cr_assert_eq(twcf_read(c, UINT64_MAX - 3, b, 8), -EFAULT);
    uint64_t a = fx_addr("gcore.addr");
    /* The region is 64 KiB; whatever follows it is either dumped or not, never garbage past
     * what the file holds: a read straddling the end returns at most what exists. */
    int64_t r = twcf_read(c, a + 65536 - 16, b, 64);
    cr_assert(r == 16 || r == 64, "got %" PRId64, r);
    twcf_close(c);
}

Test(core_open, missing_file_is_not_found)
{
    int st;
    char err[256];
    cr_assert_null(twcf_open("/nonexistent/core.1", &st, err, sizeof err));
    cr_assert_eq(st, TWC_ENOTFOUND);
}

Test(core_open, directory_and_non_core_elf_are_corrupt)
{
    int st;
    char err[256];
    cr_assert_null(twcf_open("/tmp", &st, err, sizeof err));
    cr_assert_eq(st, TWC_ECORRUPT);
    cr_assert_null(twcf_open("/bin/sh", &st, err, sizeof err));
    cr_assert_eq(st, TWC_ECORRUPT);
    cr_assert(strstr(err, "not a core"), "%s", err);
}

static char *tmpfile_with(const void *data, size_t len)
{
    static char path[4][64];
    static int k;
    char *p = path[k++ & 3];
    strcpy(p, "/tmp/twa_hostile.XXXXXX");
    int fd = mkstemp(p);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    return p;
}

/* Every prefix of a real core either opens (and then answers reads without crashing) or is
 * rejected as corrupt. Sizes cover the ELF header, the program headers and the notes. */
Test(core_open, every_truncation_of_a_real_core_is_safe)
{
    int fd = open(fx("gcore.core"), O_RDONLY);
    cr_assert(fd >= 0);
    struct stat sb;
    fstat(fd, &sb);
    size_t n = (size_t)sb.st_size;
    char *all = malloc(n);
    cr_assert_eq(pread(fd, all, n, 0), (ssize_t)n);
    close(fd);
    uint64_t a = fx_addr("gcore.addr");
    size_t cuts[] = {0, 1, 16, 63, 64, 65, 100, 500, 1000, 1200, 4096, n / 4, n / 2, n - 4096, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        if (cuts[i] > n)
            continue;
        char *p = tmpfile_with(all, cuts[i]);
        int st = -1;
        char err[256];
        struct twcf_core *c = twcf_open(p, &st, err, sizeof err);
        if (!c) {
            cr_assert_eq(st, TWC_ECORRUPT, "cut %zu: status %d (%s)", cuts[i], st, err);
        } else {
            uint64_t r;
            char b[4096];
            (void)twcf_find_region(c, &r, err, sizeof err);
            int64_t got = twcf_read(c, a, b, sizeof b);
            cr_assert(got == -EFAULT || (got > 0 && got <= (int64_t)sizeof b));
            twcf_close(c);
        }
        unlink(p);
    }
    free(all);
}

/* Hand-made hostile headers: counts and offsets pointing anywhere. */
Test(core_open, hostile_headers_are_rejected_or_bounded)
{
    struct {
        Elf64_Ehdr eh;
        Elf64_Phdr ph[2];
        unsigned char notes[64];
    } f;
    for (int variant = 0; variant < 6; variant++) {
        memset(&f, 0, sizeof f);
        memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
        f.eh.e_ident[EI_CLASS] = ELFCLASS64;
        f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
        f.eh.e_type = ET_CORE;
        f.eh.e_machine = EM_X86_64;
        f.eh.e_phoff = sizeof f.eh;
        f.eh.e_phentsize = sizeof(Elf64_Phdr);
        f.eh.e_phnum = 2;
        f.ph[0].p_type = PT_NOTE;
        f.ph[0].p_offset = offsetof(__typeof__(f), notes);
        f.ph[0].p_filesz = sizeof f.notes;
        f.ph[1].p_type = PT_LOAD;
        f.ph[1].p_vaddr = 0x1000;
        f.ph[1].p_memsz = 0x1000;
        f.ph[1].p_filesz = 0x1000;
        f.ph[1].p_offset = 0;
        Elf64_Nhdr *nh = (Elf64_Nhdr *)f.notes;
        nh->n_namesz = 5;
        memcpy(f.notes + sizeof *nh, "CORE", 5);
        nh->n_type = NT_FILE;
        nh->n_descsz = 40;
        switch (variant) {
        case 0: f.eh.e_phnum = 0xfffe; break;                       /* phdrs past EOF */
        case 1: f.eh.e_phoff = UINT64_MAX - 8; break;               /* offset overflow */
        case 2: nh->n_descsz = 0xffffffffu; break;                  /* note past the end */
        case 3: nh->n_namesz = 0xfffffff0u; break;                  /* name past the end */
        case 4: { uint64_t cnt = UINT64_MAX / 2;                    /* NT_FILE count overflow */
                  memcpy(f.notes + sizeof *nh + 8, &cnt, 8); break; }
        case 5: f.ph[1].p_offset = UINT64_MAX - 16; f.ph[1].p_filesz = UINT64_MAX; break;
        }
        char *p = tmpfile_with(&f, sizeof f);
        int st;
        char err[256];
        struct twcf_core *c = twcf_open(p, &st, err, sizeof err);
        if (c) {
            char b[32];
            uint64_t r;
            int64_t got = twcf_read(c, 0x1000, b, sizeof b);
            cr_assert(got == -EFAULT || (got > 0 && got <= 32), "variant %d read %" PRId64, variant, got);
            (void)twcf_find_region(c, &r, err, sizeof err);
            twcf_close(c);
        } else {
            cr_assert_eq(st, TWC_ECORRUPT, "variant %d: %s", variant, err);
        }
        unlink(p);
    }
}

Test(core_open, random_garbage_is_corrupt)
{
    unsigned char junk[8192];
    unsigned s = 12345;
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char)((s = s * 1103515245u + 12345u) >> 16);
        if (round & 1) { /* a valid ELF core identity in front of garbage reaches the deeper checks */
            Elf64_Ehdr eh;
            memcpy(&eh, junk, sizeof eh);
            memcpy(eh.e_ident, ELFMAG, SELFMAG);
            eh.e_ident[EI_CLASS] = ELFCLASS64;
            eh.e_ident[EI_DATA] = ELFDATA2LSB;
            eh.e_type = ET_CORE;
            eh.e_machine = EM_X86_64;
            eh.e_phentsize = sizeof(Elf64_Phdr);
            eh.e_phoff = 64 + (round % 7) * 8;
            eh.e_phnum = (uint16_t)(1 + round % 100);
            memcpy(junk, &eh, sizeof eh);
        }
        char *p = tmpfile_with(junk, sizeof junk);
        int st;
        char err[256];
        struct twcf_core *c = twcf_open(p, &st, err, sizeof err);
        if (c) {
            uint64_t r;
            char b[64];
            for (int k = 0; k < 16; k++)
                (void)twcf_read(c, (uint64_t)k << 12, b, sizeof b);
            (void)twcf_find_region(c, &r, err, sizeof err);
            twcf_close(c);
        } else {
            cr_assert_eq(st, TWC_ECORRUPT);
        }
        unlink(p);
    }
}

/* gdb writes 1 as NT_FILE's page size; the magic scan once stepped by it, byte by byte,
 * taking minutes on a 17 MB core. Bounded here: one pass over the page starts. */
Test(core_region, core_without_region_says_so_quickly, .timeout = 10)
{
    int st;
    char err[256] = "";
    struct twcf_core *c = twcf_open(fx("plain.core"), &st, err, sizeof err);
    cr_assert(c, "%s", err);
    uint64_t a;
    cr_assert_eq(twcf_find_region(c, &a, err, sizeof err), TWC_ENOREGION);
    cr_assert(strstr(err, "no TurboWish region"), "%s", err);
    twcf_close(c);
}
