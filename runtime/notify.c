/* notify.c — wake one waiter (or leave one permit for the next wait), or wake every waiter.
 * Who will notify is unknown to the runtime, so the wait is TW_WAIT_SIGNAL. */
#include <errno.h>
#include <stdlib.h>
#include "sched.h"

struct twrt_notify { twrt_spin lk; int permit; struct twrt__wq q; tw_res_t res; };

twrt_notify *twrt_notify_new(const char *name)
{
    twrt_notify *n = calloc(1, sizeof *n);
    if (n) n->res = tw_res_create(TW_RES_NOTIFY, TW_CLASS_CONSUMABLE, -1, name ? name : "notify", 0, (uintptr_t)n);
    return n;
}

void twrt_notify_free(twrt_notify *n)
{
    if (!n) return;
    tw_res_close(n->res);
    free(n);
}

int twrt__notify_wait(twrt_notify *n, uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    twrt__spin_lock(&n->lk);
    if (n->permit) {
        n->permit = 0;
    } else {
        struct twrt__waiter w = { .task = t };
        twrt__wq_push(&n->q, &w);
        tw_await_begin(t->tw, site, TW_WAIT_SIGNAL, tw_res_id(n->res), 0);
        twrt__block_on(&n->lk, &w.done);
        tw_await_end(t->tw);
    }
    twrt__spin_unlock(&n->lk);
    return 0;
}

void twrt_notify_one(twrt_notify *n)
{
    twrt__spin_lock(&n->lk);
    struct twrt__waiter *w = n->q.head;
    if (w) {
        twrt__wq_remove(&n->q, w);
        w->done = 1;
        twrt__wake(w->task);
    } else {
        n->permit = 1;
    }
    twrt__spin_unlock(&n->lk);
}

void twrt_notify_all(twrt_notify *n)
{
    twrt__spin_lock(&n->lk);
    struct twrt__waiter *w;
    while ((w = n->q.head)) {
        twrt__wq_remove(&n->q, w);
        w->done = 1;
        twrt__wake(w->task);
    }
    twrt__spin_unlock(&n->lk);
}
