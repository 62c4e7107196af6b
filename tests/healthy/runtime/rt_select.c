/* rt_select — the reference runtime's select: one task selects over two one-slot channels
 * whose senders never stop, so the selector and both senders take turns waiting. */
#include <stdint.h>
#include "ready.h"   /* examples/ready.h */
#include "twrt.h"

static twrt_sender *tx[2];
static twrt_receiver *rx[2];

static void *sender(void *arg)
{
    twrt_sender *out = arg;
    for (intptr_t n = 1;; n++)
        if (twrt_send(out, (void *)n))
            return 0;
}

static void *selector(void *arg)
{
    (void)arg;
    for (;;) {
        struct twrt_select_op ops[2] = {
            { .kind = TWRT_SEL_RECV, .rx = rx[0] },
            { .kind = TWRT_SEL_RECV, .rx = rx[1] },
        };
        if (twrt_select(ops, 2) < 0)
            return 0;
    }
}

int main(void)
{
    twrt_channel("left", 1, &tx[0], &rx[0]);
    twrt_channel("right", 1, &tx[1], &rx[1]);
    twrt_detach(twrt_spawn_moving("selector", selector, 0, rx[0], rx[1]));
    twrt_detach(twrt_spawn_moving("left-sender", sender, tx[0], tx[0]));
    twrt_detach(twrt_spawn_moving("right-sender", sender, tx[1], tx[1]));
    example_ready_and_stay();
}
