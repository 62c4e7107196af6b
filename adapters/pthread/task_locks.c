/* task_locks.c — the held-lock lists of runtime tasks, which move between worker threads.
 *
 * A lock taken inside a runtime task's poll is the task's (twp_enter). The task may release it
 * in a later poll that another worker thread runs, so its list cannot live in the thread that
 * took it (a thread's list would keep the lock there for ever and miss the release on the
 * other): it lives here, one slot per task holding pthread locks, claimed by CAS when the task
 * takes its first lock and given back when it holds none. Only the thread running the task
 * touches its slot, and a runtime that moves a task between threads orders the two threads'
 * polls (its run queues), so the entries need no atomics; the slot's owner word does, since
 * tasks on other threads look for their own slots at the same time. A task that finishes
 * holding a lock keeps its slot; a full table counts the lock as not recorded (held_full). */
#include <string.h>
#include "twp.h"

#define TASK_SLOTS 64

struct task_slot {
    tw_task_t task;          /* 0 = free */
    struct twp_locks locks;
};
static struct task_slot slots[TASK_SLOTS];

struct twp_locks *twp_task_locks(tw_task_t t, int create)
{
    for (int i = 0; i < TASK_SLOTS; i++)
        if (__atomic_load_n(&slots[i].task, __ATOMIC_ACQUIRE) == t)
            return &slots[i].locks;
    for (int i = 0; create && i < TASK_SLOTS; i++) {
        tw_task_t z = 0;
        if (__atomic_load_n(&slots[i].task, __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(&slots[i].task, &z, t, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            slots[i].locks.nheld = 0;
            return &slots[i].locks;
        }
    }
    return NULL;
}

void twp_task_locks_free(struct twp_locks *l)
{
    struct task_slot *s = (struct task_slot *)((char *)l - offsetof(struct task_slot, locks));
    __atomic_store_n(&s->task, 0, __ATOMIC_RELEASE);
}

void twp_task_locks_reset(void)
{
    memset(slots, 0, sizeof slots);
}
