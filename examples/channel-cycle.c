/* channel-cycle — a deadlock on consumable resources: three tasks, three channels. Task i waits
 * to receive on ch[i]; the only sender of ch[i] is held by task i+1, which is itself waiting on
 * ch[i+1]. Nobody else holds a sender, so no message can ever arrive. */
#include <stdatomic.h>
#include <stdint.h>
#include "ready.h"
#include "twrt.h"

#define N 3
static twrt_receiver *rx[N];
static atomic_int waiting;

static void *stage(void *arg)
{
    int i = (int)(intptr_t)arg;
    void *msg;
    atomic_fetch_add(&waiting, 1);
    /* Task i holds a sender of ch[i-1] (it would forward to it) but first waits for ch[i]. */
    while (twrt_recv(rx[i], &msg) == 0) {}
    return NULL;
}

int main(void)
{
    static const char *const ch_names[N] = { "ch-0", "ch-1", "ch-2" };
    static const char *const names[N] = { "stage-0", "stage-1", "stage-2" };
    twrt_sender *tx[N];
    for (int i = 0; i < N; i++) twrt_channel(ch_names[i], 1, &tx[i], &rx[i]);
    /* Task i gets the receiver of ch[i] and the sender of ch[i-1]: the sender of ch[i] goes to
     * task i+1. */
    for (int i = 0; i < N; i++)
        twrt_detach(twrt_spawn_moving(names[i], stage, (void *)(intptr_t)i, rx[i], tx[(i + N - 1) % N]));
    EXAMPLE_WAIT_FOR(atomic_load(&waiting) == N, 4000);
    usleep(100 * 1000);
    example_ready_and_stay();
}
