/* loop.c — the loop as a task, polled once per iteration.
 *
 * An unreferenced prepare handle runs just before the loop blocks in the kernel: the loop task
 * then waits on I/O (timed when a timer bounds the wait) at the program's call of uv_run. The
 * first callback after the kernel returns (or the check handle, if no callback runs) resumes
 * it. So an iteration that runs a slow callback is a long poll of the loop as well as of the
 * handle whose callback it was.
 *
 * A thread is one task whatever adapters are loaded: when the pthread adapter is loaded too
 * (`tw run` with TW_UV=1), it already has a task for the thread that runs the loop and parks it
 * in the loop's epoll_wait itself; the loop is then that task, taken from the thread the first
 * time the loop runs on it, and this file only tracks its timers. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "twuv.h"

#define MAX_LOOPS 16
static struct twuv_loop loops[MAX_LOOPS];
__thread tw_task_t twuv_current;

/* libtw-pthread's, when it is loaded: the calling thread's task */
extern tw_task_t tw_pthread_thread_task(void) __attribute__((weak));

/* The loop runs on this thread now: with the pthread adapter, its task is the thread's. */
static void on_thread(struct twuv_loop *lp)
{
    if (lp->threads && !lp->task)
        lp->task = tw_pthread_thread_task();
}

void twuv_loop_wake(struct twuv_loop *lp)
{
    if (!lp->parked)
        return;
    lp->parked = 0;
    if (!lp->threads) { /* a thread's task is resumed by the pthread adapter, in epoll_wait */
        tw_poll_begin(lp->task);
        tw_await_end(lp->task);
    }
    twuv_timers_due(lp);
}

static void on_prepare(uv_prepare_t *p)
{
    struct twuv_loop *lp = p->data;
    on_thread(lp);
    twuv_loop_wake(lp);
    twuv_timers_due(lp);
    if (lp->threads) { /* the pthread adapter parks the thread's task in epoll_wait */
        lp->parked = 1;
        return;
    }
    int timeout = uv_backend_timeout(lp->loop);
    uint32_t site = lp->run_site ? lp->run_site : TW_AWAIT_SITE(uv_run);
    tw_await_begin(lp->task, site, timeout == 0 ? TW_WAIT_TIMER : TW_WAIT_IO, 0, timeout >= 0);
    tw_poll_end(lp->task, TW_POLL_PENDING);
    lp->parked = 1;
}

static void on_check(uv_check_t *c) { twuv_loop_wake(c->data); }

static int instrument(uv_loop_t *loop, struct twuv_loop **out)
{
    if (tw_state < 0 || !loop)
        return UV_ENOTSUP;
    for (int i = 0; i < MAX_LOOPS; i++)
        if (__atomic_load_n(&loops[i].loop, __ATOMIC_ACQUIRE) == loop) {
            *out = &loops[i];
            return UV_EALREADY;
        }
    for (int i = 0; i < MAX_LOOPS; i++) {
        uv_loop_t *z = NULL;
        struct twuv_loop *lp = &loops[i];
        if (!__atomic_compare_exchange_n(&lp->loop, &z, loop, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            continue;
        lp->threads = tw_pthread_thread_task != NULL;
        if (!lp->threads)
            lp->task = tw_task_spawn(loop == uv_default_loop() ? "uv default loop" : "uv loop", TW_SITE("tw_uv_instrument"), 0);
        lp->parked = 1; /* READY until the loop runs its first callback */
        uv_prepare_init(loop, &lp->prepare);
        uv_check_init(loop, &lp->check);
        lp->prepare.data = lp->check.data = lp;
        uv_prepare_start(&lp->prepare, on_prepare);
        uv_check_start(&lp->check, on_check);
        uv_unref((uv_handle_t *)&lp->prepare);
        uv_unref((uv_handle_t *)&lp->check);
        *out = lp;
        return 0;
    }
    return UV_ENOSPC;
}

TWUV_EXPORT int tw_uv_instrument(uv_loop_t *loop)
{
    struct twuv_loop *lp;
    return instrument(loop, &lp);
}

struct twuv_loop *twuv_loop_of(uv_loop_t *loop)
{
    for (int i = 0; i < MAX_LOOPS; i++)
        if (__atomic_load_n(&loops[i].loop, __ATOMIC_ACQUIRE) == loop)
            return &loops[i];
    static int auto_mode = -1;
    if (auto_mode < 0) {
        const char *e = getenv("TW_UV");
        auto_mode = e && *e && strcmp(e, "0") != 0;
    }
    struct twuv_loop *lp = NULL;
    if (auto_mode && instrument(loop, &lp) < 0 && !lp)
        return NULL;
    return lp;
}

/* uv_loop_close fails with UV_EBUSY while any handle is open, ours included: close ours first
 * (their close callbacks run in one non-blocking turn of the loop) so the program gets what it
 * would have got without us. */
static int (*real_loop_close)(uv_loop_t *);

TWUV_EXPORT int uv_loop_close(uv_loop_t *loop)
{
    if (!real_loop_close)
        real_loop_close = (int (*)(uv_loop_t *))dlsym(RTLD_NEXT, "uv_loop_close");
    for (int i = 0; i < MAX_LOOPS; i++) {
        struct twuv_loop *lp = &loops[i];
        if (__atomic_load_n(&lp->loop, __ATOMIC_ACQUIRE) != loop)
            continue;
        if (!uv_is_closing((uv_handle_t *)&lp->prepare)) {
            TWUV_REAL(close)((uv_handle_t *)&lp->prepare, NULL);
            TWUV_REAL(close)((uv_handle_t *)&lp->check, NULL);
            uv_run(loop, UV_RUN_NOWAIT);
        }
        int rc = real_loop_close(loop);
        if (rc == 0) {
            twuv_loop_wake(lp);
            if (!lp->threads) /* a thread's task ends with the thread, not with its loop */
                tw_task_done(lp->task, 0);
            __atomic_store_n(&lp->loop, NULL, __ATOMIC_RELEASE);
        }
        return rc;
    }
    return real_loop_close(loop);
}

/* uv_run stands in front of libuv's to learn where the program runs the loop: the site the
 * loop task waits at (its frame when called from inside a library, like twp_site's). */
static int (*real_run)(uv_loop_t *, uv_run_mode);

TWUV_EXPORT int uv_run(uv_loop_t *loop, uv_run_mode mode)
{
    if (!real_run)
        real_run = (int (*)(uv_loop_t *, uv_run_mode))dlsym(RTLD_NEXT, "uv_run");
    struct twuv_loop *lp = tw_state >= 0 ? twuv_loop_of(loop) : NULL;
    if (lp) {
        on_thread(lp);
        lp->run_site = twp_site_lookup(__builtin_return_address(0), "uv_run");
    }
    return real_run(loop, mode);
}
