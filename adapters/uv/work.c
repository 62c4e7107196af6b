/* work.c — uv_queue_work items as tasks: READY from submission until a threadpool thread runs
 * the work callback (so a saturated threadpool shows up as ready_starvation), POLLING there,
 * READY again until the loop runs the after-work callback, then done (dropped when cancelled). */
#include "twuv.h"

static void work_tramp(uv_work_t *req)
{
    struct twuv_req *r = twuv_req(req, 0);
    if (!r) /* cannot happen: the record is made before the request is queued */
        return;
    tw_poll_begin(r->task);
    ((uv_work_cb)r->cb)(req);
    tw_poll_end(r->task, TW_POLL_READY); /* now waits for the loop to run its after-work callback */
}

static void after_tramp(uv_work_t *req, int status)
{
    struct twuv_req *r = twuv_req(req, 0);
    if (!r)
        return;
    uv_after_work_cb cb = (uv_after_work_cb)r->cb2;
    tw_task_t task = r->task;
    twuv_req_del(r);
    struct twuv_loop *lp = twuv_loop_of(req->loop);
    if (lp)
        twuv_loop_wake(lp);
    tw_poll_begin(task);
    tw_task_t outer = twuv_current;
    twuv_current = task;
    if (cb)
        cb(req, status);
    twuv_current = outer;
    tw_poll_end(task, TW_POLL_COMPLETED);
    tw_task_done(task, status == UV_ECANCELED);
}

TWUV_EXPORT int uv_queue_work(uv_loop_t *loop, uv_work_t *req, uv_work_cb work, uv_after_work_cb after)
{
    struct twuv_loop *lp = work && work != work_tramp ? twuv_loop_of(loop) : NULL;
    struct twuv_req *r = lp ? twuv_req(req, 1) : NULL;
    if (!r)
        return TWUV_REAL(queue_work)(loop, req, work, after);
    char name[160] = "work", sym[128], *p = name + 4;
    if (twp_symbol((const void *)work, sym, sizeof sym)) {
        for (char *q = sym; *q; q++)
            if (*q == '+') *q = 0;
        p = twp_str(p, " ", name + sizeof name);
        twp_str(p, sym, name + sizeof name);
    }
    r->task = tw_task_spawn(name, twp_site_lookup(__builtin_return_address(0), "uv_queue_work"), twuv_current ? twuv_current : lp->task);
    r->cb = (void *)work;
    r->cb2 = (void *)after;
    int rc = TWUV_REAL(queue_work)(loop, req, work_tramp, after_tramp);
    if (rc != 0) {
        tw_task_done(r->task, 1);
        twuv_req_del(r);
    }
    return rc;
}
