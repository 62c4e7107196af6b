/* busy — 10,000 healthy tasks: channel ping-pong pairs, sleepers on timers, and workers sharing
 * a few mutexes. Tasks wait all the time, but every wait ends: nothing is deadlocked, nothing
 * starves. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include "ready.h"
#include "twrt.h"

#define PAIRS 2000        /* 4,000 ping-pong tasks */
#define SLEEPERS 3000
#define LOCKERS 3000
#define MUTEXES 64
#define TOTAL (2 * PAIRS + SLEEPERS + LOCKERS)

static atomic_int started;
static twrt_mutex *mutexes[MUTEXES];

struct pair { twrt_sender *to_pong; twrt_receiver *from_pong; twrt_sender *to_ping; twrt_receiver *from_ping; };

static void *ping(void *arg)
{
    struct pair *p = arg;
    atomic_fetch_add(&started, 1);
    void *m;
    for (intptr_t i = 0;; i++) {
        twrt_send(p->to_pong, (void *)i);
        twrt_recv(p->from_pong, &m);
        twrt_sleep_ms(200 + (uint64_t)(i % 7) * 20);
    }
    return NULL;
}

static void *pong(void *arg)
{
    struct pair *p = arg;
    atomic_fetch_add(&started, 1);
    void *m;
    while (twrt_recv(p->from_ping, &m) == 0) twrt_send(p->to_ping, m);
    return NULL;
}

static void *sleeper(void *arg)
{
    uint64_t ms = 100 + (uint64_t)(intptr_t)arg % 400;
    atomic_fetch_add(&started, 1);
    for (;;) twrt_sleep_ms(ms);
    return NULL;
}

static void *locker(void *arg)
{
    intptr_t i = (intptr_t)arg;
    atomic_fetch_add(&started, 1);
    for (;; i++) {
        twrt_mutex *m = mutexes[i % MUTEXES];
        twrt_mutex_lock(m);
        twrt_yield();   /* hold it across a poll boundary, so others really queue */
        twrt_mutex_unlock(m);
        twrt_sleep_ms(300 + (uint64_t)(i % 11) * 10);
    }
    return NULL;
}

int main(void)
{
    char name[32];
    for (int i = 0; i < MUTEXES; i++) {
        snprintf(name, sizeof name, "shared-%d", i);
        mutexes[i] = twrt_mutex_new(name);
    }
    static struct pair pairs[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
        struct pair *p = &pairs[i];
        snprintf(name, sizeof name, "ping-%d", i);
        twrt_channel(name, 1, &p->to_pong, &p->from_ping);
        snprintf(name, sizeof name, "pong-%d", i);
        twrt_channel(name, 1, &p->to_ping, &p->from_pong);
        snprintf(name, sizeof name, "ping-%d", i);
        twrt_detach(twrt_spawn_moving(name, ping, p, p->to_pong, p->from_pong));
        snprintf(name, sizeof name, "pong-%d", i);
        twrt_detach(twrt_spawn_moving(name, pong, p, p->to_ping, p->from_ping));
    }
    for (intptr_t i = 0; i < SLEEPERS; i++) {
        snprintf(name, sizeof name, "sleeper-%d", (int)i);
        twrt_detach(twrt_spawn(name, sleeper, (void *)i));
    }
    for (intptr_t i = 0; i < LOCKERS; i++) {
        snprintf(name, sizeof name, "locker-%d", (int)i);
        twrt_detach(twrt_spawn(name, locker, (void *)i));
    }
    EXAMPLE_WAIT_FOR(atomic_load(&started) == TOTAL, 4500);
    example_ready_and_stay();
}
