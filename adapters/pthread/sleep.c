/* sleep.c — sleeps and I/O multiplexing as waits, so a thread sleeping or polling is shown
 * WAITING on time (TW_WAIT_TIMER) or the outside world (TW_WAIT_IO) rather than busy: neither
 * is ever part of a certain deadlock, and neither counts as a long poll. errno is the real
 * call's. */
#include <errno.h>
#include "twp.h"

#define AROUND TWP_AROUND

TWP_EXPORT int nanosleep(const struct timespec *req, struct timespec *rem)
{ AROUND(TW_WAIT_TIMER, 1, TWP_REAL(nanosleep)(req, rem), "nanosleep"); }
TWP_EXPORT int clock_nanosleep(clockid_t c, int f, const struct timespec *req, struct timespec *rem)
{ AROUND(TW_WAIT_TIMER, 1, TWP_REAL(clock_nanosleep)(c, f, req, rem), "clock_nanosleep"); }
TWP_EXPORT int usleep(useconds_t us) { AROUND(TW_WAIT_TIMER, 1, TWP_REAL(usleep)(us), "usleep"); }
TWP_EXPORT unsigned sleep(unsigned s) { AROUND(TW_WAIT_TIMER, 1, TWP_REAL(sleep)(s), "sleep"); }
/* zero timeouts do not block: not recorded */
TWP_EXPORT int poll(struct pollfd *fds, nfds_t n, int ms)
{
    if (ms == 0)
        return TWP_REAL(poll)(fds, n, ms);
    AROUND(TW_WAIT_IO, ms > 0, TWP_REAL(poll)(fds, n, ms), "poll");
}
TWP_EXPORT int epoll_wait(int ep, struct epoll_event *ev, int n, int ms)
{
    if (ms == 0)
        return TWP_REAL(epoll_wait)(ep, ev, n, ms);
    AROUND(TW_WAIT_IO, ms > 0, TWP_REAL(epoll_wait)(ep, ev, n, ms), "epoll_wait");
}
/* libuv's loop blocks here */
TWP_EXPORT int epoll_pwait(int ep, struct epoll_event *ev, int n, int ms, const sigset_t *mask)
{
    if (ms == 0)
        return TWP_REAL(epoll_pwait)(ep, ev, n, ms, mask);
    AROUND(TW_WAIT_IO, ms > 0, TWP_REAL(epoll_pwait)(ep, ev, n, ms, mask), "epoll_pwait");
}
TWP_EXPORT int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    if (tv && tv->tv_sec == 0 && tv->tv_usec == 0)
        return TWP_REAL(select)(n, r, w, e, tv);
    AROUND(TW_WAIT_IO, tv != NULL, TWP_REAL(select)(n, r, w, e, tv), "select");
}
