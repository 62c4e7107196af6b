/* handles.c — timers, streams and servers as tasks polled once per callback.
 *
 * Each interposed start call records the program's callback in the handle's record and gives
 * libuv ours, which brackets the program's: the handle's task is woken and polls while the
 * callback runs, then waits again on time (timers) or I/O (streams). A handle's task ends when
 * its close callback has run (the record is dropped before the program's close callback,
 * which may free the handle). */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "twuv.h"

static char *peer(char *p, char *end, uv_handle_t *h, int local)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (h->type != UV_TCP)
        return p;
    int rc = local ? uv_tcp_getsockname((uv_tcp_t *)h, (struct sockaddr *)&ss, &len)
                   : uv_tcp_getpeername((uv_tcp_t *)h, (struct sockaddr *)&ss, &len);
    if (rc != 0)
        return p;
    char ip[64] = "";
    int port = 0;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        uv_ip4_name(a, ip, sizeof ip);
        port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        uv_ip6_name(a, ip, sizeof ip);
        port = ntohs(a->sin6_port);
    }
    p = twp_str(p, " ", end);
    p = twp_str(p, ip, end);
    p = twp_str(p, ":", end);
    return twp_dec(p, (uint64_t)port);
}

char *twuv_describe(char *p, char *end, uv_handle_t *handle, int server)
{
    p = twp_str(p, uv_handle_type_name(handle->type) ? uv_handle_type_name(handle->type) : "handle", end);
    if (server)
        p = twp_str(p, " listen", end);
    return peer(p, end, handle, server);
}

void twuv_handle_task(struct twuv_handle *h, uv_handle_t *handle, const void *cb, uint32_t site)
{
    if (h->task)
        return;
    char name[200], *p = name, *end = name + sizeof name - 24;
    p = twuv_describe(p, end, handle, h->kind == TWUV_SERVER);
    char sym[128];
    if (cb && twp_symbol(cb, sym, sizeof sym)) {
        char *plus = strchr(sym, '+');
        if (plus) *plus = 0;
        p = twp_str(p, " ", end);
        twp_str(p, sym, end);
    }
    h->site = site;
    h->task = tw_task_spawn(name, site, twuv_current ? twuv_current : h->lp->task);
    /* one empty poll so it starts out waiting, like the handle */
    tw_poll_begin(h->task);
    h->kind == TWUV_TIMER ? tw_await_begin(h->task, site, TW_WAIT_TIMER, 0, 1) : tw_await_begin(h->task, site, TW_WAIT_IO, 0, 0);
    tw_poll_end(h->task, TW_POLL_PENDING);
}

void twuv_cb_begin(struct twuv_handle *h)
{
    twuv_loop_wake(h->lp);
    if (!h->woken)
        tw_wake(h->task, h->lp->task);
    h->woken = 0;
    tw_poll_begin(h->task);
    tw_await_end(h->task);
    twuv_current = h->task;
}

void twuv_cb_end(struct twuv_handle *h)
{
    twuv_current = 0;
    if (h->kind == TWUV_TIMER)
        tw_await_begin(h->task, h->site, TW_WAIT_TIMER, 0, 1);
    else
        tw_await_begin(h->task, h->site, TW_WAIT_IO, h->writes ? tw_res_id(h->writes) : 0, 0);
    tw_poll_end(h->task, TW_POLL_PENDING);
    twuv_timers_due(h->lp);
}

/* ---- timers ---- */
static void timer_tramp(uv_timer_t *t)
{
    struct twuv_handle *h = twuv_handle(t, 0);
    if (!h)
        return;
    uv_timer_cb cb = (uv_timer_cb)h->cb;
    twuv_cb_begin(h);
    cb(t);
    if ((h = twuv_handle(t, 0)))
        twuv_cb_end(h);
}

TWUV_EXPORT int uv_timer_start(uv_timer_t *t, uv_timer_cb cb, uint64_t timeout, uint64_t repeat)
{
    /* libuv re-arms a repeating timer through uv_timer_start with the callback it has: ours */
    struct twuv_loop *lp = cb && cb != timer_tramp ? twuv_loop_of(t->loop) : NULL;
    struct twuv_handle *h = lp ? twuv_handle(t, 1) : NULL;
    if (!h)
        return TWUV_REAL(timer_start)(t, cb, timeout, repeat);
    h->lp = lp;
    h->kind = TWUV_TIMER;
    h->cb = (void *)cb;
    twuv_handle_task(h, (uv_handle_t *)t, (const void *)cb, twp_site_lookup(__builtin_return_address(0), "uv_timer_start"));
    int rc = TWUV_REAL(timer_start)(t, timer_tramp, timeout, repeat);
    twuv_timer_track(h, rc == 0);
    return rc;
}

/* ---- streams ---- */
static void read_tramp(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct twuv_handle *h = twuv_handle(s, 0);
    if (!h)
        return;
    uv_read_cb cb = (uv_read_cb)h->cb;
    twuv_cb_begin(h);
    cb(s, n, buf);
    if ((h = twuv_handle(s, 0)))
        twuv_cb_end(h);
}

static struct twuv_handle *stream(uv_stream_t *s, int kind, const void *cb, void *ra)
{
    struct twuv_loop *lp = twuv_loop_of(s->loop);
    struct twuv_handle *h = lp ? twuv_handle(s, 1) : NULL;
    if (!h)
        return NULL;
    h->lp = lp;
    if (!h->kind)
        h->kind = kind;
    if (cb)
        h->cb = (void *)cb;
    twuv_handle_task(h, (uv_handle_t *)s, cb, twp_site_lookup(ra, kind == TWUV_SERVER ? "uv_listen" : "uv_read_start"));
    return h;
}

TWUV_EXPORT int uv_read_start(uv_stream_t *s, uv_alloc_cb alloc, uv_read_cb cb)
{
    struct twuv_handle *h = cb && cb != read_tramp ? stream(s, TWUV_STREAM, (const void *)cb, __builtin_return_address(0)) : NULL;
    return TWUV_REAL(read_start)(s, alloc, h ? read_tramp : cb);
}

static void connection_tramp(uv_stream_t *s, int status)
{
    struct twuv_handle *h = twuv_handle(s, 0);
    if (!h)
        return;
    uv_connection_cb cb = (uv_connection_cb)h->cb;
    twuv_cb_begin(h);
    cb(s, status);
    if ((h = twuv_handle(s, 0)))
        twuv_cb_end(h);
}

TWUV_EXPORT int uv_listen(uv_stream_t *s, int backlog, uv_connection_cb cb)
{
    struct twuv_handle *h = cb && cb != connection_tramp ? stream(s, TWUV_SERVER, (const void *)cb, __builtin_return_address(0)) : NULL;
    return TWUV_REAL(listen)(s, backlog, h ? connection_tramp : cb);
}

static void connect_tramp(uv_connect_t *req, int status)
{
    struct twuv_req *r = twuv_req(req, 0);
    if (!r)
        return;
    uv_connect_cb cb = (uv_connect_cb)r->cb;
    struct twuv_handle *h = r->h;
    uv_stream_t *s = req->handle; /* the callback may free req */
    twuv_req_del(r);
    if (h)
        twuv_cb_begin(h);
    if (cb)
        cb(req, status);
    if (h && twuv_handle(s, 0) == h)
        twuv_cb_end(h);
}

TWUV_EXPORT int uv_tcp_connect(uv_connect_t *req, uv_tcp_t *t, const struct sockaddr *addr, uv_connect_cb cb)
{
    struct twuv_handle *h = cb != connect_tramp ? stream((uv_stream_t *)t, TWUV_STREAM, (const void *)cb, __builtin_return_address(0)) : NULL;
    struct twuv_req *r = h ? twuv_req(req, 1) : NULL;
    if (!r)
        return TWUV_REAL(tcp_connect)(req, t, addr, cb);
    r->h = h;
    r->cb = (void *)cb;
    int rc = TWUV_REAL(tcp_connect)(req, t, addr, connect_tramp);
    if (rc != 0)
        twuv_req_del(r);
    return rc;
}

TWUV_EXPORT void uv_pipe_connect(uv_connect_t *req, uv_pipe_t *p, const char *name, uv_connect_cb cb)
{
    struct twuv_handle *h = cb != connect_tramp ? stream((uv_stream_t *)p, TWUV_STREAM, (const void *)cb, __builtin_return_address(0)) : NULL;
    struct twuv_req *r = h ? twuv_req(req, 1) : NULL;
    if (!r) {
        TWUV_REAL(pipe_connect)(req, p, name, cb);
        return;
    }
    r->h = h;
    r->cb = (void *)cb;
    TWUV_REAL(pipe_connect)(req, p, name, connect_tramp);
}

/* ---- close ---- */
static void close_tramp(uv_handle_t *handle)
{
    struct twuv_handle *h = twuv_handle(handle, 0);
    if (!h)
        return;
    uv_close_cb cb = h->close_cb;
    tw_task_t task = h->task;
    tw_res_t writes = h->writes;
    struct twuv_loop *lp = h->lp;
    twuv_handle_del(h);
    twuv_loop_wake(lp);
    tw_wake(task, lp->task);
    tw_poll_begin(task);
    tw_await_end(task);
    twuv_current = task;
    if (cb)
        cb(handle);
    twuv_current = 0;
    tw_poll_end(task, TW_POLL_COMPLETED);
    tw_task_done(task, 0);
    if (writes)
        tw_res_close(writes);
}

TWUV_EXPORT void uv_close(uv_handle_t *handle, uv_close_cb cb)
{
    struct twuv_handle *h = twuv_handle(handle, 0);
    if (!h || uv_is_closing(handle) || cb == close_tramp) {
        TWUV_REAL(close)(handle, cb);
        return;
    }
    h->close_cb = cb;
    TWUV_REAL(close)(handle, close_tramp);
}

TWUV_EXPORT void tw_uv_name(const uv_handle_t *handle, const char *name)
{
    struct twuv_handle *h = handle && name ? twuv_handle(handle, 0) : NULL;
    if (h && h->task)
        tw_task_name(h->task, name);
}
