/* symbolize_test.c — libtwsym, the symbolizer of the console and of attach-only, on a binary
 * whose line table we know: this test itself. A call's return address must map back to the
 * call's own line and function, through the real load bias of this PIE (read from
 * /proc/self/maps, as for any target). Object files are input: truncated or scribbled copies
 * of this binary must give "unknown", never a crash or a wrong name. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tws.h"

__attribute__((noinline)) static void *return_address(void) {
    return __builtin_extract_return_addr(__builtin_return_address(0));
}

__attribute__((noinline)) void *known_caller(int *line) {
    void *ra = return_address(); *line = __LINE__;
    __asm__ volatile("" ::: "memory"); /* keep the call from being a tail call */
    return ra;
}

/* This process's space; the caller frees it with space_free. */
static struct tws_space self_space(struct tws_map **maps) {
    long n = tws_parse_maps(getpid(), maps);
    cr_assert_geq(n, 1, "cannot read /proc/self/maps");
    return (struct tws_space){*maps, (size_t)n, tws_cache_new()};
}

static void space_free(struct tws_space *s, struct tws_map *maps) {
    tws_cache_free(s->objs);
    tws_free_maps(maps, s->nmaps);
}

Test(symbolize, return_address_maps_to_the_calling_line_and_function) {
    int line = 0;
    void *ra = known_caller(&line);
    struct tws_map *maps;
    struct tws_space s = self_space(&maps);
    struct tws_info si;
    cr_assert_eq(tws_lookup(&s, (uint64_t)(uintptr_t)ra - 1, &si), 0, "address not in any module");
    cr_expect_str_eq(si.func, "known_caller");
    cr_expect(strstr(si.file, "symbolize_test.c") != NULL, "file is '%s'", si.file);
    cr_expect_eq(si.line, line, "line %d, expected %d", si.line, line);
    space_free(&s, maps);
}

Test(symbolize, function_entry_maps_to_its_symbol) {
    struct tws_map *maps;
    struct tws_space s = self_space(&maps);
    struct tws_info si;
    cr_assert_eq(tws_lookup(&s, (uint64_t)(uintptr_t)&known_caller, &si), 0);
    cr_expect_str_eq(si.func, "known_caller");
    cr_expect_eq(si.func_off, 0);
    space_free(&s, maps);
}

Test(symbolize, shared_library_symbol_honours_its_load_bias) {
    /* libc has no line table here, but its symbols must name getpid at getpid's address */
    struct tws_map *maps;
    struct tws_space s = self_space(&maps);
    struct tws_info si;
    cr_assert_eq(tws_lookup(&s, (uint64_t)(uintptr_t)&getpid, &si), 0);
    cr_expect(strstr(si.func, "getpid") != NULL, "got '%s'", si.func);
    cr_expect(strstr(si.object, "libc") != NULL, "object '%s'", si.object);
    space_free(&s, maps);
}

Test(symbolize, the_name_a_programmer_wrote_comes_first) {
    /* pthread_mutex_lock has aliases (__pthread_mutex_lock, ___pthread_mutex_lock with libc's
     * debug file): the global one without underscores is the one to show */
    struct tws_map *maps;
    struct tws_space s = self_space(&maps);
    struct tws_info si;
    cr_assert_eq(tws_lookup(&s, (uint64_t)(uintptr_t)&pthread_mutex_lock, &si), 0);
    cr_expect_str_eq(si.func, "pthread_mutex_lock");
    space_free(&s, maps);
}

Test(symbolize, unmapped_address_is_not_found) {
    struct tws_map *maps;
    struct tws_space s = self_space(&maps);
    struct tws_info si;
    cr_expect_eq(tws_lookup(&s, 16, &si), -1);
    space_free(&s, maps);
}

/* This test binary's path, and a copy of it at `copy` (a mkstemp template). */
static void copy_self(char *self, size_t n, char *copy, void (*spoil)(int fd, off_t size)) {
    ssize_t l = readlink("/proc/self/exe", self, n - 1);
    cr_assert_gt(l, 0);
    self[l] = 0;
    int in = open(self, O_RDONLY), out = mkstemp(copy);
    cr_assert(in >= 0 && out >= 0);
    char buf[65536];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0) cr_assert_eq(write(out, buf, (size_t)r), r);
    struct stat st;
    fstat(out, &st);
    if (spoil) spoil(out, st.st_size);
    close(in);
    close(out);
}

/* The real mappings, with this binary's renamed to `copy`. */
static struct tws_space space_with_copy(const char *self, const char *copy, struct tws_map **maps) {
    struct tws_space s = self_space(maps);
    for (size_t i = 0; i < s.nmaps; i++)
        if (!strcmp((*maps)[i].path, self)) {
            free((*maps)[i].path);
            (*maps)[i].path = strdup(copy);
        }
    return s;
}

/* A copy of this test binary, then changed by `spoil`, mapped where the real one is. */
static void lookup_in_spoiled_copy(void (*spoil)(int fd, off_t size), const char *what) {
    char self[4096], copy[] = "/tmp/tws_hostile.XXXXXX";
    copy_self(self, sizeof self, copy, spoil);
    struct tws_map *maps;
    struct tws_space s = space_with_copy(self, copy, &maps);
    int line = 0;
    void *ra = known_caller(&line);
    struct tws_info si;
    cr_expect_eq(tws_lookup(&s, (uint64_t)(uintptr_t)ra - 1, &si), 0, "%s: the mapping is still there", what);
    cr_expect(si.func[0] == 0 || !strcmp(si.func, "known_caller"), "%s: named '%s'", what, si.func);
    cr_expect(si.line == 0 || si.line == line, "%s: line %d", what, si.line);
    space_free(&s, maps);
    unlink(copy);
}

static void truncate_in_headers(int fd, off_t size) { (void)size; cr_assert_eq(ftruncate(fd, 100), 0); }
static void truncate_in_half(int fd, off_t size) { cr_assert_eq(ftruncate(fd, size / 2), 0); }
static void scribble_section_headers(int fd, off_t size) {
    /* e_shoff, e_shnum and every section header replaced by noise: offsets far past the end */
    uint64_t shoff;
    cr_assert_eq(pread(fd, &shoff, 8, 0x28), 8);
    unsigned char noise[4096];
    srand(7);
    for (size_t i = 0; i < sizeof noise; i++) noise[i] = (unsigned char)rand();
    if ((off_t)shoff < size) cr_assert_gt(pwrite(fd, noise, sizeof noise, (off_t)shoff), 0);
    uint16_t shnum = 0xfff0;
    cr_assert_eq(pwrite(fd, &shnum, 2, 0x3c), 2);
}
static void scribble_debug_info(int fd, off_t size) {
    /* every 4 KiB page past the first 64 KiB (the code the test runs) gets a run of 0xff */
    unsigned char ff[512];
    memset(ff, 0xff, sizeof ff);
    for (off_t at = 65536; at + (off_t)sizeof ff < size; at += 4096) cr_assert_gt(pwrite(fd, ff, sizeof ff, at), 0);
}

Test(symbolize, object_truncated_inside_its_headers_is_unknown_not_a_crash) {
    lookup_in_spoiled_copy(truncate_in_headers, "truncated at 100 bytes");
}
Test(symbolize, object_truncated_in_half_is_unknown_not_a_crash) {
    lookup_in_spoiled_copy(truncate_in_half, "truncated in half");
}
Test(symbolize, object_with_scribbled_section_headers_is_unknown_not_a_crash) {
    lookup_in_spoiled_copy(scribble_section_headers, "section headers scribbled");
}
Test(symbolize, object_with_scribbled_symbols_and_dwarf_is_not_a_crash) {
    lookup_in_spoiled_copy(scribble_debug_info, "symbols and DWARF scribbled");
}

/* A stripped copy whose symbols are in a separate file named by .gnu_debuglink (the test
 * binary's build id names nothing under /usr/lib/debug, so only the link can find it).
 * `spoil_debug` changes the debug file after the link recorded its CRC. */
static const char *func_in_stripped_copy(int spoil_debug, char *func, size_t n) {
    char self[4096], copy[] = "/tmp/tws_linked.XXXXXX", debug[64], cmd[8192];
    copy_self(self, sizeof self, copy, NULL);
    snprintf(debug, sizeof debug, "%s.debug", copy);
    snprintf(cmd, sizeof cmd, "objcopy --only-keep-debug %s %s && objcopy --strip-all --add-gnu-debuglink=%s %s",
             copy, debug, debug, copy);
    cr_assert_eq(system(cmd), 0, "objcopy failed: %s", cmd);
    if (spoil_debug) { /* one more byte: the CRC the link recorded no longer matches */
        int fd = open(debug, O_WRONLY | O_APPEND);
        cr_assert(fd >= 0 && write(fd, "x", 1) == 1);
        close(fd);
    }
    struct tws_map *maps;
    struct tws_space s = space_with_copy(self, copy, &maps);
    struct tws_info si;
    cr_assert_eq(tws_lookup(&s, (uint64_t)(uintptr_t)&known_caller, &si), 0);
    snprintf(func, n, "%s", si.func);
    space_free(&s, maps);
    unlink(debug);
    unlink(copy);
    return func;
}

Test(symbolize, stripped_object_is_named_from_its_debuglink_file) {
    char func[128];
    cr_expect_str_eq(func_in_stripped_copy(0, func, sizeof func), "known_caller");
}

Test(symbolize, debuglink_file_of_another_build_is_refused_by_its_crc) {
    char func[128];
    cr_expect_str_eq(func_in_stripped_copy(1, func, sizeof func), "");
}
