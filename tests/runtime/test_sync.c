/* test_sync.c — mutex, rwlock, semaphore and notify: exclusion, FIFO fairness, permits. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>
#include "twrt.h"

static twrt_mutex *mx;
static long counter;   /* protected by mx only: a race shows as a wrong total */

static void *incr(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        twrt_mutex_lock(mx);
        long v = counter;
        if (i % 10 == 0) twrt_yield();   /* hold the lock across a poll: others must queue */
        counter = v + 1;
        twrt_mutex_unlock(mx);
    }
    return NULL;
}

Test(sync, mutex_excludes)
{
    mx = twrt_mutex_new("m");
    twrt_task *t[20];
    for (int i = 0; i < 20; i++) t[i] = twrt_spawn("incr", incr, NULL);
    for (int i = 0; i < 20; i++) twrt_join(t[i]);
    cr_assert_eq(counter, 20 * 1000);
    cr_assert_eq(twrt_mutex_trylock(mx), 0, "free again");
    cr_assert_eq(twrt_mutex_trylock(mx), -EBUSY);
    twrt_mutex_unlock(mx);
}

static int order[8], norder;
static atomic_int queued;

static void *in_line(void *arg)
{
    atomic_fetch_add(&queued, 1);
    twrt_mutex_lock(mx);
    order[norder++] = (int)(intptr_t)arg;
    twrt_mutex_unlock(mx);
    return NULL;
}

static void *holder(void *arg)
{
    (void)arg;
    twrt_mutex_lock(mx);
    twrt_task *t[8];
    for (intptr_t i = 0; i < 8; i++) {
        t[i] = twrt_spawn("in-line", in_line, (void *)i);
        while (atomic_load(&queued) <= i) twrt_yield();
        twrt_sleep_ms(2);   /* let it reach the lock and queue behind the previous one */
    }
    twrt_mutex_unlock(mx);
    for (int i = 0; i < 8; i++) twrt_join(t[i]);
    return NULL;
}

Test(sync, mutex_is_handed_to_waiters_in_arrival_order)
{
    mx = twrt_mutex_new("fifo");
    twrt_join(twrt_spawn("holder", holder, NULL));
    for (int i = 0; i < 8; i++) cr_assert_eq(order[i], i, "waiter %d got the lock in order (%d)", i, order[i]);
}

static twrt_rwlock *rw;
static atomic_int readers_in, max_readers, writer_in, bad;

static void *reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        twrt_rwlock_rdlock(rw);
        int n = atomic_fetch_add(&readers_in, 1) + 1;
        if (atomic_load(&writer_in)) atomic_store(&bad, 1);
        int m = atomic_load(&max_readers);
        while (n > m && !atomic_compare_exchange_weak(&max_readers, &m, n)) {}
        twrt_yield();
        atomic_fetch_sub(&readers_in, 1);
        twrt_rwlock_rdunlock(rw);
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        twrt_rwlock_wrlock(rw);
        if (atomic_fetch_add(&writer_in, 1) != 0 || atomic_load(&readers_in)) atomic_store(&bad, 1);
        twrt_yield();
        atomic_fetch_sub(&writer_in, 1);
        twrt_rwlock_wrunlock(rw);
    }
    return NULL;
}

Test(sync, rwlock_shares_reads_and_excludes_writes)
{
    rw = twrt_rwlock_new("rw");
    twrt_task *t[8];
    for (int i = 0; i < 6; i++) t[i] = twrt_spawn("reader", reader, NULL);
    for (int i = 6; i < 8; i++) t[i] = twrt_spawn("writer", writer, NULL);
    for (int i = 0; i < 8; i++) twrt_join(t[i]);
    cr_assert_eq(atomic_load(&bad), 0, "no writer overlapped anything");
    cr_assert_gt(atomic_load(&max_readers), 1, "readers overlapped");
}

static twrt_sem *sem;
static atomic_int inside, most;

static void *permit_user(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        twrt_sem_acquire(sem);
        int n = atomic_fetch_add(&inside, 1) + 1;
        int m = atomic_load(&most);
        while (n > m && !atomic_compare_exchange_weak(&most, &m, n)) {}
        twrt_yield();
        atomic_fetch_sub(&inside, 1);
        twrt_sem_release(sem);
    }
    return NULL;
}

Test(sync, semaphore_admits_at_most_its_units)
{
    sem = twrt_sem_new("three", 3);
    twrt_task *t[10];
    for (int i = 0; i < 10; i++) t[i] = twrt_spawn("user", permit_user, NULL);
    for (int i = 0; i < 10; i++) twrt_join(t[i]);
    cr_assert_eq(atomic_load(&most), 3);
}

static twrt_notify *nt;
static atomic_int woke;

static void *notified(void *arg)
{
    (void)arg;
    twrt_notify_wait(nt);
    atomic_fetch_add(&woke, 1);
    return NULL;
}

Test(sync, notify_one_leaves_a_permit_and_notify_all_wakes_everyone)
{
    nt = twrt_notify_new("n");
    twrt_notify_one(nt);   /* nobody waits: stored as a permit */
    twrt_join(twrt_spawn("early", notified, NULL));
    cr_assert_eq(atomic_load(&woke), 1);
    twrt_task *t[5];
    for (int i = 0; i < 5; i++) t[i] = twrt_spawn("late", notified, NULL);
    usleep(50000);
    cr_assert_eq(atomic_load(&woke), 1, "they wait");
    twrt_notify_all(nt);
    for (int i = 0; i < 5; i++) twrt_join(t[i]);
    cr_assert_eq(atomic_load(&woke), 6);
}
