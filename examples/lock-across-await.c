/* lock-across-await — a plain pthread mutex held across an await closes a cycle through a
 * blocked worker thread. Task "cfg-writer" (B) locks cfg, a plain pthread_mutex_t, inside its
 * poll, awaits a timer with cfg still held (the poll ends; the worker thread that took cfg moves
 * on to other tasks), then awaits the runtime mutex M. Task "m-owner" (A) holds M and locks cfg
 * inside its poll: its worker thread sleeps in pthread_mutex_lock until B releases cfg, and B
 * waits for A to release M. The runtime shows A polling; glibc says cfg's owner is a thread,
 * not which task took it — the pthread adapter (`tw run`) does. A healthy ticker keeps polling
 * on the other worker. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include "ready.h"
#include "twrt.h"

static pthread_mutex_t cfg = PTHREAD_MUTEX_INITIALIZER;
static twrt_mutex *M;
static atomic_int a_holds_m, b_holds_cfg, b_cfg_tid, a_locking;

static void *cfg_writer(void *arg)   /* B */
{
    (void)arg;
    while (!atomic_load(&a_holds_m)) twrt_sleep_ms(1);
    pthread_mutex_lock(&cfg);
    atomic_store(&b_cfg_tid, gettid());
    atomic_store(&b_holds_cfg, 1);
    twrt_sleep_ms(5);      /* the bug: an await with a plain mutex held */
    /* Resumed on the thread that took cfg before it awaits M, as a task that stayed on its
     * worker would be: without the adapter, the task on cfg's owner thread is the one the
     * report can name as a candidate; one resumed on the other worker would leave "no
     * deadlock", depending on the scheduler (a flaky example, not a different bug). */
    while (gettid() != atomic_load(&b_cfg_tid)) twrt_sleep_ms(1);
    twrt_mutex_lock(M);    /* waits for A, which waits for cfg */
    pthread_mutex_unlock(&cfg);
    twrt_mutex_unlock(M);
    return NULL;
}

static void *m_owner(void *arg)      /* A */
{
    (void)arg;
    twrt_mutex_lock(M);
    atomic_store(&a_holds_m, 1);
    while (!atomic_load(&b_holds_cfg)) twrt_sleep_ms(1);
    /* On the very thread that took cfg glibc would call this a self-deadlock of that thread;
     * wait to be polled by the other worker, so the example shows the cross-world cycle. */
    while (gettid() == atomic_load(&b_cfg_tid)) twrt_sleep_ms(1);
    atomic_store(&a_locking, 1);
    pthread_mutex_lock(&cfg);   /* blocks this worker thread inside the poll */
    pthread_mutex_unlock(&cfg);
    twrt_mutex_unlock(M);
    return NULL;
}

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) twrt_sleep_ms(20);
    return NULL;
}

int main(void)
{
    M = twrt_mutex_new("M");
    twrt_detach(twrt_spawn("ticker", ticker, NULL));
    twrt_detach(twrt_spawn("m-owner", m_owner, NULL));
    twrt_detach(twrt_spawn("cfg-writer", cfg_writer, NULL));
    EXAMPLE_WAIT_FOR(atomic_load(&a_locking), 5000);
    usleep(300 * 1000);   /* past blocking_in_poll's 100 ms, and B parked on M long since */
    example_ready_and_stay();
}
