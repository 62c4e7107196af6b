/* rt_pingpong — the reference runtime's channels: two tasks bounce a message through two
 * one-slot channels, each holding the sender the other receives from. The cycle of channel
 * ends is real, and so are the messages always in flight through it. */
#include <stdint.h>
#include "ready.h"   /* examples/ready.h */
#include "twrt.h"

static twrt_sender *to_pong, *to_ping;
static twrt_receiver *from_ping, *from_pong;

static void *ping(void *arg)
{
    (void)arg;
    void *ball = (void *)(intptr_t)1;
    for (;;)
        if (twrt_send(to_pong, ball) || twrt_recv(from_pong, &ball))
            return 0;
}

static void *pong(void *arg)
{
    (void)arg;
    void *ball;
    for (;;)
        if (twrt_recv(from_ping, &ball) || twrt_send(to_ping, ball))
            return 0;
}

int main(void)
{
    twrt_channel("to_pong", 1, &to_pong, &from_ping);
    twrt_channel("to_ping", 1, &to_ping, &from_pong);
    twrt_detach(twrt_spawn_moving("ping", ping, 0, to_pong, from_pong));
    twrt_detach(twrt_spawn_moving("pong", pong, 0, from_ping, to_ping));
    example_ready_and_stay();
}
