/* symbolize_test.c — the console's symboliser on a binary whose line table we know: this
 * test itself. A call's return address must map back to the call's own line and function,
 * through the real load bias of this PIE (read from /proc/self/maps, as for any target). */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>
#include "symbolize.h"

__attribute__((noinline)) static void *return_address(void) {
    return __builtin_extract_return_addr(__builtin_return_address(0));
}

__attribute__((noinline)) void *known_caller(int *line) {
    void *ra = return_address(); *line = __LINE__;
    __asm__ volatile("" ::: "memory"); /* keep the call from being a tail call */
    return ra;
}

Test(symbolize, return_address_maps_to_the_calling_line_and_function) {
    int line = 0;
    void *ra = known_caller(&line);
    struct symbolizer *s = sym_new();
    cr_assert_eq(sym_load_proc_maps(s, getpid()), 0);
    struct sym_info si;
    cr_assert_eq(sym_lookup(s, (uint64_t)(uintptr_t)ra - 1, &si), 0, "address not in any module");
    cr_expect_str_eq(si.func, "known_caller");
    cr_expect(strstr(si.file, "symbolize_test.c") != NULL, "file is '%s'", si.file);
    cr_expect_eq(si.line, line, "line %d, expected %d", si.line, line);
    sym_free(s);
}

Test(symbolize, function_entry_maps_to_its_symbol) {
    struct symbolizer *s = sym_new();
    sym_load_proc_maps(s, getpid());
    struct sym_info si;
    cr_assert_eq(sym_lookup(s, (uint64_t)(uintptr_t)&known_caller, &si), 0);
    cr_expect_str_eq(si.func, "known_caller");
    cr_expect_eq(si.func_off, 0);
    sym_free(s);
}

Test(symbolize, shared_library_symbol_honours_its_load_bias) {
    /* libc has no line table here, but its .dynsym must name getpid at getpid's address */
    struct symbolizer *s = sym_new();
    sym_load_proc_maps(s, getpid());
    struct sym_info si;
    cr_assert_eq(sym_lookup(s, (uint64_t)(uintptr_t)&getpid, &si), 0);
    cr_expect(strstr(si.func, "getpid") != NULL, "got '%s'", si.func);
    cr_expect(strstr(si.object, "libc") != NULL, "object '%s'", si.object);
    sym_free(s);
}

Test(symbolize, unmapped_address_is_not_found) {
    struct symbolizer *s = sym_new();
    sym_load_proc_maps(s, getpid());
    struct sym_info si;
    cr_expect_eq(sym_lookup(s, 16, &si), -1);
    sym_free(s);
}
