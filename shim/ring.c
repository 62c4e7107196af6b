/* ring.c — giving each OS thread its own event ring (the flight recorder).
 *
 * A thread claims a directory slot with one CAS the first time it records an event; after that
 * every event is a plain store into memory no other thread writes. When the thread exits its
 * slot is marked exited: its history stays readable until a new thread needs the slot. */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

__thread struct tw_tls tw_tls_ __attribute__((tls_model("initial-exec")));

enum { RING_FREE = 0, RING_LIVE = 1, RING_EXITED = 2 };

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void on_thread_exit(void *key_value)
{
    /* The thread's own ring, not the key's value: in a fork child the key still holds the
     * parent's ring, unmapped since (or now another region's memory); the fork cleared the TLS. */
    (void)key_value;
    struct tw_ring_desc *d = tw_tls_.desc;
    /* Other TLS destructors may still record after this one: the ring is another thread's
     * from now on, so those events are counted as lost instead of written into it. */
    tw_tls_.last_task = 0; /* the event fast path relies on a cached task having a ring */
    tw_tls_.prev_task = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    tw_tls_.events = NULL;
    tw_tls_.desc = NULL;
    tw_tls_.attach_failed = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (d && tw_region)
        __atomic_store_n(&d->seq, RING_EXITED, __ATOMIC_RELEASE);
}
static void make_exit_key(void) { pthread_key_create(&exit_key, on_thread_exit); }

static int claim(struct tw_ring_desc *d, uint32_t from)
{
    uint32_t expected = from;
    return __atomic_compare_exchange_n(&d->seq, &expected, RING_LIVE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static int attach(struct tw_tls *l, struct tw_header *h);

/* Slow path of tw__emit: find this thread a ring. Returns 0 (and counts) when none is left. */
int tw__ring_attach(void)
{
    struct tw_tls *l = &tw_tls_;
    /* attaching: a signal handler recording while this thread looks for its ring would claim
     * a second one; its event is counted as lost instead */
    if (l->attach_failed || l->attaching || l->desc || !tw__region_ensure())
        return 0; /* l->desc without events: TW_LOG_EVENTS=0, the thread only counts */
    struct tw_header *h = tw__hdr();
    l->attaching = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    int ok = attach(l, h);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    l->attaching = 0;
    return ok;
}

static int attach(struct tw_tls *l, struct tw_header *h)
{
    struct tw_ring_desc *got = NULL;
    for (uint32_t pass = RING_FREE; pass <= RING_EXITED && !got; pass += RING_EXITED) {
        for (uint32_t i = 0; i < h->rings.capacity; i++) {
            if (claim(TW_RING_DESC(h, i), pass)) {
                got = TW_RING_DESC(h, i);
                /* count is the high-water mark readers scan up to */
                uint32_t c = __atomic_load_n(&h->rings.count, __ATOMIC_RELAXED);
                while (c < i + 1 && !__atomic_compare_exchange_n(&h->rings.count, &c, i + 1, 0,
                                                                  __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
                }
                uint64_t end = got->offset + got->capacity * sizeof(struct tw_event);
                uint64_t u = __atomic_load_n(&h->used_size, __ATOMIC_RELAXED);
                while (u < end && !__atomic_compare_exchange_n(&h->used_size, &u, end, 0,
                                                                __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
                }
                break;
            }
        }
    }
    if (!got) {
        l->attach_failed = 1;
        __atomic_add_fetch(&h->rings.full, 1, __ATOMIC_RELAXED);
        return 0;
    }
    got->os_tid = tw__tid();
    /* a previous thread's run-queue time and stops are no baseline for this one: the thread's
     * own (tw_tls_, zero until it measures a poll) are, and readers find them here */
    got->sched_wait_ns = 0;
    got->stops_base = l->reader_stops;
    got->timed_base = l->timed_stops;
    got->stopped_us_base = l->stopped_us;
    char name[16] = "";
    pthread_getname_np(pthread_self(), name, sizeof name);
    got->name = name[0] ? tw__intern(name) : 0;
    /* A reused ring keeps counting from where it was so its old events stay ordered. */
    l->head = got->head;
    l->mask = got->capacity - 1;
    l->desc = got;
    pthread_once(&exit_key_once, make_exit_key);
    pthread_setspecific(exit_key, got);
    if (got->capacity == 0)
        return 0; /* TW_LOG_EVENTS=0: the model is kept, history is not; the entry counts what is not kept */
    l->events = (struct tw_event *)(tw__base() + got->offset);
    return 1;
}

/* An event that was not recorded. With TW_LOG_EVENTS=0 the thread counts it in its own
 * directory entry (ring_desc.dropped: no line shared with other threads); a thread that got no
 * entry at all (directory full, or its entry given back at exit) counts it in the header. */
void tw__event_lost(void)
{
    struct tw_ring_desc *d = tw_tls_.desc;
    if (d) {
        tw__reserve(&d->dropped);
        return;
    }
    struct tw_header *h = tw__hdr();
    if (h)
        __atomic_add_fetch(&h->events_lost, 1, __ATOMIC_RELAXED);
}

uint32_t tw__tid_slow(void)
{
    return tw_tls_.tid = (uint32_t)syscall(SYS_gettid);
}
