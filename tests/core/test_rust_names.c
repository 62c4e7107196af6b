/* Rust's legacy symbols, demangled as Rust users write them (core/rust_names.c): the names
 * __cxa_demangle leaves with Rust's escapes and hash, and names that are not Rust left alone. */
#include <criterion/criterion.h>
#include <stdio.h>
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

/* The call a blocked Rust thread reads as: the std function the user's line called (the place
 * just inside the user's), not the futex_wait, park or nanosleep underneath; C++'s std::mutex
 * and the user's own functions are not named that way. */
static int api_of(const char *file, const char *func, char *out)
{
    struct twc__place callee = { "", 0, "" };
    snprintf(callee.file, sizeof callee.file, "%s", file);
    snprintf(callee.func, sizeof callee.func, "%s", func);
    return twc__rust_api_call(&callee, out, 256);
}

Test(rust_names, a_blocked_rust_thread_reads_as_the_std_call_the_user_made)
{
    char out[256];
    cr_assert(api_of("/usr/src/rustc-1.63.0/library/std/src/sync/mutex.rs", "std::sync::mutex::Mutex<T>::lock", out));
    cr_expect_str_eq(out, "std::sync::mutex::Mutex<T>::lock");
    cr_assert(api_of("/rustc/4b91a6ea7258a947e59c6522cd5898e7c0a6a88f/library/std/src/thread/mod.rs", "std::thread::sleep", out));
    cr_expect_str_eq(out, "std::thread::sleep");
    cr_assert(api_of("library/std/src/sync/mpsc/mod.rs", "std::sync::mpsc::Receiver<T>::recv", out));
    cr_expect_str_eq(out, "std::sync::mpsc::Receiver<T>::recv");
    /* a crate's blocking call (futures::executor::block_on) is named as well */
    cr_assert(api_of("/usr/share/cargo/registry/futures-executor-0.3.25/src/local_pool.rs",
                     "futures_executor::local_pool::block_on", out));
    cr_expect_str_eq(out, "futures_executor::local_pool::block_on");
}

Test(rust_names, cxx_and_the_users_own_functions_keep_the_libc_call)
{
    char out[256] = "";
    cr_expect_not(api_of("/usr/include/c++/12/bits/std_mutex.h", "std::mutex::lock()", out));
    cr_expect_not(api_of("/work/app/src/main.rs", "app::block_on<F>", out));   /* the user's line itself */
    cr_expect_not(api_of("", "", out));                                         /* the user's line is the innermost */
}

/* The text and JSON read the std call; a sleep or a join is named without an object. */
Test(rust_names, blocked_in_names_the_std_call)
{
    struct blocked_poll bp = { .tid = 7, .block = TWC_BLOCK_UNKNOWN, .call = "futex_wait",
                               .api_call = "std::sync::mutex::Mutex<T>::lock", .object = 0x1000,
                               .object_name = "app::CONFIG", .file = "src/main.rs", .line = 34 };
    struct sbuf b; twc__sb_init(&b);
    twc__blocked_poll_text(&bp, &b);
    cr_expect_str_eq(b.p, "blocked in std::sync::mutex::Mutex<T>::lock(&app::CONFIG) at src/main.rs:34");
    twc__sb_free(&b);
    bp = (struct blocked_poll){ .tid = 7, .block = TWC_BLOCK_SLEEP, .timed = 1, .call = "sleep",
                                .api_call = "std::thread::sleep", .file = "src/main.rs", .line = 35 };
    twc__sb_init(&b);
    twc__blocked_poll_text(&bp, &b);
    cr_expect_str_eq(b.p, "blocked in std::thread::sleep at src/main.rs:35");
    twc__sb_free(&b);
    bp.api_call = NULL;   /* C: the libc call, as before */
    twc__sb_init(&b);
    twc__blocked_poll_text(&bp, &b);
    cr_expect_str_eq(b.p, "blocked in a sleep at src/main.rs:35");
    twc__sb_free(&b);
}
