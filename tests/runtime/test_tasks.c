/* test_tasks.c — spawning, joining, yielding, sleeping, parking and wakers, pausing, stacks. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "twrt.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *square(void *arg) { intptr_t x = (intptr_t)arg; return (void *)(x * x); }

Test(tasks, join_returns_the_result_from_a_thread_and_from_a_task)
{
    cr_assert_eq((intptr_t)twrt_join(twrt_spawn("sq", square, (void *)7)), 49);
}

static void *joiner(void *arg)
{
    (void)arg;
    intptr_t sum = 0;
    twrt_task *t[50];
    for (intptr_t i = 0; i < 50; i++) t[i] = twrt_spawn("sq", square, (void *)i);
    for (int i = 0; i < 50; i++) sum += (intptr_t)twrt_join(t[i]);
    return (void *)sum;
}

Test(tasks, a_task_joins_its_children)
{
    intptr_t want = 0;
    for (intptr_t i = 0; i < 50; i++) want += i * i;
    cr_assert_eq((intptr_t)twrt_join(twrt_spawn("joiner", joiner, NULL)), want);
}

static atomic_long turns[2];
static atomic_int stop_yield, go;

static void *yielder(void *arg)
{
    intptr_t me = (intptr_t)arg;
    while (!atomic_load(&go)) twrt_yield();   /* count only once all three share the worker */
    while (!atomic_load(&stop_yield)) {
        atomic_fetch_add(&turns[me], 1);
        twrt_yield();
    }
    return NULL;
}

static void *spinner_yielding(void *arg)
{
    (void)arg;
    atomic_store(&go, 1);
    for (int i = 0; i < 2000; i++) twrt_yield();
    atomic_store(&stop_yield, 1);
    return NULL;
}

Test(tasks, yielding_tasks_on_one_worker_take_fair_turns)
{
    struct twrt_config cfg = { .workers = 1 };
    twrt_init(&cfg);
    twrt_task *a = twrt_spawn("a", yielder, (void *)0), *b = twrt_spawn("b", yielder, (void *)1);
    twrt_task *s = twrt_spawn("s", spinner_yielding, NULL);
    twrt_join(s);
    twrt_join(a);
    twrt_join(b);
    long x = atomic_load(&turns[0]), y = atomic_load(&turns[1]);
    cr_assert(x > 1900 && y > 1900, "each yielder ran once per round of the spinner: %ld %ld", x, y);
    cr_assert(labs(x - y) <= 2, "FIFO run queue alternates: %ld vs %ld", x, y);
}

static void *sleeper(void *arg)
{
    uint64_t t0 = now_ms();
    twrt_sleep_ms((uint64_t)(intptr_t)arg);
    return (void *)(intptr_t)(now_ms() - t0);
}

Test(tasks, sleep_lasts_at_least_its_time_and_sleepers_overlap)
{
    uint64_t t0 = now_ms();
    twrt_task *t[100];
    for (int i = 0; i < 100; i++) t[i] = twrt_spawn("sleeper", sleeper, (void *)(intptr_t)100);
    for (int i = 0; i < 100; i++) cr_assert_geq((intptr_t)twrt_join(t[i]), 100);
    cr_assert_lt(now_ms() - t0, 2000, "100 sleeps of 100 ms run concurrently");
    cr_assert_eq(twrt_sleep_ms(1), -EPERM, "sleep outside a task is refused");
}

static twrt_waker *stored;
static atomic_int parked_once;

static void *parker(void *arg)
{
    (void)arg;
    stored = twrt_waker_get();
    atomic_store(&parked_once, 1);
    twrt_park();
    twrt_waker_drop(stored);
    return (void *)1;
}

Test(tasks, park_returns_when_a_kept_waker_is_woken_from_outside)
{
    twrt_task *t = twrt_spawn("parker", parker, NULL);
    while (!atomic_load(&parked_once)) usleep(1000);
    usleep(20000);
    twrt_wake(stored);
    cr_assert_eq((intptr_t)twrt_join(t), 1);
}

static void *self_waker(void *arg)
{
    (void)arg;
    twrt_waker *w = twrt_waker_get();
    twrt_waker *c = twrt_waker_clone(w);
    twrt_wake(c);          /* woken before parking: the park returns at once */
    twrt_park();
    twrt_waker_drop(c);
    twrt_waker_drop(w);
    return (void *)2;
}

Test(tasks, a_wake_before_park_is_not_lost)
{
    cr_assert_eq((intptr_t)twrt_join(twrt_spawn("self-waker", self_waker, NULL)), 2);
}

static atomic_long ticks;
static void *ticker(void *arg)
{
    (void)arg;
    for (;;) {
        atomic_fetch_add(&ticks, 1);
        twrt_sleep_ms(5);
    }
    return NULL;
}

/* Post a request into our own control area exactly as an outside process would. */
static void post(uint32_t id, int op)
{
    struct tw_header *h = tw_region;
    cr_assert_not_null(h, "instrumentation is on: the region exists");
    struct tw_control *c = (void *)((char *)h + h->control_offset);
    c->slot[0].task = id;
    c->slot[0].op = (uint32_t)op;
    __atomic_store_n(&c->slot[0].state, TW_CTL_POSTED, __ATOMIC_RELEASE);
    __atomic_add_fetch(&c->futex, 1, __ATOMIC_RELEASE);
}

Test(tasks, a_paused_task_is_not_scheduled_until_resumed)
{
    twrt_task *t = twrt_spawn("ticker", ticker, NULL);
    usleep(50000);
    post(twrt_task_id(t), TW_CTL_PAUSE);
    usleep(100000);                        /* the request takes effect within 100 ms */
    long a = atomic_load(&ticks);
    usleep(200000);
    cr_assert_eq(atomic_load(&ticks), a, "paused: no more ticks");
    post(twrt_task_id(t), TW_CTL_RESUME);
    usleep(100000);
    cr_assert_gt(atomic_load(&ticks), a, "resumed: ticking again");
}

static int deep(int n)
{
    volatile char pad[256];
    memset((char *)pad, n, sizeof pad);
    return n == 0 ? pad[3] : deep(n - 1) + pad[5];
}
static void *overflow(void *arg) { return (void *)(intptr_t)deep((int)(intptr_t)arg); }

Test(tasks, stack_overflow_faults_in_the_guard, .signal = SIGSEGV)
{
    twrt_join(twrt_spawn("overflow", overflow, (void *)100000));
}

static twrt_notify *gate;
static atomic_int arrived, released;
static void *at_gate(void *arg)
{
    (void)arg;
    atomic_fetch_add(&arrived, 1);
    twrt_notify_wait(gate);
    atomic_fetch_add(&released, 1);
    return NULL;
}

Test(tasks, one_hundred_thousand_live_tasks, .timeout = 400)
{
    enum { N = 100000 };
    static twrt_task *t[N];
    gate = twrt_notify_new("gate");
    for (int i = 0; i < N; i++) {
        t[i] = twrt_spawn("gated", at_gate, NULL);
        cr_assert_not_null(t[i], "task %d spawned", i);
    }
    while (atomic_load(&arrived) < N) usleep(1000);
    /* notify_all wakes only tasks already waiting: repeat until every task got through. */
    while (atomic_load(&released) < N) { twrt_notify_all(gate); usleep(1000); }
    for (int i = 0; i < N; i++) twrt_join(t[i]);
}
