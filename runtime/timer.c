/* timer.c — one global min-heap of deadlines, fired by whichever worker passes a scheduling
 * point first. A global heap is plenty for a reference runtime; the atomic next-deadline keeps
 * the check off the lock when nothing is due. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "sched.h"

twrt_spin twrt__timer_lk;
static struct twrt__timer **heap;
static size_t n, cap;
static _Atomic uint64_t next_deadline = UINT64_MAX;

uint64_t twrt__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put(size_t i, struct twrt__timer *tm) { heap[i] = tm; tm->heap_index = i; }

static void sift_up(size_t i)
{
    struct twrt__timer *tm = heap[i];
    while (i > 0 && heap[(i - 1) / 2]->deadline > tm->deadline) { put(i, heap[(i - 1) / 2]); i = (i - 1) / 2; }
    put(i, tm);
}

static void sift_down(size_t i)
{
    struct twrt__timer *tm = heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && heap[c + 1]->deadline < heap[c]->deadline) c++;
        if (heap[c]->deadline >= tm->deadline) break;
        put(i, heap[c]);
        i = c;
    }
    put(i, tm);
}

static void remove_at(size_t i)
{
    n--;
    if (i != n) {
        put(i, heap[n]);
        sift_down(i);
        sift_up(heap[i]->heap_index);
    }
    atomic_store(&next_deadline, n ? heap[0]->deadline : UINT64_MAX);
}

/* Caller holds twrt__timer_lk. */
void twrt__timer_add(struct twrt__timer *tm)
{
    if (n == cap) {
        size_t nc = cap ? cap * 2 : 256;
        struct twrt__timer **nh = realloc(heap, nc * sizeof *nh);
        if (!nh) abort();   /* a timer we cannot keep would hang its task forever */
        heap = nh;
        cap = nc;
    }
    tm->fired = 0;
    put(n, tm);
    sift_up(n++);
    uint64_t old = atomic_load(&next_deadline);
    atomic_store(&next_deadline, heap[0]->deadline);
    if (heap[0] == tm && tm->deadline < old) twrt__idle_kick();   /* a sleeping worker may wait too long */
}

/* Caller holds twrt__timer_lk. */
int twrt__timer_cancel(struct twrt__timer *tm)
{
    if (tm->fired) return 0;
    remove_at(tm->heap_index);
    tm->fired = 1;
    return 1;
}

uint64_t twrt__timers_run(void)
{
    uint64_t now = twrt__now_ns();
    uint64_t nd = atomic_load_explicit(&next_deadline, memory_order_relaxed);
    if (nd > now) return nd == UINT64_MAX ? UINT64_MAX : nd - now;
    twrt__spin_lock(&twrt__timer_lk);
    while (n && heap[0]->deadline <= now) {
        struct twrt__timer *tm = heap[0];
        remove_at(0);
        tm->fired = 1;
        twrt__wake(tm->task);   /* under the timer lock: the task re-checks `fired` under it */
    }
    nd = n ? heap[0]->deadline : UINT64_MAX;
    twrt__spin_unlock(&twrt__timer_lk);
    return nd == UINT64_MAX ? UINT64_MAX : nd > now ? nd - now : 0;
}

int twrt__sleep_ms(uint64_t ms, uint32_t site)
{
    struct twrt_task *t = twrt__current();
    if (!t) return -EPERM;
    struct twrt__timer tm = { .deadline = twrt__now_ns() + ms * 1000000ull, .task = t };
    tw_await_begin(t->tw, site, TW_WAIT_TIMER, 0, 1);
    twrt__spin_lock(&twrt__timer_lk);
    twrt__timer_add(&tm);
    twrt__block_on(&twrt__timer_lk, &tm.fired);
    twrt__spin_unlock(&twrt__timer_lk);
    tw_await_end(t->tw);
    return 0;
}
