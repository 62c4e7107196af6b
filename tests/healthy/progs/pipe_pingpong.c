/* pipe_pingpong — two threads bounce one byte through two pipes: each blocks in read() until
 * the other writes. */
#define _GNU_SOURCE
#include "healthy.h"

static int to_pong[2], to_ping[2];

static void bounce(int in, int out)
{
    char byte = 'x';
    for (;;)
        if (read(in, &byte, 1) != 1 || write(out, &byte, 1) != 1)
            return;
}

static void *pinger(void *arg)
{
    (void)arg;
    char byte = 'x';
    if (write(to_pong[1], &byte, 1) == 1)
        bounce(to_ping[0], to_pong[1]);
    return 0;
}

static void *ponger(void *arg)
{
    (void)arg;
    bounce(to_pong[0], to_ping[1]);
    return 0;
}

int main(void)
{
    if (pipe(to_pong) || pipe(to_ping))
        return 1;
    start(pinger, 0, "pinger", 1);
    start(ponger, 0, "ponger", 1);
    ready_and_join();
}
