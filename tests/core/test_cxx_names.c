/* C++ names as users write them (core/cxx_names.c): the toolchain's demangler, a function's
 * name without its parameters (a thread named after its start function), and which source
 * files are the toolchain's (a libstdc++ header line is never the user's line). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

Test(cxx_names, demangles_with_the_toolchains_demangler)
{
    char *d = twc__demangle("_ZL8transferR7AccountS0_l");
    cr_assert_not_null(d);
    cr_expect_str_eq(d, "transfer(Account&, Account&, long)");
    free(d);
    d = twc__demangle("_ZL3bob");
    cr_assert_not_null(d);
    cr_expect_str_eq(d, "bob");
    free(d);
    /* .dynsym readers append the symbol version */
    d = twc__demangle("_ZNSt28__atomic_futex_unsigned_base19_M_futex_notify_allEPj@@GLIBCXX_3.4.21");
    cr_assert_not_null(d);
    cr_expect_str_eq(d, "std::__atomic_futex_unsigned_base::_M_futex_notify_all(unsigned int*)");
    free(d);
}

Test(cxx_names, leaves_c_names_alone)
{
    cr_expect_null(twc__demangle("pthread_mutex_lock"));
    cr_expect_null(twc__demangle("_Znot_a_mangling"));
    char buf[64];
    const char *n = "main";
    cr_expect_eq(twc__demangled_or(n, buf, sizeof buf), n);
}

Test(cxx_names, strips_the_parameter_list_only)
{
    char a[] = "transfer(Account&, Account&, long)", b[] = "Worker::run() const",
         c[] = "Pool<std::function<void ()> >::loop()", d[] = "main";
    twc__strip_params(a); twc__strip_params(b); twc__strip_params(c); twc__strip_params(d);
    cr_expect_str_eq(a, "transfer");
    cr_expect_str_eq(b, "Worker::run");
    cr_expect_str_eq(c, "Pool<std::function<void ()> >::loop");
    cr_expect_str_eq(d, "main");
}

Test(cxx_names, toolchain_sources_are_not_the_users)
{
    cr_expect(twc__is_toolchain_source("/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h"));
    cr_expect(twc__is_toolchain_source("/usr/include/c++/12/condition_variable"));
    cr_expect(twc__is_toolchain_source("/usr/include/c++/12/bits/atomic_futex.h"));
    cr_expect(twc__is_toolchain_source("/usr/lib/llvm-14/include/c++/v1/__mutex_base"));
    cr_expect(twc__is_toolchain_source("./nptl/pthread_mutex_lock.c"));
    cr_expect(!twc__is_toolchain_source("/work/bank/bank.cpp"));
    cr_expect(!twc__is_toolchain_source("bank.cpp"));
    cr_expect(!twc__is_toolchain_source("/home/me/src/bitsy/main.cpp"));
}

Test(cxx_names, cxx20_classes_say_what_their_futex_means)
{
    cr_expect_eq(twc__cxx_kind_of_class("latch"), TW_RES_BARRIER);
    cr_expect_eq(twc__cxx_kind_of_class("barrier<std::__empty_completion>"), TW_RES_BARRIER);
    cr_expect_eq(twc__cxx_kind_of_class("counting_semaphore<4>"), TW_RES_SEMAPHORE);
    cr_expect_eq(twc__cxx_kind_of_class("__atomic_semaphore"), TW_RES_SEMAPHORE);
    /* std::atomic<T>::wait: anyone may store and notify, nothing more to say than "other", but
     * a C++ wait object all the same (the adapter's sessions make it a resource: kernel_objects.c) */
    cr_expect_eq(twc__cxx_kind_of_class("atomic<int>"), TW_RES_OTHER);
    cr_expect_eq(twc__cxx_kind_of_class("atomic_flag"), 0);
    cr_expect_eq(twc__cxx_kind_of_class("latched"), 0);
    cr_expect_eq(twc__cxx_kind_of_class(NULL), 0);
}

Test(cxx_names, a_thread_named_like_its_program_is_unnamed)
{
    cr_expect(twc__program_named("/x/cpp-bank", "cpp-bank"));
    /* a live comm keeps 15 bytes, a core's NT_PRPSINFO 16 */
    cr_expect(twc__program_named("/x/cpp-future-libcxx", "cpp-future-libc"));
    cr_expect(twc__program_named("/x/cpp-future-libcxx", "cpp-future-libcx"));
    cr_expect(!twc__program_named("/x/cpp-bank", "cpp-ban"));
    cr_expect(!twc__program_named("/x/cpp-bank", "transfer"));
    cr_expect(!twc__program_named(NULL, "cpp-bank"));
}

/* core/cxx_proxies.c: the objects libstdc++ waits on in the user's place. The pool's symbol is
 * matched demangled (the console's names are demangled by symbols.c before they get here). */
Test(cxx_names, libstdcxx_wait_pool_is_recognised)
{
    cr_expect(twc__is_wait_pool("std::__detail::__waiter_pool_base::_S_for(void const*)::__w+0x740"));
    cr_expect(!twc__is_wait_pool("sync_point"));
    cr_expect(!twc__is_wait_pool(NULL));
}

Test(cxx_names, condition_variable_any_mutex_is_named_by_its_path)
{
    char out[64];
    cr_assert_eq(twc__cv_any_mutex_name("condition_variable_any", "jobs", out, sizeof out), 0);
    cr_expect_str_eq(out, "*jobs._M_mutex");
    /* a plain condition_variable's mutex is the user's own: left to the symbols */
    cr_expect_neq(twc__cv_any_mutex_name("condition_variable", "cv", out, sizeof out), 0);
    cr_expect_neq(twc__cv_any_mutex_name("condition_variable_any", "", out, sizeof out), 0);
}
