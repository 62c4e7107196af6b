/* uv_busy — a plain libuv program kept busy without sleeping: a thread and the loop ping-pong
 * through an async handle and a semaphore, a 1 ms repeating timer ticks, and four work items
 * are always queued (each after-work callback queues the next). The test instruments it
 * through LD_PRELOAD=libtw-uv.so TW_UV=1. */
#include <stdio.h>
#include <uv.h>

#define IN_FLIGHT 4
static uv_loop_t *loop;
static uv_async_t nudge;
static uv_sem_t nudged;
static uv_timer_t tick;
static uv_work_t jobs[IN_FLIGHT];
static unsigned long nudges, ticks, worked;

static void on_nudge(uv_async_t *a) { (void)a; nudges++; uv_sem_post(&nudged); }

/* every send waits for its callback, so sends never coalesce and the thread never spins */
static void nudger(void *arg)
{
    (void)arg;
    for (;;) {
        uv_async_send(&nudge);
        uv_sem_wait(&nudged);
    }
}

static void do_job(uv_work_t *w)
{
    (void)w;
    for (volatile int i = 0; i < 1000; i++) {}
}

static void job_done(uv_work_t *w, int status)
{
    (void)status;
    worked++;
    uv_queue_work(loop, w, do_job, job_done);
}

static void on_tick(uv_timer_t *t)
{
    (void)t;
    if (++ticks == 1) {
        printf("tw-example: ready\n");
        fflush(stdout);
    }
}

int main(void)
{
    uv_thread_t thread;
    loop = uv_default_loop();
    uv_sem_init(&nudged, 0);
    uv_async_init(loop, &nudge, on_nudge);
    uv_timer_init(loop, &tick);
    uv_timer_start(&tick, on_tick, 1, 1);
    for (int i = 0; i < IN_FLIGHT; i++)
        uv_queue_work(loop, &jobs[i], do_job, job_done);
    uv_thread_create(&thread, nudger, 0);
    return uv_run(loop, UV_RUN_DEFAULT);
}
