/* tw_uv.h — TurboWish for libuv programs (link -ltw-uv before -luv, or LD_PRELOAD it).
 *
 * After tw_uv_instrument(loop), the handles and requests of that loop appear in TurboWish:
 *  - the loop itself is a task ("uv loop"): POLLING while an iteration runs callbacks, WAITING
 *    (I/O) while it blocks in the kernel, so each iteration is one poll (long_poll);
 *  - every timer, TCP/pipe/TTY stream and listening server is a task, polled once per callback
 *    it gets (a slow callback is a long_poll of its handle, named after the callback), waiting
 *    on time or I/O in between; a timer that is due is READY until its callback runs;
 *  - a stream's queued writes are a resource ("... writes": queued = writes pending);
 *  - every uv_queue_work item is a task: READY from submission until a threadpool thread runs
 *    its work callback (a full threadpool shows as ready_starvation), READY again until the
 *    loop runs its after-work callback, then done.
 * How: this library defines uv_timer_start, uv_read_start, uv_listen, uv_write, uv_queue_work,
 * uv_tcp_connect, uv_pipe_connect and uv_close; each calls the real libuv function (found with
 * dlsym(RTLD_NEXT)) with a callback of ours that brackets the program's callback. Handles of
 * loops that are not instrumented are passed through untouched. Handles started before
 * tw_uv_instrument are not seen until they are started again.
 * TW_UV=1 in the environment instruments every loop at its first use (for LD_PRELOAD, when
 * the program cannot be changed). */
#ifndef TW_UV_H
#define TW_UV_H

#include <uv.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Instrument `loop` (call after uv_loop_init / uv_default_loop, before starting handles).
 * Adds an unreferenced prepare and check handle to the loop (they never keep it alive).
 * Returns 0, UV_EALREADY when the loop is already instrumented, UV_ENOSPC when 16 loops
 * already are, UV_ENOTSUP when TurboWish is switched off (TW_DISABLE=1). The loop must stay
 * valid until it is closed; instrumentation ends with the process. */
int tw_uv_instrument(uv_loop_t *loop);

/* Name the task of a handle (the default is its kind and callback, e.g. "timer slow_tick" or
 * "tcp 127.0.0.1:41234 on_read"). The name is copied. No effect on untracked handles. */
void tw_uv_name(const uv_handle_t *handle, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* TW_UV_H */
