/* waits_helper.c — libtwtesthelper.so, a stand-in for any library a program blocks through
 * (an event library, a client library): the program's thread calls helper_wait(), which blocks
 * in poll() here, so the adapter's immediate caller is this library, not the program. It also
 * runs a thread of its own from a static start routine; the library is stripped (no .symtab),
 * like a distribution's, so no symbol names that routine. helper_poll_ready is a wait that
 * returns at once, for a loop. */
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

__attribute__((noinline)) static int wait_forever(void) { return poll(0, 0, -1); }
int helper_wait(void) { return wait_forever() + 1; }

static void *pool_worker(void *a) { (void)a; wait_forever(); return 0; }
void helper_start_worker(void)
{
    pthread_t t;
    pthread_create(&t, 0, pool_worker, 0);
}

/* A wait that returns at once (poll of a pipe holding a byte), made here: called in a loop, it
 * is an event loop's epoll_wait in miniature. */
int helper_poll_ready(void)
{
    static int fds[2] = {-1, -1};
    if (fds[0] < 0 && (pipe(fds) != 0 || write(fds[1], "x", 1) != 1))
        return -1;
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    int n = poll(&p, 1, 1000);
    return n == 1 ? 0 : -1; /* work after the call: no tail call, this frame stays */
}
