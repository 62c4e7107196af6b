/* deadlock — the dining philosophers, all reaching for their left fork first: four tasks,
 * four mutexes, one cycle. A healthy "heartbeat" task keeps ticking beside them, so the
 * deadlock is local, not global. */
#include <stdatomic.h>
#include <stdint.h>
#include "ready.h"
#include "twrt.h"

#define N 4
static twrt_mutex *fork_[N];
static atomic_int seated;     /* philosophers holding their left fork */
static atomic_int reaching;   /* philosophers about to take their right fork */

static void *philosopher(void *arg)
{
    int i = (int)(intptr_t)arg;
    twrt_mutex *left = fork_[i], *right = fork_[(i + 1) % N];
    twrt_mutex_lock(left);
    atomic_fetch_add(&seated, 1);
    while (atomic_load(&seated) < N) twrt_sleep_ms(1);   /* everyone has a left fork: the trap is set */
    atomic_fetch_add(&reaching, 1);
    twrt_mutex_lock(right);
    /* Never reached. */
    twrt_mutex_unlock(right);
    twrt_mutex_unlock(left);
    return NULL;
}

static void *heartbeat(void *arg)
{
    (void)arg;
    for (;;) twrt_sleep_ms(100);
    return NULL;
}

int main(void)
{
    static const char *const fork_names[N] = { "fork-0", "fork-1", "fork-2", "fork-3" };
    static const char *const names[N] = { "philosopher-0", "philosopher-1", "philosopher-2", "philosopher-3" };
    for (int i = 0; i < N; i++) fork_[i] = twrt_mutex_new(fork_names[i]);
    twrt_detach(twrt_spawn("heartbeat", heartbeat, NULL));
    for (int i = 0; i < N; i++) twrt_detach(twrt_spawn(names[i], philosopher, (void *)(intptr_t)i));
    EXAMPLE_WAIT_FOR(atomic_load(&reaching) == N, 4000);
    usleep(100 * 1000);   /* let the last philosopher reach its lock call and park */
    example_ready_and_stay();
}
