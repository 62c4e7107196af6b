/* thread_churn — threads that record events and exit, while others record and start.
 *
 * A thread's ring is handed to a new thread once the old one has exited (run with a small
 * TW_MAX_THREADS so that rings must be recycled, and threads beyond the directory lose events).
 * Every tw_ call records one event, the program counts them, and once all threads are gone
 * ring heads + events_lost must equal that count.
 *
 * Usage: thread_churn MODE DUMP
 *   churn   200 threads in waves of 8, each with its own task, 102 events each; a wave is
 *           all alive at once (run with TW_MAX_THREADS=4: 3 rings for 8 threads), then exits
 *   late    a thread records one more event from a TLS destructor that runs after the shim
 *           has given its ring back, while a new thread already records into that ring
 *           (run with TW_MAX_THREADS=2: main + one ring to share)
 * Prints "churn: threads=N total=T", "region: heads=H events_lost=L ring_reuses=R", writes the
 * quiescent region to DUMP, then prints "tw-example: ready" and stays until killed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "turbowish.h"

static atomic_ullong emitted;
static tw_res_t shared;

static void record(tw_task_t t, int n)
{
    for (int i = 0; i < n; i += 4) {
        tw_poll_begin(t);
        tw_acquire(t, shared, 1);
        tw_release(t, shared, 1);
        tw_poll_end(t, TW_POLL_READY);
    }
    atomic_fetch_add(&emitted, (unsigned long long)n);
}

static pthread_barrier_t wave_alive;

static void *short_lived(void *arg)
{
    char name[16];
    snprintf(name, sizeof name, "short-%d", (int)(long)arg);
    tw_task_t t = tw_task_spawn(name, 0, 0);
    record(t, 48);
    pthread_barrier_wait(&wave_alive); /* the whole wave alive at once: more threads than rings */
    record(t, 52);
    tw_task_done(t, 0);
    atomic_fetch_add(&emitted, 2); /* spawn + done */
    return NULL;
}

static void churn(void)
{
    enum { WAVE = 8, WAVES = 25 };
    pthread_barrier_init(&wave_alive, NULL, WAVE);
    for (int w = 0; w < WAVES; w++) {
        pthread_t th[WAVE];
        for (int i = 0; i < WAVE; i++)
            pthread_create(&th[i], NULL, short_lived, (void *)(long)(w * WAVE + i));
        for (int i = 0; i < WAVE; i++)
            pthread_join(th[i], NULL);
    }
    printf("churn: threads=%d total=%llu\n", WAVE * WAVES, (unsigned long long)atomic_load(&emitted));
}

/* "late": thread A's own TLS destructor records after the shim's destructor released A's
 * ring; B has taken that ring by then. */
static pthread_key_t late_key;
static sem_t a_exiting, b_recorded, a_recorded;
static tw_task_t task_a;

static void a_destructor(void *v)
{
    (void)v;
    sem_post(&a_exiting);
    sem_wait(&b_recorded);
    tw_poll_begin(task_a);   /* the ring is B's now: this must not write into it */
    atomic_fetch_add(&emitted, 1);
    sem_post(&a_recorded);
}

static void *thread_a(void *arg)
{
    (void)arg;
    task_a = tw_task_spawn("a", 0, 0);
    record(task_a, 40);
    atomic_fetch_add(&emitted, 1);
    /* created after the shim's own key (made at this thread's first event): runs after it */
    pthread_key_create(&late_key, a_destructor);
    pthread_setspecific(late_key, &late_key);
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    tw_task_t b = tw_task_spawn("b", 0, 0);
    record(b, 40);
    atomic_fetch_add(&emitted, 1);
    sem_post(&b_recorded);
    sem_wait(&a_recorded);
    record(b, 40);
    return NULL;
}

static void late(void)
{
    sem_init(&a_exiting, 0, 0);
    sem_init(&b_recorded, 0, 0);
    sem_init(&a_recorded, 0, 0);
    pthread_t a, b;
    pthread_create(&a, NULL, thread_a, NULL);
    sem_wait(&a_exiting);    /* the shim's destructor has run: A's ring is free */
    pthread_create(&b, NULL, thread_b, NULL);
    pthread_join(b, NULL);
    pthread_join(a, NULL);
    printf("churn: threads=2 total=%llu\n", (unsigned long long)atomic_load(&emitted));
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    shared = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 100, "shared", 0, 0);
    atomic_fetch_add(&emitted, 1);
    if (strcmp(argv[1], "late") == 0)
        late();
    else
        churn();
    const struct tw_header *h = tw_region;
    uint64_t heads = 0;
    for (uint32_t i = 0; i < h->rings.count; i++)
        heads += TW_RING_DESC(h, i)->head + TW_RING_DESC(h, i)->dropped;
    printf("region: heads=%llu events_lost=%llu rings=%u\n", (unsigned long long)heads,
           (unsigned long long)h->events_lost, h->rings.count);
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(h, 1, h->used_size, f) != h->used_size || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
