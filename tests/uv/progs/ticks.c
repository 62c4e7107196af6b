/* ticks.c — a plain libuv program (no TurboWish header, links only -luv): a timer ticks five
 * times then closes itself, one work item runs, then the loop ends and is closed. Prints what
 * it saw (with `stay`, then waits to be looked at); the test runs it with and without `LD_PRELOAD=libtw-uv.so TW_UV=1` and compares. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static uv_timer_t tick;
static uv_work_t job;
static int ticks, worked, after_status = -1, closed;

static void on_closed(uv_handle_t *h) { (void)h; closed++; }
static void do_job(uv_work_t *w) { (void)w; worked++; }
static void job_done(uv_work_t *w, int status) { (void)w; after_status = status; }
static void on_tick(uv_timer_t *t)
{
    if (++ticks == 2)
        uv_queue_work(t->loop, &job, do_job, job_done);
    if (ticks == 5)
        uv_close((uv_handle_t *)t, on_closed);
}

int main(int argc, char **argv)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    uv_timer_init(&loop, &tick);
    int a = uv_timer_start(&tick, on_tick, 5, 5);
    int b = uv_run(&loop, UV_RUN_DEFAULT);
    int c = uv_loop_close(&loop);
    printf("start %d run %d ticks %d worked %d after %d closed %d loop_close %d\n", a, b, ticks, worked, after_status, closed, c);
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "stay") == 0) { /* let a test read the region */
        printf("tw-example: ready\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    return c == 0 ? 0 : 1;
}
