/* evloop.c — an epoll event loop on the main thread, as redis's aeMain or libevent run one, whose
 * handler blocks the loop (issue 21, point 5). `evloop lock`: the handler takes cfg_lock, which
 * the thread cfg-holder keeps, so the loop sits in pthread_mutex_lock inside its poll (a wait the
 * adapter records). `evloop read`: the handler reads a socket nobody writes (a call the adapter
 * does not wrap: libtwcore learns it from the thread's kernel state). `evloop idle`: the loop
 * waits for events that never come — healthy, no alert. `evloop lock pwait2`: lock, with the loop
 * waiting in epoll_pwait2 (glibc 2.35+, nanosecond timeout) instead of epoll_wait. Prints the ready line once the handler is
 * about to block (or, idle, once the loop has waited once). */
#define _GNU_SOURCE
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "ready.h"

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static int sock[2];

static void *cfg_holder(void *a)
{
    (void)a;
    pthread_mutex_lock(&cfg_lock);
    for (;;) /* keeps it, and ticks: a reader holding the process stopped, or a core, knows no
              * later time than the newest event */
        usleep(20000);
    return 0;
}

static void on_event(const char *mode)
{
    char c;
    ready();
    if (!strcmp(mode, "lock")) {
        pthread_mutex_lock(&cfg_lock); /* the stall the test names */
        pthread_mutex_unlock(&cfg_lock);
    } else if (!strcmp(mode, "read")) {
        if (read(sock[1], &c, 1) < 0) /* the stall the test names */
            return;
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "idle";
    int pwait2 = argc > 2 && !strcmp(argv[2], "pwait2");
    const struct timespec half_second = { 0, 500000000 };
    int p[2], ep = epoll_create1(0);
    if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sock) || ep < 0)
        return 1;
    pthread_t h = spawn_named(cfg_holder, 0, "cfg-holder", 0);
    (void)h;
    usleep(100000); /* cfg-holder has the lock */
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = p[0] }, got;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    if (strcmp(mode, "idle") != 0 && write(p[1], "x", 1) != 1) /* one event, so the handler runs */
        return 1;
    for (int turns = 0;; turns++) {
        int n = pwait2 ? epoll_pwait2(ep, &got, 1, &half_second, NULL) : epoll_wait(ep, &got, 1, 500);
        if (n > 0)
            on_event(mode);
        else if (turns == 0)
            ready();
    }
}
