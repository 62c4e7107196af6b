/* uv_stall.c — a plain libuv program whose timer callback blocks the loop thread in
 * pthread_mutex_lock(&cfg_lock), which the thread cfg-holder keeps (issue 21, point 5): run with
 * LD_PRELOAD=libtw-uv.so TW_UV=1, the callback's task is polling, blocked in that lock, and
 * blocking_in_poll names it. `uv_stall idle`: the timer's callback returns at once (healthy).
 * Prints the ready line as the callback is about to block (idle: after its first tick). A second
 * loop, on the thread ticker, ticks every 20 ms: a core's only clock is its newest event. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static int stall, ticks;

static void ready(void) { printf("tw-example: ready\n"); fflush(stdout); }

static void *cfg_holder(void *a)
{
    (void)a;
    pthread_mutex_lock(&cfg_lock);
    for (;;) sleep(1);
    return 0;
}

static void tick(uv_timer_t *t) { (void)t; }

static void *ticker(void *a)
{
    (void)a;
    uv_loop_t loop;
    uv_timer_t timer;
    uv_loop_init(&loop);
    uv_timer_init(&loop, &timer);
    uv_timer_start(&timer, tick, 20, 20);
    uv_run(&loop, UV_RUN_DEFAULT);
    return 0;
}

static void reload_config(uv_timer_t *t)
{
    (void)t;
    if (ticks++ == 0) ready();
    if (stall) {
        pthread_mutex_lock(&cfg_lock); /* the stall the test names */
        pthread_mutex_unlock(&cfg_lock);
    }
}

int main(int argc, char **argv)
{
    stall = !(argc > 1 && !strcmp(argv[1], "idle"));
    pthread_t h;
    pthread_create(&h, 0, cfg_holder, 0);
    pthread_setname_np(h, "cfg-holder");
    pthread_create(&h, 0, ticker, 0);
    usleep(100000); /* cfg-holder has the lock */
    uv_loop_t loop;
    uv_timer_t timer;
    uv_loop_init(&loop);
    uv_timer_init(&loop, &timer);
    uv_timer_start(&timer, reload_config, 10, 50);
    return uv_run(&loop, UV_RUN_DEFAULT);
}
