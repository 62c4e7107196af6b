/* stress_tsan — the shim's concurrent paths under ThreadSanitizer (Criterion cannot run under
 * TSan here: its arena clashes with TSan's address-space layout). Four threads spawn tasks,
 * intern names, register sites, lock and unlock a shared resource and wake each other's tasks,
 * while the main thread takes control requests. Exit 0 when every resource event version from
 * 1 to the final one was recorded exactly once. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "turbowish.h"

#define THREADS 4
#define ROUNDS 2000

static tw_res_t shared;
static tw_task_t tasks[THREADS];

static void *work(void *arg)
{
    int me = (int)(long)arg;
    char name[32];
    snprintf(name, sizeof name, "stress-%d", me);
    tasks[me] = tw_task_spawn(name, TW_SITE("spawn"), 0);
    for (int i = 0; i < ROUNDS; i++) {
        tw_acquire_request(tasks[me], shared, 1, TW_AWAIT_SITE(lock(&shared)));
        tw_acquire(tasks[me], shared, 1);
        tw_release(tasks[me], shared, 1);
        tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, 4, i & 1 ? "odd" : "even", 0, 0);
    }
    return NULL;
}

int main(void)
{
    shared = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, "shared", 0, 0);
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, work, (void *)i);
    uint32_t id;
    int op;
    for (int i = 0; i < 1000; i++)
        tw_control_take(&id, &op);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    struct tw_header *h = tw_region;
    struct tw_res_rec *r = (struct tw_res_rec *)((char *)h + h->resources.offset);
    unsigned expect = 1 + THREADS * ROUNDS * 2;
    if (r->version != expect || h->instr_errors != 0) {
        fprintf(stderr, "stress_tsan: version %u (expected %u), %lu instrumentation errors\n",
                r->version, expect, (unsigned long)h->instr_errors);
        return 1;
    }
    printf("stress_tsan: %d threads x %d rounds consistent\n", THREADS, ROUNDS);
    return 0;
}
