/* unwrapped_waits.c — threads asleep in calls the adapter does not wrap: main in sigsuspend (as
 * nginx's master waits for signals), one thread in pause(), one in read() of a socket (only
 * pipes made by pipe() are the adapter's). The region alone shows them polling; every reader
 * must show them waiting, and no long_poll. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/socket.h>
#include "ready.h"

static int sv[2];

static void *pauser(void *a) { (void)a; for (;;) pause(); return 0; }
static void *socket_reader(void *a) { (void)a; char b[16]; while (read(sv[0], b, sizeof b) > 0) {} return 0; }

int main(void)
{
    void *(*sleepers[])(void *) = {pauser, socket_reader};
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    for (unsigned i = 0; i < sizeof sleepers / sizeof sleepers[0]; i++) {
        pthread_t t;
        pthread_create(&t, 0, sleepers[i], 0);
    }
    usleep(100000);
    ready();
    sigset_t none;
    sigemptyset(&none);
    for (;;)
        sigsuspend(&none); /* as nginx's master waits for its signals */
}
