/* user_names.c — an instrumented C++ program read as C++ (DESIGN.md "Names"), for region
 * sessions. The pthread adapter names what it can from inside the program, with no demangler
 * and no DWARF inline chains: a mutex member of `static Account bob` is "_ZL3bob", a std::thread
 * is named after libstdc++'s trampoline ("libstdc++.so.6+0xd4490") since its real start
 * function hides behind a std::thread::_State object, and the site of a std::lock_guard is
 * gthr-default.h:749 in "_ZL8transferR7AccountS0_l". The frontend lends the threads' frames
 * (twc_set_frames); with them and the executable this pass gives, before each command:
 *   - a resource named by a mangled symbol its DWARF path ("bob.m", symbols.c);
 *   - a thread task waiting at a toolchain header line (where its frames show it) the user's
 *     own line (user_site.c);
 *   - a thread task nobody named (the program's name, the adapter's "thread" or "OBJ+0xOFF"
 *     trampoline name) its start function ("transfer");
 *   - every site's function demangled.
 * Attach-only sessions get the same in facts.c, so every mode prints the same names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define USER_STR_BASE 0xffe00000u  /* below kernel_waits.c's synthetic strings, above any arena */

/* A string of our own in the session's string space: its offset, 0 when out of memory. */
static uint32_t own_string(struct twc_session *s, const char *str) { return twc__lazy_copy(s, USER_STR_BASE, str); }

static uint32_t add_site(struct twc_session *s, const struct tw_site_rec *like, const struct twc__place *p)
{
    struct tw_site_rec *grown = realloc(s->sites, (s->nsites + 1) * sizeof *s->sites);
    if (!grown) return 0;
    s->sites = grown;
    struct tw_site_rec *r = &s->sites[s->nsites];
    *r = *like;
    r->file = own_string(s, p->file);
    r->line = p->line > 0 ? (uint32_t)p->line : 0;
    r->func = own_string(s, p->func);
    return (uint32_t)s->nsites++;
}

int twc__program_named(const char *exe, const char *name)
{
    if (!exe || !name || !name[0]) return 0;
    const char *b = strrchr(exe, '/');
    b = b ? b + 1 : exe;
    size_t n = strlen(name);
    /* the whole name, or cut: a live comm keeps 15 bytes, a core's NT_PRPSINFO 16 */
    return strncmp(b, name, n) == 0 && (n == strlen(b) || n == 15 || n == 16);
}

/* A name the adapter gives a thread nobody named: the program's own, "thread", or the
 * trampoline's place "libstdc++.so.6+0xd4490". */
int twc__unnamed_thread(const char *exe, const char *name)
{
    if (!strcmp(name, "thread")) return 1;
    const char *plus = strstr(name, "+0x");
    if (plus && strstr(name, ".so") && strstr(name, ".so") < plus) return 1;
    return twc__program_named(exe, name);
}

/* The adapter's site is the line of the thread's first frame in the executable, by base name
 * ("gthr-default.h"): the frames lent show the thread still there when that place is it. */
static int same_place(struct twc_session *s, const struct tw_site_rec *site, const struct twc__place *at)
{
    const char *f = twc__str_at(s, site->file), *b = strrchr(at->file, '/'), *fb = strrchr(f, '/');
    b = b ? b + 1 : at->file;
    fb = fb ? fb + 1 : f;
    return site->line == (uint32_t)at->line && !strcmp(b, fb);
}

static void demangle_sites(struct twc_session *s)
{
    char buf[256];
    for (size_t i = 1; i < s->nsites; i++) {
        const char *f = twc__str_at(s, s->sites[i].func);
        const char *d = twc__demangled_or(f, buf, sizeof buf);
        if (d != f) s->sites[i].func = own_string(s, d);
    }
}

static void name_resources(struct twc_session *s, struct model *m, const char *exe)
{
    for (size_t i = 0; i < m->nres; i++) {
        struct mres *r = &m->res[i];
        const char *n = twc__str_at(s, r->name);
        if (strncmp(n, "_Z", 2) != 0) continue;
        char *better = twc__symbolize_symbol(exe, n);
        if (better) { r->name = own_string(s, better); free(better); }
    }
}

void twc__user_names_apply(struct twc_session *s, struct model *m)
{
    uint64_t bias;
    const char *exe = twc__stack_names_exe(s->stack_names, &bias);
    if (!exe || s->facts) return;
    if (s->sites_loaded && !s->sites_demangled) { demangle_sites(s); s->sites_demangled = 1; }
    name_resources(s, m, exe);
    for (size_t i = 0; i < m->ntasks; i++) {
        struct mtask *t = &m->tasks[i];
        if (!(t->flags & TW_TF_ROOT) || !t->os_tid) continue;
        char start[256];
        if (twc__unnamed_thread(exe, twc__str_at(s, t->name)) &&
            twc__start_function(s->stack_names, t->os_tid, start, sizeof start) == 0 && strcmp(start, "main") != 0)
            t->name = own_string(s, start);
        const struct tw_site_rec *site = s->sites_loaded ? twc__site_at(s, t->await_site) : NULL;
        struct twc__place p, at;
        if (site && twc__user_site(s->stack_names, t->os_tid, &p, &at, NULL) == 0 && same_place(s, site, &at) &&
            twc__is_toolchain_source(at.file)) {
            uint32_t k = add_site(s, site, &p);
            if (k) t->await_site = k;
        }
    }
}
