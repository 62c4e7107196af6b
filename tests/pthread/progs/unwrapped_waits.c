/* unwrapped_waits.c — threads asleep in calls the adapter does not wrap: main in sigsuspend (as
 * nginx's master waits for signals), one thread in pause(), one in read() of a socket (only
 * pipes made by pipe() are the adapter's). The region alone shows them polling; every reader
 * must show them waiting, and no long_poll. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include "ready.h"

static int sv[2];
static volatile pid_t tids[2];

static void *pauser(void *a) { (void)a; tids[0] = gettid(); for (;;) pause(); return 0; }
static void *socket_reader(void *a) { (void)a; tids[1] = gettid(); char b[16]; while (read(sv[0], b, sizeof b) > 0) {} return 0; }

/* Thread tid is asleep in the kernel (state S): on a loaded machine a fixed pause before
 * `ready` is not enough, and a thread not yet in its call is rightly shown polling. */
static int asleep(pid_t tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *c = strrchr(buf, ')');
    return c && c[1] == ' ' && c[2] == 'S';
}

int main(void)
{
    void *(*sleepers[])(void *) = {pauser, socket_reader};
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    for (unsigned i = 0; i < sizeof sleepers / sizeof sleepers[0]; i++) {
        pthread_t t;
        pthread_create(&t, 0, sleepers[i], 0);
    }
    for (int waited = 0; waited < 10000 && !(tids[0] && tids[1] && asleep(tids[0]) && asleep(tids[1])); waited += 10)
        usleep(10000);
    ready();
    sigset_t none;
    sigemptyset(&none);
    for (;;)
        sigsuspend(&none); /* as nginx's master waits for its signals */
}
