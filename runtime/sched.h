/* runtime/sched.h — worker threads and the pieces of the scheduler shared between its files. */
#ifndef TWRT_SCHED_H
#define TWRT_SCHED_H
#include <pthread.h>
#include "internal.h"

struct twrt_worker {
    int index;
    pthread_t thread;
    struct twrt_ctx sched;          /* the scheduler loop's context on the thread's own stack */
    struct twrt_task *current;      /* the task being polled, NULL between polls */
    void *tsan_fiber;
    twrt_spin rq_lk;                /* guards the FIFO run queue */
    struct twrt_task *rq_head, *rq_tail;
    atomic_int rq_len;
    volatile uint32_t *ctl;         /* the region's control futex word, once there is a region */
    uint32_t ctl_seen;              /* its value when this worker last took control requests */
    char pad[64];                   /* keep workers' hot fields on separate cache lines */
};

struct twrt_worker *twrt__worker(void);
void twrt__enqueue(struct twrt_task *t);
int twrt__any_work(void);
void twrt__control_poll(void);

/* idle.c: sleeping until work, a timer, or a control request */
void twrt__idle_wait(struct twrt_worker *w);
void twrt__idle_kick(void);

/* registry.c: id -> task for control requests */
void twrt__registry_add(struct twrt_task *t);
void twrt__registry_remove(struct twrt_task *t);
struct twrt_task *twrt__registry_get(uint32_t id);   /* with a reference, or NULL */

/* task.c / chan.c */
void twrt__join_complete(struct twrt_task *t);
void twrt__handle_move(void *handle, struct twrt_task *to);
#endif
