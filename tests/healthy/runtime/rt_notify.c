/* rt_notify — the reference runtime's notify: two tasks pass a turn with notify_one (a stored
 * permit), and a broadcaster wakes two watchers with notify_all, yielding between rounds so
 * the watchers run. Every wait here is one "anyone may wake it" cannot disprove in one look. */
#include "ready.h"   /* examples/ready.h */
#include "twrt.h"

static twrt_notify *ping_turn, *pong_turn, *tick;

static void *pinger(void *arg)
{
    (void)arg;
    for (;;) {
        twrt_notify_one(pong_turn);
        twrt_notify_wait(ping_turn);
    }
}

static void *ponger(void *arg)
{
    (void)arg;
    for (;;) {
        twrt_notify_wait(pong_turn);
        twrt_notify_one(ping_turn);
    }
}

static void *broadcaster(void *arg)
{
    (void)arg;
    for (;;) {
        twrt_notify_all(tick);
        twrt_yield();
    }
}

static void *watcher(void *arg)
{
    (void)arg;
    for (;;)
        twrt_notify_wait(tick);
}

int main(void)
{
    ping_turn = twrt_notify_new("ping_turn");
    pong_turn = twrt_notify_new("pong_turn");
    tick = twrt_notify_new("tick");
    twrt_detach(twrt_spawn("pinger", pinger, 0));
    twrt_detach(twrt_spawn("ponger", ponger, 0));
    twrt_detach(twrt_spawn("watcher-1", watcher, 0));
    twrt_detach(twrt_spawn("watcher-2", watcher, 0));
    twrt_detach(twrt_spawn("broadcaster", broadcaster, 0));
    example_ready_and_stay();
}
