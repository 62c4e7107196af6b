/* cxx_names.c — names as C++ users write them: `transfer(Account&, Account&, long)` rather than
 * `_ZL8transferR7AccountS0_l`, `bob` rather than `_ZL3bob`, and which source files are the
 * toolchain's rather than the program's (a libstdc++ header line is never the user's line).
 *
 * The demangler is the toolchain's own, libstdc++'s __cxa_demangle (docs/design.md "Names as C++
 * users write them"): it is the one g++ pairs with its mangling, so new manglings (ABI tags,
 * C++20 constraints) are read the day the compiler emits them, with nothing of ours to keep up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status);

char *twc__demangle(const char *name)
{
    if (!name || strncmp(name, "_Z", 2) != 0) return NULL;
    /* a symbol version ("...EE@@GLIBCXX_3.4.21", as .dynsym readers spell it) is no mangling */
    char bare[1024];
    size_t n = strcspn(name, "@");
    if (n >= sizeof bare) return NULL;
    memcpy(bare, name, n);
    bare[n] = 0;
    int status = 0;
    char *d = __cxa_demangle(bare, NULL, NULL, &status);
    if (status != 0) { free(d); return NULL; }
    twc__rust_legacy_name(d); /* Rust's legacy mangling is Itanium's, plus escapes (rust_names.c) */
    return d;
}

const char *twc__demangled_or(const char *name, char *buf, size_t n)
{
    char *d = twc__demangle(name);
    if (!d) return name;
    snprintf(buf, n, "%s", d);
    free(d);
    return buf;
}

void twc__strip_params(char *func)
{
    /* the parameter list is the last top-level "(...)": "Worker::run() const" -> "Worker::run",
     * while "operator()" and template arguments with parentheses stay */
    int depth = 0;
    char *open = NULL;
    for (char *p = func; *p; p++) {
        if (*p == '<') depth++;
        else if (*p == '>' && depth) depth--;
        else if (*p == '(' && !depth && !(p > func + 7 && !strncmp(p - 8, "operator", 8))) { open = p; break; }
    }
    if (open && open > func) *open = 0;
}

/* Directories and names of system and toolchain sources: libstdc++'s and libc++'s headers,
 * glibc's headers and its own sources (as its debug info spells them, "./nptl/..."); Rust's
 * standard library (statically linked into every Rust executable, so "in the executable" does
 * not make it the user's: "/rustc/HASH/library/std/src/..." upstream, "library/std/src/..." or
 * "/usr/src/rustc-1.63.0/library/..." in Debian's) and the crates cargo builds from a registry
 * (tokio's own frames). */
static const char *const toolchain_prefixes[] = {
    "/usr/include/", "/usr/lib/gcc/", "/usr/lib/llvm-", "/usr/local/include/c++/", "./nptl/", "../sysdeps/",
    "./sysdeps/", "../nptl/", "bits/", "/rustc/", "/usr/src/rustc-",
};
static const char *const toolchain_parts[] = {
    "/include/c++/", "/libstdc++-v3/", "/libcxx/include/", "/bits/", "library/std/src/", "library/core/src/",
    "library/alloc/src/", "cargo/registry/",
};

int twc__is_toolchain_source(const char *file)
{
    if (!file || !file[0]) return 0;
    for (size_t i = 0; i < ARRAY_LEN(toolchain_prefixes); i++)
        if (!strncmp(file, toolchain_prefixes[i], strlen(toolchain_prefixes[i]))) return 1;
    for (size_t i = 0; i < ARRAY_LEN(toolchain_parts); i++)
        if (strstr(file, toolchain_parts[i])) return 1;
    return 0;
}
