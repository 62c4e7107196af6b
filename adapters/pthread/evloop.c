/* evloop.c — the waits of an event loop: epoll_wait, epoll_pwait, epoll_pwait2, poll, ppoll, select,
 * pselect.
 *
 * A thread that waits in one of these runs an event loop (redis's aeMain, libevent, libuv): the
 * stretch between its return from a loop wait and its next loop wait is its poll, like a
 * runtime task's. Each loop wait is recorded as a wait on the outside world (TW_WAIT_IO, never
 * part of a certain deadlock) with TW_AWAIT_LOOP, which the shim turns into the task flags
 * TW_TF_LOOP (this thread is a loop, for good) and TW_TF_LOOP_WAIT (it is idle now). Readers
 * then tell an idle loop (healthy) from a loop stuck in a nanosleep, a mutex or a blocking read
 * inside its poll (blocking_in_poll) or computing (long_poll). The cost is the flag bit in the
 * wait this wrapper records anyway: no extra store, event, syscall or atomic.
 * A zero timeout does not block: such a call is a look inside the poll, not the end of it (redis
 * checks for events that way during a long script), and is not recorded. errno is the real
 * call's. */
#include <dlfcn.h>
#include <signal.h>
#include "twp.h"

/* like TWP_AROUND, for a loop wait */
#define LOOP_WAIT(timed, call, what)                                                              \
    tw_task_t t;                                                                                   \
    if (!twp_enter(&t))                                                                            \
        return call;                                                                               \
    return TWP_WAIT_AROUND(t, twp_site(__builtin_return_address(0), what), TW_WAIT_IO, 0,          \
                           ((timed) ? TW_AWAIT_TIMED : 0) | TW_AWAIT_LOOP, call)

/* ppoll, pselect and epoll_pwait2 are not in twp_real: resolved here, once */
static int (*real_ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
static int (*real_epoll_pwait2)(int, struct epoll_event *, int, const struct timespec *, const sigset_t *);
static int (*real_pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *);
#define REAL_HERE(var, name) \
    (TWP_LIKELY(var != NULL) ? var : (__atomic_store_n(&var, (__typeof__(var))dlsym(RTLD_NEXT, name), __ATOMIC_RELEASE), var))

static int zero_ts(const struct timespec *ts) { return ts && ts->tv_sec == 0 && ts->tv_nsec == 0; }

TWP_EXPORT int poll(struct pollfd *fds, nfds_t n, int ms)
{
    if (ms == 0)
        return TWP_REAL(poll)(fds, n, ms);
    LOOP_WAIT(ms > 0, TWP_REAL(poll)(fds, n, ms), "poll");
}
TWP_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
    if (zero_ts(ts))
        return REAL_HERE(real_ppoll, "ppoll")(fds, n, ts, mask);
    LOOP_WAIT(ts != NULL, REAL_HERE(real_ppoll, "ppoll")(fds, n, ts, mask), "ppoll");
}
TWP_EXPORT int epoll_wait(int ep, struct epoll_event *ev, int n, int ms)
{
    if (ms == 0)
        return TWP_REAL(epoll_wait)(ep, ev, n, ms);
    LOOP_WAIT(ms > 0, TWP_REAL(epoll_wait)(ep, ev, n, ms), "epoll_wait");
}
/* libuv's loop blocks here */
TWP_EXPORT int epoll_pwait(int ep, struct epoll_event *ev, int n, int ms, const sigset_t *mask)
{
    if (ms == 0)
        return TWP_REAL(epoll_pwait)(ep, ev, n, ms, mask);
    LOOP_WAIT(ms > 0, TWP_REAL(epoll_pwait)(ep, ev, n, ms, mask), "epoll_pwait");
}
/* glibc 2.35's, with a nanosecond timeout (NULL: none) */
TWP_EXPORT int epoll_pwait2(int ep, struct epoll_event *ev, int n, const struct timespec *ts, const sigset_t *mask)
{
    if (zero_ts(ts))
        return REAL_HERE(real_epoll_pwait2, "epoll_pwait2")(ep, ev, n, ts, mask);
    LOOP_WAIT(ts != NULL, REAL_HERE(real_epoll_pwait2, "epoll_pwait2")(ep, ev, n, ts, mask), "epoll_pwait2");
}
TWP_EXPORT int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    if (tv && tv->tv_sec == 0 && tv->tv_usec == 0)
        return TWP_REAL(select)(n, r, w, e, tv);
    LOOP_WAIT(tv != NULL, TWP_REAL(select)(n, r, w, e, tv), "select");
}
TWP_EXPORT int pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts, const sigset_t *mask)
{
    if (zero_ts(ts))
        return REAL_HERE(real_pselect, "pselect")(n, r, w, e, ts, mask);
    LOOP_WAIT(ts != NULL, REAL_HERE(real_pselect, "pselect")(n, r, w, e, ts, mask), "pselect");
}
