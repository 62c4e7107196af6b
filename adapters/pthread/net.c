/* net.c — socket calls and waitpid that may block: waits on the outside world (TW_WAIT_IO),
 * never part of a certain deadlock, so a server thread blocked in accept or recv is shown as
 * waiting rather than as a long poll. Non-blocking calls (MSG_DONTWAIT, WNOHANG) are not
 * recorded. errno is the real call's. */
#include <errno.h>
#include <sys/wait.h>
#include "twp.h"

#define AROUND_IO(call, what) TWP_AROUND(TW_WAIT_IO, 0, call, what)

TWP_EXPORT int accept(int fd, struct sockaddr *a, socklen_t *l) { AROUND_IO(TWP_REAL(accept)(fd, a, l), "accept"); }
TWP_EXPORT int accept4(int fd, struct sockaddr *a, socklen_t *l, int f) { AROUND_IO(TWP_REAL(accept4)(fd, a, l, f), "accept4"); }
TWP_EXPORT int connect(int fd, const struct sockaddr *a, socklen_t l) { AROUND_IO(TWP_REAL(connect)(fd, a, l), "connect"); }

TWP_EXPORT ssize_t recv(int fd, void *b, size_t n, int f)
{
    if (f & MSG_DONTWAIT)
        return TWP_REAL(recv)(fd, b, n, f);
    AROUND_IO(TWP_REAL(recv)(fd, b, n, f), "recv");
}
TWP_EXPORT ssize_t recvfrom(int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *l)
{
    if (f & MSG_DONTWAIT)
        return TWP_REAL(recvfrom)(fd, b, n, f, a, l);
    AROUND_IO(TWP_REAL(recvfrom)(fd, b, n, f, a, l), "recvfrom");
}
TWP_EXPORT ssize_t recvmsg(int fd, struct msghdr *m, int f)
{
    if (f & MSG_DONTWAIT)
        return TWP_REAL(recvmsg)(fd, m, f);
    AROUND_IO(TWP_REAL(recvmsg)(fd, m, f), "recvmsg");
}
TWP_EXPORT pid_t waitpid(pid_t p, int *st, int o)
{
    if (o & WNOHANG)
        return TWP_REAL(waitpid)(p, st, o);
    AROUND_IO(TWP_REAL(waitpid)(p, st, o), "waitpid");
}
