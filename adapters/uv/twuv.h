/* twuv.h — what the libuv adapter's files share (internal). See tw_uv.h for the model. */
#ifndef TWUV_H
#define TWUV_H

#include <stdint.h>
#include <uv.h>
#include "turbowish.h"
#include "tw_uv.h"

#define TWUV_HIDDEN __attribute__((visibility("hidden")))
#define TWUV_EXPORT __attribute__((visibility("default")))

/* the real libuv functions (real.c) */
struct twuv_real {
    int (*timer_start)(uv_timer_t *, uv_timer_cb, uint64_t, uint64_t);
    int (*read_start)(uv_stream_t *, uv_alloc_cb, uv_read_cb);
    int (*listen)(uv_stream_t *, int, uv_connection_cb);
    int (*write)(uv_write_t *, uv_stream_t *, const uv_buf_t[], unsigned, uv_write_cb);
    int (*queue_work)(uv_loop_t *, uv_work_t *, uv_work_cb, uv_after_work_cb);
    int (*tcp_connect)(uv_connect_t *, uv_tcp_t *, const struct sockaddr *, uv_connect_cb);
    void (*pipe_connect)(uv_connect_t *, uv_pipe_t *, const char *, uv_connect_cb);
    void (*close)(uv_handle_t *, uv_close_cb);
};
extern struct twuv_real twuv_real TWUV_HIDDEN;
TWUV_HIDDEN void twuv_resolve(void);
#define TWUV_REAL(f) (__builtin_expect(twuv_real.f != NULL, 1) ? twuv_real.f : (twuv_resolve(), twuv_real.f))

/* an instrumented loop (loop.c) */
struct twuv_loop {
    uv_loop_t *loop;
    tw_task_t task;       /* "uv loop" */
    int parked;           /* blocked in the kernel (or not started): the next callback resumes it */
    int threads;          /* the pthread adapter is loaded: task is the running thread's own task,
                             which that adapter parks in epoll_wait; we never poll or end it */
    uint32_t run_site;    /* the program's call of uv_run (0 until it runs) */
    uv_prepare_t prepare;
    uv_check_t check;
};
/* The instrumented loop of `loop`, instrumenting it first under TW_UV=1; NULL = pass through. */
TWUV_HIDDEN struct twuv_loop *twuv_loop_of(uv_loop_t *loop);
/* A callback of this loop is about to run: the loop task polls again if it was blocked. */
TWUV_HIDDEN void twuv_loop_wake(struct twuv_loop *lp);
/* The task whose callback runs on this thread now (0 outside callbacks). */
extern __thread tw_task_t twuv_current TWUV_HIDDEN;

/* handle and request records (table.c) */
enum { TWUV_TIMER = 1, TWUV_STREAM = 2, TWUV_SERVER = 3 };
struct twuv_handle {
    uint64_t key;           /* handle address; 0 empty, 1 deleted */
    struct twuv_loop *lp;
    tw_task_t task;
    tw_res_t writes;        /* queued writes of a stream (0 until the first uv_write) */
    void *cb;               /* the program's timer/read/connection callback */
    uv_close_cb close_cb;
    uint32_t site;          /* where the program started it */
    int kind;
    int woken;              /* READY already (a due timer) */
};
struct twuv_req {
    uint64_t key;           /* request address; 0 empty, 1 deleted */
    tw_task_t task;         /* work item task (uv_queue_work) */
    struct twuv_handle *h;  /* the stream of a write/connect */
    void *cb, *cb2;         /* write/connect callback; work: work_cb, after_work_cb */
};
TWUV_HIDDEN struct twuv_handle *twuv_handle(const void *handle, int create);
TWUV_HIDDEN void twuv_handle_del(struct twuv_handle *h);
TWUV_HIDDEN struct twuv_req *twuv_req(const void *req, int create);
TWUV_HIDDEN void twuv_req_del(struct twuv_req *r);
/* Timers due now become READY (called between callbacks). */
TWUV_HIDDEN void twuv_timers_due(struct twuv_loop *lp);
TWUV_HIDDEN void twuv_timer_track(struct twuv_handle *h, int on);

/* A handle's task: made on first sight, named "KIND [ADDRESS] CALLBACK". */
TWUV_HIDDEN void twuv_handle_task(struct twuv_handle *h, uv_handle_t *handle, const void *cb, uint32_t site);
/* "tcp 127.0.0.1:41234", "tcp listen 127.0.0.1:7000", "timer": written at p, returns the end */
TWUV_HIDDEN char *twuv_describe(char *p, char *end, uv_handle_t *handle, int server);
/* Bracket one callback of handle h: its task polls; afterwards it waits again (time or I/O). */
TWUV_HIDDEN void twuv_cb_begin(struct twuv_handle *h);
TWUV_HIDDEN void twuv_cb_end(struct twuv_handle *h);

/* from the pthread adapter (compiled in): call sites and symbol names */
uint32_t twp_site_lookup(const void *ret_addr, const char *what);
int twp_symbol(const void *addr, char *buf, size_t len);
char *twp_str(char *p, const char *s, const char *end);
char *twp_dec(char *p, uint64_t v);
char *twp_hex(char *p, uint64_t v);

#endif
