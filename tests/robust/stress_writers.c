/* stress_writers — two threads record events as fast as they can for a few seconds while
 * someone else reads the region (tests/robust/t_stress.sh snapshots it in a loop).
 *
 * Every tw_ call below records exactly one event, and the program counts them, so when the
 * writers have stopped the region's own counters must account for every one:
 *     sum of ring heads + events_lost == events emitted.
 * A third, late thread gets no ring (run with TW_MAX_THREADS=3: main + 2 writers) so that the
 * lost-event counter is exercised too: its events are all counted as lost, none recorded.
 *
 * Usage: stress_writers [SECONDS [DUMP]]; the writers stop after SECONDS, or sooner at SIGUSR1
 * (a reader that has what it needs says so: on a loaded host it may need many seconds);
 * DUMP receives a copy of the region once the writers have stopped (a snapshot file of a
 * quiescent region).
 * Output (stdout, flushed): "stress: writing" once the writers run, then once they stop
 *   stress: emitted main=M writer0=A writer1=B late=L total=T
 *   stress: region heads=H events_lost=X ring_events=C rings=R
 *   tw-example: ready
 * and it stays alive (quiescent) until killed, so readers can check the totals. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "turbowish.h"

static atomic_int stop;
static volatile sig_atomic_t told_to_stop;

static void on_usr1(int sig)
{
    (void)sig;
    told_to_stop = 1;
}
static tw_res_t sem, chan, lock_of[2];

struct writer { tw_task_t task; int index; uint64_t emitted; };

/* One iteration = 9 events on the writer's own task, its own lock, and the semaphore and
 * channel both writers share (each receive follows its own send: the queue never goes
 * negative; the semaphore has 2 units: both may hold it). */
static void *write_flat_out(void *arg)
{
    struct writer *w = arg;
    uint64_t n = 0;
    tw_res_t lock = lock_of[w->index];
    uint32_t site = TW_AWAIT_SITE(lock(&lock));
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        tw_poll_begin(w->task);
        tw_acquire_request(w->task, lock, 1, site);
        tw_acquire(w->task, lock, 1);
        tw_acquire(w->task, sem, 1);
        tw_send(w->task, chan);
        tw_recv(w->task, chan);
        tw_release(w->task, sem, 1);
        tw_release(w->task, lock, 1);
        tw_poll_end(w->task, TW_POLL_READY);
        n += 9;
    }
    w->emitted = n;
    return NULL;
}

/* Runs after both writers have their rings: the directory is full, nothing it records is kept. */
static void *late_thread(void *arg)
{
    struct writer *w = arg;
    for (int i = 0; i < 1000; i++) {
        tw_poll_begin(w->task);
        tw_poll_end(w->task, TW_POLL_READY);
    }
    w->emitted = 2000;
    return NULL;
}

/* The region's used bytes, written as a snapshot file: a copy of a quiescent region that
 * readers judge strictly (no live flag), to compare retained and overwritten exactly. */
static int dump_region(const struct tw_header *h, const char *path)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(h, 1, h->used_size, f) == h->used_size;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        perror(path);
    return ok;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    uint64_t main_emitted = 0;
    sem = tw_res_create(TW_RES_SEMAPHORE, TW_CLASS_REUSABLE, 2, "stress-sem", 0, 0);
    chan = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, -1, "stress-chan", 0, 0);
    lock_of[0] = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "stress-lock-0", 0, 0);
    lock_of[1] = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "stress-lock-1", 0, 0);
    main_emitted += 4;
    struct writer w[2] = { { tw_task_spawn("writer-0", 0, 0), 0, 0 }, { tw_task_spawn("writer-1", 0, 0), 1, 0 } };
    struct writer late = { tw_task_spawn("late", 0, 0), 2, 0 };
    main_emitted += 3;
    if (!sem || !chan || !lock_of[0] || !lock_of[1] || !w[0].task || !w[1].task || !late.task) {
        fprintf(stderr, "stress: the region could not be set up\n");
        return 1;
    }
    pthread_t th[2], lt;
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, write_flat_out, &w[i]);
    /* both writers hold a ring once their heads move */
    struct tw_header *h = tw_region;
    while (__atomic_load_n(&h->rings.count, __ATOMIC_ACQUIRE) < 3 || !__atomic_load_n(&TW_RING_DESC(h, 1)->head, __ATOMIC_ACQUIRE) ||
           !__atomic_load_n(&TW_RING_DESC(h, 2)->head, __ATOMIC_ACQUIRE))
        usleep(100);
    signal(SIGUSR1, on_usr1);
    pthread_create(&lt, NULL, late_thread, &late);
    printf("stress: writing\n");
    fflush(stdout);
    for (double waited = 0; waited < seconds && !told_to_stop; waited += 0.01)
        usleep(10000);
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_join(lt, NULL);

    uint64_t total = main_emitted + w[0].emitted + w[1].emitted + late.emitted;
    printf("stress: emitted main=%llu writer0=%llu writer1=%llu late=%llu total=%llu\n",
           (unsigned long long)main_emitted, (unsigned long long)w[0].emitted, (unsigned long long)w[1].emitted,
           (unsigned long long)late.emitted, (unsigned long long)total);
    /* what the region itself says, read the way any reader would */
    uint64_t heads = 0;
    for (uint32_t i = 0; i < h->rings.count; i++)
        heads += TW_RING_DESC(h, i)->head + TW_RING_DESC(h, i)->dropped;
    printf("stress: region heads=%llu events_lost=%llu ring_events=%llu rings=%u\n", (unsigned long long)heads,
           (unsigned long long)h->events_lost, (unsigned long long)h->ring_events, h->rings.count);
    if (argc > 2 && !dump_region(h, argv[2]))
        return 1;
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
