/* pipe.c — blocking read/write on pipes the program made with pipe()/pipe2().
 *
 * read and write are interposed for every fd, so the common case is one bounds check and one
 * load: fds not made by pipe() in this process are not looked at. For a pipe fd, a zero-timeout
 * poll tells whether the call can block; only then is the thread recorded waiting on the pipe
 * (TW_WAIT_SIGNAL: some thread of this process holds the other end; once the process has
 * forked the other end may be in another process: TW_WAIT_IO, never a certain deadlock).
 * close() forgets the fd, and closing the second end closes the resource, so a program that
 * makes a pipe per request never fills the resource table. dup'ed fds and pipes inherited from
 * a parent are not tracked. */
#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>
#include "twp.h"

#define MAX_FD 65536
static uint64_t pipe_res[MAX_FD] __attribute__((aligned(4096))); /* tw_res_t by fd, 0 = not a pipe */
#define PEER_READ 0x80000000u /* in pipe_peer: this fd is the read end */
static uint32_t pipe_peer[MAX_FD] __attribute__((aligned(4096))); /* the other end's fd, valid with pipe_res */
int twp_forked;

static void track(int fds[2], void *ra)
{
    tw_task_t t;
    if ((unsigned)fds[0] >= MAX_FD || (unsigned)fds[1] >= MAX_FD || !twp_enter(&t))
        return;
    char name[48], *p = name;
    p = twp_str(p, "pipe[", name + sizeof name);
    p = twp_dec(p, (uint64_t)fds[0]);
    *p++ = ',';
    p = twp_dec(p, (uint64_t)fds[1]);
    twp_str(p, "]", name + sizeof name);
    uint32_t obj;
    tw_res_t r = twp_res_key(((uint64_t)fds[0] << 32) | (uint32_t)fds[1], TW_RES_PIPE, twp_site(ra, "pipe"), name, &obj);
    pipe_peer[fds[0]] = (uint32_t)fds[1] | PEER_READ;
    pipe_peer[fds[1]] = (uint32_t)fds[0];
    __atomic_store_n(&pipe_res[fds[0]], r, __ATOMIC_RELEASE);
    __atomic_store_n(&pipe_res[fds[1]], r, __ATOMIC_RELEASE);
    twp_leave();
}

TWP_EXPORT int pipe(int fds[2])
{
    int rc = TWP_REAL(pipe)(fds);
    int saved = errno;
    if (rc == 0)
        track(fds, __builtin_return_address(0));
    errno = saved;
    return rc;
}

TWP_EXPORT int pipe2(int fds[2], int flags)
{
    int rc = TWP_REAL(pipe2)(fds, flags);
    int saved = errno;
    if (rc == 0)
        track(fds, __builtin_return_address(0));
    errno = saved;
    return rc;
}

/* Bytes moved through a followed pipe may be what a blocked reader or writer on the other end
 * waits for (and a closed end, EOF): count a wake in flight for every one of them until it returns (errno untouched). */
static void moved(tw_res_t r, ssize_t rc)
{
    if (r && rc > 0 && twp_enter_taskless()) {
        tw_res_wake(r, 1);
        twp_leave();
    }
}

/* fd, an end of pipe r, was just forgotten: if the other end no longer names r (closed, and
 * maybe already reused for another pipe), this was the last end and the pipe is closed. Two
 * threads closing both ends at once each see the other's forgetting (sequentially consistent
 * exchange, then load), so at least one closes it; the object table closes it once. */
static void last_end(int fd, tw_res_t r)
{
    uint32_t p = pipe_peer[fd], peer = p & ~PEER_READ;
    if (peer >= MAX_FD || __atomic_load_n(&pipe_res[peer], __ATOMIC_SEQ_CST) == r)
        return;
    uint64_t key = (p & PEER_READ) ? ((uint64_t)fd << 32 | peer) : ((uint64_t)peer << 32 | (uint32_t)fd);
    if (twp_enter_taskless()) {
        twp_res_key_forget(key);
        twp_leave();
    }
}

TWP_EXPORT int close(int fd)
{
    tw_res_t r = (unsigned)fd < MAX_FD ? __atomic_load_n(&pipe_res[fd], __ATOMIC_RELAXED) : 0;
    if (r && (r = __atomic_exchange_n(&pipe_res[fd], 0, __ATOMIC_SEQ_CST))) {
        moved(r, 1);
        last_end(fd, r);
    }
    return TWP_REAL(close)(fd);
}

/* 1 when the thread must be recorded waiting (the call would block), with its task in *t */
static int would_block(int fd, short ev, tw_task_t *t, tw_res_t *r)
{
    if ((unsigned)fd >= MAX_FD || !(*r = __atomic_load_n(&pipe_res[fd], __ATOMIC_RELAXED)))
        return 0;
    if (!twp_enter(t))
        return 0;
    struct pollfd p = {.fd = fd, .events = ev};
    int saved = errno;
    int n = TWP_REAL(poll)(&p, 1, 0);
    errno = saved;
    if (n != 0) {
        twp_leave();
        return 0;
    }
    return 1;
}

/* after fork the other end may be another process we cannot see: the outside world */
static int pipe_wait_kind(void) { return twp_forked ? TW_WAIT_IO : TW_WAIT_SIGNAL; }

TWP_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
    tw_task_t t;
    tw_res_t r = 0;
    ssize_t rc;
    if (TWP_LIKELY(!would_block(fd, POLLIN, &t, &r)))
        rc = TWP_REAL(read)(fd, buf, n);
    else
        rc = TWP_COUNTED_WAIT_AROUND(t, twp_site(__builtin_return_address(0), "read"), pipe_wait_kind(), r, 0, 0,
                                     TWP_REAL(read)(fd, buf, n));
    moved(r, rc);
    return rc;
}

TWP_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
    tw_task_t t;
    tw_res_t r = 0;
    ssize_t rc;
    if (TWP_LIKELY(!would_block(fd, POLLOUT, &t, &r)))
        rc = TWP_REAL(write)(fd, buf, n);
    else
        rc = TWP_COUNTED_WAIT_AROUND(t, twp_site(__builtin_return_address(0), "write"), pipe_wait_kind(), r, 0, 0,
                                     TWP_REAL(write)(fd, buf, n));
    moved(r, rc);
    return rc;
}

void twp_pipes_reset(void)
{
    madvise(pipe_res, sizeof pipe_res, MADV_DONTNEED);
    madvise(pipe_peer, sizeof pipe_peer, MADV_DONTNEED);
}
