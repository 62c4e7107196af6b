/* write.c — uv_write: a stream's pending writes are a resource ("tcp 127.0.0.1:41234 writes")
 * whose queue length is the number of writes libuv has not completed; the write callback is a
 * callback of the stream's task. */
#include <string.h>
#include "twuv.h"

static void write_tramp(uv_write_t *req, int status)
{
    struct twuv_req *r = twuv_req(req, 0);
    if (!r)
        return;
    uv_write_cb cb = (uv_write_cb)r->cb;
    struct twuv_handle *h = r->h;
    uv_stream_t *s = req->handle; /* the callback usually frees req */
    twuv_req_del(r);
    if (h->writes)
        tw_recv(0, h->writes);
    twuv_cb_begin(h);
    if (cb)
        cb(req, status);
    /* the callback may have closed the stream: its record stays until the close callback */
    if (twuv_handle(s, 0) == h)
        twuv_cb_end(h);
}

TWUV_EXPORT int uv_write(uv_write_t *req, uv_stream_t *s, const uv_buf_t bufs[], unsigned n, uv_write_cb cb)
{
    struct twuv_loop *lp = cb != write_tramp ? twuv_loop_of(s->loop) : NULL;
    struct twuv_handle *h = lp ? twuv_handle(s, 1) : NULL;
    struct twuv_req *r = h ? twuv_req(req, 1) : NULL;
    if (!r)
        return TWUV_REAL(write)(req, s, bufs, n, cb);
    h->lp = lp;
    if (!h->kind)
        h->kind = TWUV_STREAM;
    twuv_handle_task(h, (uv_handle_t *)s, NULL, twp_site_lookup(__builtin_return_address(0), "uv_write"));
    if (!h->writes) {
        char name[200];
        twp_str(twuv_describe(name, name + sizeof name - 8, (uv_handle_t *)s, 0), " writes", name + sizeof name);
        h->writes = tw_res_create(TW_RES_CHANNEL, TW_CLASS_CONSUMABLE, -1, name, h->site, (uint64_t)(uintptr_t)s);
    }
    r->h = h;
    r->cb = (void *)cb;
    tw_send(twuv_current, h->writes);
    int rc = TWUV_REAL(write)(req, s, bufs, n, write_tramp);
    if (rc != 0) {
        tw_recv(twuv_current, h->writes);
        twuv_req_del(r);
    }
    return rc;
}
