/* uv-echo — a libuv echo server on 127.0.0.1 with one slow callback.
 *
 * Echoes every byte each client sends. A housekeeping timer fires every 500 ms and spends
 * ~120 ms of CPU in its callback: while it runs no client is served, which TurboWish shows as
 * a long_poll of the "timer ... slow_housekeeping" task and of the loop iteration. Every other
 * housekeeping round also hands a job to the threadpool (a work-queue item task).
 * Port: TW_UV_PORT, else an ephemeral one; prints "port N", then `tw-example: ready` once the
 * slow callback has run once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include "tw_uv.h"

static uv_loop_t *loop;
static uv_tcp_t server;
static uv_timer_t housekeeping;
static int rounds;

struct write_req {
    uv_write_t req;
    uv_buf_t buf;
};

static void alloc_buf(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(suggested);
    buf->len = buf->base ? suggested : 0;
}

static void on_close(uv_handle_t *h) { free(h); }

static void echo_written(uv_write_t *req, int status)
{
    (void)status;
    struct write_req *w = (struct write_req *)req;
    free(w->buf.base);
    free(w);
}

static void echo_read(uv_stream_t *client, ssize_t n, const uv_buf_t *buf)
{
    if (n > 0) {
        struct write_req *w = malloc(sizeof *w);
        w->buf = uv_buf_init(buf->base, (unsigned)n);
        if (uv_write(&w->req, client, &w->buf, 1, echo_written) == 0)
            return;
        free(w);
    }
    free(buf->base);
    if (n < 0)
        uv_close((uv_handle_t *)client, on_close);
}

static void on_connection(uv_stream_t *srv, int status)
{
    if (status < 0)
        return;
    uv_tcp_t *client = malloc(sizeof *client);
    uv_tcp_init(loop, client);
    if (uv_accept(srv, (uv_stream_t *)client) == 0)
        uv_read_start((uv_stream_t *)client, alloc_buf, echo_read);
    else
        uv_close((uv_handle_t *)client, on_close);
}

static void compress_stats(uv_work_t *req) { (void)req; usleep(20000); }
static void stats_done(uv_work_t *req, int status) { (void)status; free(req); }

static void slow_housekeeping(uv_timer_t *t)
{
    (void)t;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile unsigned long spin = 0;
    do { /* the slow part: CPU work on the loop thread */
        for (int i = 0; i < 100000; i++)
            spin += (unsigned long)i;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 120);
    if (++rounds % 2 == 0) {
        uv_work_t *w = malloc(sizeof *w);
        if (uv_queue_work(loop, w, compress_stats, stats_done) != 0)
            free(w);
    }
    if (rounds == 1) {
        printf("tw-example: ready\n");
        fflush(stdout);
    }
}

int main(void)
{
    loop = uv_default_loop();
    tw_uv_instrument(loop);
    struct sockaddr_in addr;
    const char *p = getenv("TW_UV_PORT");
    uv_ip4_addr("127.0.0.1", p ? atoi(p) : 0, &addr);
    uv_tcp_init(loop, &server);
    int rc = uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&server, 128, on_connection);
    if (rc != 0) {
        fprintf(stderr, "uv-echo: %s\n", uv_strerror(rc));
        return 1;
    }
    struct sockaddr_in bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);
    printf("port %d\n", ntohs(bound.sin_port));
    fflush(stdout);
    uv_timer_init(loop, &housekeeping);
    uv_timer_start(&housekeeping, slow_housekeeping, 100, 500);
    return uv_run(loop, UV_RUN_DEFAULT);
}
