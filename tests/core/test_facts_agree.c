/* Two attach-only samples agree (twc_facts_agree) only when nothing moved: not the waits, not the
 * objects, and not the blocked threads themselves (their context switches while the process ran
 * between the samples). And which first samples need a second (twc_facts_need_second_sample). */
#include <criterion/criterion.h>
#include "tw_region.h"
#include "twcore.h"

static struct twc_fact_thread waiter(uint64_t switches)
{
    struct twc_fact_thread t = {.tid = 41, .name = "w", .block = TWC_BLOCK_SEM, .object = 0x1000,
                                .switches = switches};
    return t;
}

static struct twc_facts one(struct twc_fact_thread *t, struct twc_fact_object *o)
{
    struct twc_facts f = {.threads = t, .nthreads = 1, .objects = o, .nobjects = 1};
    return f;
}

Test(facts_agree, alike_stops_agree_when_the_blocked_thread_did_not_run)
{
    struct twc_fact_object o = {.addr = 0x1000, .kind = TW_RES_SEMAPHORE, .value = 0};
    struct twc_fact_thread a = waiter(17), b = waiter(17);
    struct twc_facts fa = one(&a, &o), fb = one(&b, &o);
    cr_assert_eq(twc_facts_agree(&fa, &fb), 1);
}

Test(facts_agree, alike_stops_differ_when_the_blocked_thread_ran_between)
{
    struct twc_fact_object o = {.addr = 0x1000, .kind = TW_RES_SEMAPHORE, .value = 0};
    struct twc_fact_thread a = waiter(17), b = waiter(23);
    struct twc_facts fa = one(&a, &o), fb = one(&b, &o);
    cr_assert_eq(twc_facts_agree(&fa, &fb), 0, "a thread that switched between the samples is not stuck");
}

/* A count the frontend could not read — or read while the thread was still stopped (lldb-server
 * on a loaded host held alarm_sem's thread in signal stops through a whole run window, and two
 * equal counts made a healthy program certain) — proves nothing: alike stops are not enough. */
Test(facts_agree, unknown_counts_prove_nothing)
{
    struct twc_fact_object o = {.addr = 0x1000, .kind = TW_RES_SEMAPHORE, .value = 0};
    struct twc_fact_thread a = waiter(0), b = waiter(23);
    struct twc_facts fa = one(&a, &o), fb = one(&b, &o);
    cr_assert_eq(twc_facts_agree(&fa, &fb), 0);
    struct twc_fact_thread c = waiter(23), d = waiter(23);
    fa = one(&c, &o), fb = one(&d, &o);
    cr_assert_eq(twc_facts_agree(&fa, &fb), 1, "known counts that did not move: stuck");
}

Test(facts_agree, a_changed_object_differs)
{
    struct twc_fact_object o1 = {.addr = 0x1000, .kind = TW_RES_SEMAPHORE, .value = 0};
    struct twc_fact_object o2 = {.addr = 0x1000, .kind = TW_RES_SEMAPHORE, .value = 1};
    struct twc_fact_thread a = waiter(5), b = waiter(5);
    struct twc_facts fa = one(&a, &o1), fb = one(&b, &o2);
    cr_assert_eq(twc_facts_agree(&fa, &fb), 0);
}

Test(facts_agree, semaphore_wait_needs_a_second_sample_a_mutex_does_not)
{
    struct twc_fact_object o = {.addr = 0x1000, .kind = TW_RES_SEMAPHORE, .value = 0};
    struct twc_fact_thread a = waiter(0);
    struct twc_facts f = one(&a, &o);
    cr_assert_eq(twc_facts_need_second_sample(&f), 1);
    a.block = TWC_BLOCK_MUTEX;
    cr_assert_eq(twc_facts_need_second_sample(&f), 0);
}
