/* control.c — pause/resume requests written into the region from outside.
 *
 * Every byte of the control area is untrusted: another process (tw pause, a debugger) writes
 * it. Only a POSTED slot with a known op naming a live task is accepted; anything else is
 * marked REJECTED and ignored. */
#include "internal.h"

static uint32_t seen_generation;

static struct tw_control *control(void)
{
    struct tw_header *h = tw__hdr();
    return h ? (struct tw_control *)(tw__base() + h->control_offset) : NULL;
}

volatile uint32_t *tw_control_futex(void)
{
    if (!tw__region_ensure())
        return NULL;
    return &control()->futex;
}

int tw_control_take(uint32_t *task_id, int *op)
{
    struct tw_control *c = control();
    if (!c)
        return 0;
    uint32_t gen = __atomic_load_n(&c->futex, __ATOMIC_ACQUIRE);
    if (gen == __atomic_load_n(&seen_generation, __ATOMIC_RELAXED))
        return 0;
    for (unsigned i = 0; i < TW_CONTROL_SLOTS; i++) {
        uint32_t st = TW_CTL_POSTED;
        /* claim the slot so two workers never apply the same request */
        if (!__atomic_compare_exchange_n(&c->slot[i].state, &st, TW_CTL_DONE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            /* a state no protocol knows is garbage: give the slot back, or a hostile writer
             * could leave no free slot for the next legitimate request */
            if (st > TW_CTL_REJECTED)
                __atomic_compare_exchange_n(&c->slot[i].state, &st, TW_CTL_REJECTED, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
            continue;
        }
        uint32_t o = __atomic_load_n(&c->slot[i].op, __ATOMIC_RELAXED);
        uint32_t t = __atomic_load_n(&c->slot[i].task, __ATOMIC_RELAXED);
        if ((o != TW_CTL_PAUSE && o != TW_CTL_RESUME) || !tw_task_by_id(t)) {
            __atomic_store_n(&c->slot[i].state, TW_CTL_REJECTED, __ATOMIC_RELEASE);
            continue;
        }
        *task_id = t;
        *op = (int)o;
        return 1;
    }
    __atomic_store_n(&seen_generation, gen, __ATOMIC_RELAXED);
    return 0;
}
