/* Rust's legacy symbols, demangled as Rust users write them (core/rust_names.c): the names
 * __cxa_demangle leaves with Rust's escapes and hash, and names that are not Rust left alone. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "internal.h"

static void expect(const char *mangled, const char *want)
{
    char *d = twc__demangle(mangled);
    cr_assert_not_null(d, "%s did not demangle", mangled);
    cr_expect_str_eq(d, want, "%s", mangled);
    free(d);
}

Test(rust_names, a_static_loses_its_hash)
{
    expect("_ZN23tokio_lock_across_await6CONFIG17hbd5cb1927ce5fd7bE", "tokio_lock_across_await::CONFIG");
}

Test(rust_names, escapes_of_a_trait_impl_and_a_closure)
{
    expect("_ZN97_$LT$core..future..from_generator..GenFuture$LT$T$GT$$u20$as$u20$core..future..future..Future$GT$4poll17h54250d79e2f31968E",
           "<core::future::from_generator::GenFuture<T> as core::future::future::Future>::poll");
    expect("_ZN23tokio_lock_across_await6reader28_$u7b$$u7b$closure$u7d$$u7d$17h6c9cdc0c391aecddE",
           "tokio_lock_across_await::reader::{{closure}}");
}

Test(rust_names, cxx_names_are_left_alone)
{
    expect("_ZN7Account8withdrawEl", "Account::withdraw(long)");
    char s[] = "std::thread::id::h12"; /* too short a hash to be Rust's */
    cr_expect_eq(twc__rust_legacy_name(s), 0);
    cr_expect_str_eq(s, "std::thread::id::h12");
}
