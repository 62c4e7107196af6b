/* crash — a task dereferences NULL while it runs: the post-mortem example. Unlike the others it
 * does not stay: once every task is in place it prints `tw-example: ready` and crashes with
 * SIGSEGV, so the kernel's core (ulimit -c unlimited) is what you ask:
 *     tw tasks --core core --exe build/examples/crash
 * One worker makes the states at the crash certain:
 *   crasher   polling (running: it is the one on the worker when the fault hits)
 *   holder    waiting (a timer) while holding the mutex "vault"
 *   waiter    waiting for "vault"
 *   sleeper   waiting (a timer)
 *   yielder   ready (it yields in a loop, so it is queued behind the crasher) */
#include <stdatomic.h>
#include <stdio.h>
#include "ready.h"
#include "twrt.h"

static twrt_mutex *vault;
static atomic_int holding, reaching;

static void *holder(void *arg)
{
    (void)arg;
    twrt_mutex_lock(vault);
    atomic_store(&holding, 1);
    for (;;) twrt_sleep_ms(60000);
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    atomic_store(&reaching, 1);
    twrt_mutex_lock(vault);   /* never granted: holder keeps it */
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;) twrt_sleep_ms(60000);
    return NULL;
}

static void *yielder(void *arg)
{
    (void)arg;
    for (;;) twrt_yield();
    return NULL;
}

static void *crasher(void *arg)
{
    (void)arg;
    volatile int *volatile nowhere = NULL;   /* volatile: the store is neither dropped nor made a trap */
    fputs("tw-example: ready\n", stdout);
    fflush(stdout);
    *nowhere = 42;
    return NULL;
}

int main(void)
{
    twrt_init(&(struct twrt_config){ .workers = 1 });
    vault = twrt_mutex_new("vault");
    twrt_detach(twrt_spawn("holder", holder, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&holding), 4000);
    twrt_detach(twrt_spawn("waiter", waiter, NULL));
    twrt_detach(twrt_spawn("sleeper", sleeper, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&reaching), 4000);
    usleep(100 * 1000);   /* let the waiter park on the lock and the sleeper on its timer */
    twrt_detach(twrt_spawn("yielder", yielder, NULL));
    twrt_detach(twrt_spawn("crasher", crasher, NULL));
    for (;;) pause();     /* the crasher ends the process */
}
