/* rust_names.c — Rust symbols as Rust users write them: `tokio_lock_across_await::CONFIG`, not
 * `tokio_lock_across_await::CONFIG::h9b2c…`; `<GenFuture<T> as Future>::poll`, not
 * `_$LT$core..future..from_generator..GenFuture$LT$T$GT$$u20$as$u20$…`.
 *
 * rustc's legacy mangling (the default up to and including Debian's 1.63) is the Itanium one,
 * so __cxa_demangle already reads the path; but each segment keeps Rust's escapes and the path
 * ends in a hash segment that only tells two builds of a crate apart. The rules are
 * rustc-demangle's (the crate every Rust backtrace uses): `$LT$` <, `$GT$` >, `$RF$` &, `$BP$` *,
 * `$SP$` @, `$LP$` (, `$RP$` ), `$C$` `,`, `$uXX$` the character XX, `..` `::`, and a segment's
 * leading `_` before a `$` dropped. A name that is not exactly this shape is left alone. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static int escape(const char *p, size_t len, char *out)
{
    static const struct { const char *e; char c; } tab[] = {
        {"SP", '@'}, {"BP", '*'}, {"RF", '&'}, {"LT", '<'}, {"GT", '>'}, {"LP", '('}, {"RP", ')'}, {"C", ','},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (len == strlen(tab[i].e) && !memcmp(p, tab[i].e, len)) { *out = tab[i].c; return 0; }
    unsigned v;
    if (len >= 2 && len <= 3 && p[0] == 'u' && sscanf(p + 1, "%2x", &v) == 1 && v >= 0x20 && v < 0x7f) {
        *out = (char)v;
        return 0;
    }
    return -1;
}

int twc__rust_legacy_name(char *s)
{
    size_t n = strlen(s);
    if (n < 20 || strncmp(s + n - 19, "::h", 3) != 0) return 0;
    for (size_t i = n - 16; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    s[n - 19] = 0;
    char *w = s;
    for (const char *r = s; *r;) {
        int seg_start = r == s || (r - s >= 2 && r[-1] == ':' && r[-2] == ':');
        if (seg_start && r[0] == '_' && r[1] == '$') { r++; continue; }
        if (r[0] == '.' && r[1] == '.') { *w++ = ':'; *w++ = ':'; r += 2; continue; }
        const char *end = r[0] == '$' ? strchr(r + 1, '$') : NULL;
        char c;
        if (end && escape(r + 1, (size_t)(end - r - 1), &c) == 0) { *w++ = c; r = end + 1; continue; }
        *w++ = *r++;
    }
    *w = 0;
    return 1;
}

/* A Rust user reads a blocked thread by the std call they wrote — `CONFIG.lock()` is
 * std::sync::mutex::Mutex<T>::lock, as C's reads pthread_mutex_lock — not by the futex_wait,
 * park or nanosleep std makes underneath. That call is the function the user's line called (the
 * place just inside the user's, user_site.c), when it is Rust library code: std's sources or a
 * registry crate's. C and C++ keep the libc call: their std::mutex::lock wraps it one to one. */
int twc__rust_api_call(const struct twc__place *callee, char *out, size_t n)
{
    size_t len = strlen(callee->file);
    if (!callee->func[0] || len < 3 || strcmp(callee->file + len - 3, ".rs") != 0 ||
        !twc__is_toolchain_source(callee->file))
        return 0;
    snprintf(out, n, "%s", callee->func);
    twc__strip_params(out);
    return 1;
}
