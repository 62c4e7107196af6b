/* real.c — the real libuv functions this library stands in front of. RTLD_NEXT finds them
 * when libtw-uv comes before libuv in the search order (linked first, or LD_PRELOAD'ed);
 * otherwise we ask libuv.so.1 itself. */
#include <dlfcn.h>
#include "twuv.h"

struct twuv_real twuv_real;

static void *find(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (!p) {
        void *lib = dlopen("libuv.so.1", RTLD_LAZY | RTLD_NOLOAD);
        if (lib)
            p = dlsym(lib, name);
    }
    return p;
}

void twuv_resolve(void)
{
    twuv_real.timer_start = (int (*)(uv_timer_t *, uv_timer_cb, uint64_t, uint64_t))find("uv_timer_start");
    twuv_real.read_start = (int (*)(uv_stream_t *, uv_alloc_cb, uv_read_cb))find("uv_read_start");
    twuv_real.listen = (int (*)(uv_stream_t *, int, uv_connection_cb))find("uv_listen");
    twuv_real.write = (int (*)(uv_write_t *, uv_stream_t *, const uv_buf_t[], unsigned, uv_write_cb))find("uv_write");
    twuv_real.queue_work = (int (*)(uv_loop_t *, uv_work_t *, uv_work_cb, uv_after_work_cb))find("uv_queue_work");
    twuv_real.tcp_connect = (int (*)(uv_connect_t *, uv_tcp_t *, const struct sockaddr *, uv_connect_cb))find("uv_tcp_connect");
    twuv_real.pipe_connect = (void (*)(uv_connect_t *, uv_pipe_t *, const char *, uv_connect_cb))find("uv_pipe_connect");
    twuv_real.close = (void (*)(uv_handle_t *, uv_close_cb))find("uv_close");
}

__attribute__((constructor)) static void twuv_init(void) { twuv_resolve(); }
