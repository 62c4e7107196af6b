/* stress.c — thousands of tasks on 2 workers hammering every primitive at once; built with
 * -fsanitize=thread by the runtime's test step (runtime and shim compiled in), so a data race in
 * the scheduler, a primitive or the instrumentation shows up as a TSan report. Exits 0 when
 * every count adds up. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "twrt.h"

static int TASKS = 3000;   /* STRESS_TASKS overrides */
static int ROUNDS = 20;    /* STRESS_ROUNDS overrides */
#define MUTEXES 16
#define CONSUMERS 4

static twrt_mutex *mx[MUTEXES];
static long counts[MUTEXES];          /* each guarded by its mutex */
static twrt_sender *work_tx;
static twrt_receiver *work_rx;
static twrt_sender *side_tx;
static twrt_receiver *side_rx;
static twrt_sem *sem;
static twrt_rwlock *rw;
static long shared_value;             /* guarded by rw */
static atomic_long consumed, side_taken, side_sent, dropped;

static void on_drop(void *m) { (void)m; atomic_fetch_add(&dropped, 1); }

static void *worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    twrt_sender *tx = twrt_sender_clone(work_tx);
    twrt_sender *stx = twrt_sender_clone(side_tx);
    for (int r = 0; r < ROUNDS; r++) {
        int k = (int)((id + r) % MUTEXES);
        twrt_mutex_lock(mx[k]);
        counts[k]++;
        if (r % 5 == 0) twrt_yield();
        twrt_mutex_unlock(mx[k]);
        twrt_send(tx, (void *)1);
        if (r % 4 == 0) {
            twrt_sem_acquire(sem);
            twrt_sleep_ms(1);
            twrt_sem_release(sem);
        }
        if (r % 3 == 0) {
            twrt_rwlock_wrlock(rw);
            shared_value++;
            twrt_rwlock_wrunlock(rw);
        } else {
            twrt_rwlock_rdlock(rw);
            volatile long v = shared_value;
            (void)v;
            twrt_rwlock_rdunlock(rw);
        }
        /* Either hand a token to the side channel or take one: exactly one branch happens. */
        struct twrt_select_op ops[2] = {
            { .kind = TWRT_SEL_SEND, .tx = stx, .msg = (void *)1, .drop = on_drop },
            { .kind = TWRT_SEL_RECV, .rx = side_rx },
        };
        int w = twrt_select(ops, 2);
        if (w == 1 && ops[1].status == 0) atomic_fetch_add(&side_taken, 1);
        if (w == 0 && ops[0].status == 0) atomic_fetch_add(&side_sent, 1);
    }
    twrt_sender_drop(stx);
    twrt_sender_drop(tx);
    return NULL;
}

static void *consumer(void *arg)
{
    twrt_receiver *rx = arg;
    void *m;
    while (twrt_recv(rx, &m) == 0) atomic_fetch_add(&consumed, 1);
    twrt_receiver_drop(rx);
    return NULL;
}

int main(void)
{
    struct twrt_config cfg = { .workers = 2 };
    twrt_init(&cfg);
    for (int i = 0; i < MUTEXES; i++) mx[i] = twrt_mutex_new("m");
    sem = twrt_sem_new("sem", 8);
    rw = twrt_rwlock_new("rw");
    twrt_channel("work", 16, &work_tx, &work_rx);
    twrt_channel("side", 8, &side_tx, &side_rx);
    twrt_task *c[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++) {
        twrt_receiver *rx = i ? twrt_receiver_clone(work_rx) : work_rx;
        c[i] = twrt_spawn_moving("consumer", consumer, rx, rx);
    }
    if (getenv("STRESS_TASKS")) TASKS = atoi(getenv("STRESS_TASKS"));
    if (getenv("STRESS_ROUNDS")) ROUNDS = atoi(getenv("STRESS_ROUNDS"));
    twrt_task **t = calloc((size_t)TASKS, sizeof *t);
    /* In waves of at most STRESS_WAVE live workers (TSan pays dearly per live fiber). */
    int wave = getenv("STRESS_WAVE") ? atoi(getenv("STRESS_WAVE")) : TASKS;
    for (int base = 0; base < TASKS; base += wave) {
        int end = base + wave < TASKS ? base + wave : TASKS;
        for (intptr_t i = base; i < end; i++) t[i] = twrt_spawn("worker", worker, (void *)i);
        for (int i = base; i < end; i++) twrt_join(t[i]);
    }
    twrt_sender_drop(work_tx);
    for (int i = 0; i < CONSUMERS; i++) twrt_join(c[i]);
    long total = 0;
    for (int i = 0; i < MUTEXES; i++) total += counts[i];
    void *m;
    long left = 0;
    while (twrt_try_recv(side_rx, &m) == 0) left++;
    long sends = atomic_load(&side_sent), takes = atomic_load(&side_taken);
    int ok = total == (long)TASKS * ROUNDS && atomic_load(&consumed) == (long)TASKS * ROUNDS &&
             shared_value == (long)TASKS * ((ROUNDS + 2) / 3) && sends + takes == (long)TASKS * ROUNDS &&
             atomic_load(&dropped) == takes &&   /* every round the receive won dropped its send */
             sends == takes + left;              /* every token sent was taken or is still queued */
    printf("stress: %d tasks x %d rounds: mutex %ld, channel %ld, rw %ld, select sends %ld takes %ld left %ld: %s\n",
           TASKS, ROUNDS, total, (long)atomic_load(&consumed), shared_value, sends, takes, left,
           ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
}
