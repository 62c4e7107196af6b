/* region.c — creating the shared region on the first event, and forgetting it after fork().
 *
 * The region is a memfd so that it lands in core dumps under the default coredump_filter
 * (a /dev/shm file would not) and so that only processes allowed to ptrace us can open it
 * through /proc/PID/fd. Its size is fixed here; nothing is ever allocated afterwards. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

struct tw_header *volatile tw_region;
volatile int tw_state;
uint64_t tw_ns_mult_ = 1ull << 32;

static int region_fd = -1;
static size_t region_bytes;
static int init_claim; /* 0 free, 1 someone is creating the region */
static uint64_t lost_while_creating; /* events of signal handlers that interrupted the creation */

/* Those events go into the header's events_lost once there is a header. */
static void count_lost_while_creating(void)
{
    uint64_t lost = __atomic_exchange_n(&lost_while_creating, 0, __ATOMIC_RELAXED);
    if (lost && __atomic_load_n(&tw_state, __ATOMIC_ACQUIRE) > 0)
        __atomic_add_fetch(&tw__hdr()->events_lost, lost, __ATOMIC_RELAXED);
}

static uint64_t env_u64(const char *name, uint64_t dflt, uint64_t max)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (*end || x > max)
        return dflt;
    return x;
}

static uint64_t pow2_at_least(uint64_t x)
{
    uint64_t p = 1;
    while (p < x)
        p <<= 1;
    return p;
}

static size_t align_up(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }

/* Calibrate the TSC against CLOCK_MONOTONIC over ~200 us: precise to ~0.02 %, and cheap
 * enough to do once per process. The CPUs here have an invariant TSC (constant_tsc,
 * nonstop_tsc); readers convert with the anchor pair. */
#ifdef TW_FAKE_CLOCK
uint64_t tw_fake_clock_ns;
static void calibrate(struct tw_header *h)
{
    h->clock_kind = 2;
    h->anchor_raw = h->anchor_ns = 0;
    h->ns_per_raw_num = h->ns_per_raw_den = 1;
}
#else
static void calibrate(struct tw_header *h)
{
    uint64_t n0 = tw__mono_ns(), t0 = tw__now(), n1, t1;
    do {
        n1 = tw__mono_ns();
        t1 = tw__now();
    } while (n1 - n0 < 200000);
    h->clock_kind = 1;
    h->anchor_raw = t0;
    h->anchor_ns = n0;
    h->ns_per_raw_num = n1 - n0;
    h->ns_per_raw_den = t1 > t0 ? t1 - t0 : 1;
    tw_ns_mult_ = (uint64_t)(((unsigned __int128)h->ns_per_raw_num << 32) / h->ns_per_raw_den);
}
#endif

static void set_table(struct tw_table_desc *t, size_t *off, uint32_t stride, uint64_t cap)
{
    *off = align_up(*off, 64);
    t->offset = *off;
    t->stride = stride;
    t->capacity = (uint32_t)cap;
    t->count = 0;
    *off += (size_t)stride * cap;
}

static void fill_exe(struct tw_header *h)
{
    extern char *program_invocation_short_name;
    strncpy(h->exe, program_invocation_short_name ? program_invocation_short_name : "?",
            sizeof h->exe - 1);
}

static void atfork_child(void);

static int create_region(void)
{
    uint64_t max_tasks = env_u64("TW_MAX_TASKS", 16384, 1u << 24);
    uint64_t max_res = env_u64("TW_MAX_RESOURCES", 8192, 1u << 24);
    uint64_t max_threads = env_u64("TW_MAX_THREADS", 64, 4096);
    uint64_t ring_events = env_u64("TW_LOG_EVENTS", 8192, 1u << 24);
    uint64_t arena = env_u64("TW_STRINGS_BYTES", 1u << 20, 1u << 28);
    uint64_t sites = env_u64("TW_MAX_SITES", 4096, 65535), stacks = env_u64("TW_MAX_STACKS", 1024, 1u << 20);
    /* a power of two: an edge's slot is its hash masked (order.c) */
    uint64_t orders = pow2_at_least(env_u64("TW_MAX_LOCK_ORDERS", 16384, 1u << 24));
    if (ring_events)
        ring_events = pow2_at_least(ring_events);
    if (max_tasks < 1) max_tasks = 1;
    if (max_res < 1) max_res = 1;
    if (max_threads < 1) max_threads = 1;
    if (sites < 2) sites = 2;
    if (stacks < 2) stacks = 2;

    struct tw_header tmp;
    memset(&tmp, 0, sizeof tmp);
    size_t off = align_up(sizeof(struct tw_header), 64);
    set_table(&tmp.rings, &off, (uint32_t)align_up(sizeof(struct tw_ring_desc), 64), max_threads);
    set_table(&tmp.tasks, &off, sizeof(struct tw_task_rec), max_tasks);
    set_table(&tmp.resources, &off, sizeof(struct tw_res_rec), max_res);
    set_table(&tmp.sites, &off, sizeof(struct tw_site_rec), sites);
    set_table(&tmp.stacks, &off, sizeof(struct tw_stack_rec), stacks);
    set_table(&tmp.orders, &off, sizeof(struct tw_order_rec), orders);
    off = align_up(off, 64);
    tmp.arena_offset = off;
    tmp.arena_size = arena;
    off += arena;
    off = align_up(off, 64);
    tmp.control_offset = off;
    off += sizeof(struct tw_control);
    off = align_up(off, 4096); /* rings start page aligned, one after another */
    size_t rings_at = off;
    off += (size_t)max_threads * ring_events * sizeof(struct tw_event);
    size_t total = align_up(off, 4096);

    int fd = memfd_create("turbowish", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (ftruncate(fd, (off_t)total) != 0) {
        close(fd);
        return 0;
    }
    void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED || !tw__order_setup((uint32_t)max_tasks)) {
        if (m != MAP_FAILED)
            munmap(m, total);
        close(fd);
        return 0;
    }
    struct tw_header *h = m;
    *h = tmp;
    memcpy(h->magic, TW_MAGIC, 8);
    h->byte_order = TW_BYTE_ORDER_MARK;
    h->abi_major = TW_ABI_MAJOR;
    h->abi_minor = TW_ABI_MINOR;
    h->header_size = sizeof(struct tw_header);
    h->pid = getpid();
    h->region_size = total;
    h->ring_events = ring_events;
    h->arena_used = 1; /* offset 0 means "no string" */
    h->sites.count = 1; /* index 0 reserved */
    h->stacks.count = 1;
    h->next_task_id = 1;
    h->next_res_id = 1;
    h->long_poll_ms = (uint32_t)env_u64("TW_LONG_POLL_MS", 50, 1u << 30);
    h->backtrace = (uint32_t)tw__bt_init(); /* the mode in effect: unwind falls back to fp without libunwind */
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    h->created_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
    fill_exe(h);
    calibrate(h);
    /* Each ring's place is fixed now, so attaching a thread later is one CAS. */
    for (uint64_t i = 0; i < max_threads; i++) {
        TW_RING_DESC(h, i)->offset = rings_at + i * ring_events * sizeof(struct tw_event);
        TW_RING_DESC(h, i)->capacity = ring_events;
    }
    h->used_size = rings_at; /* grows as rings are attached */
    region_fd = fd;
    region_bytes = total;
    __atomic_store_n(&tw_region, h, __ATOMIC_RELEASE);
    return 1;
}

/* Called by every exported entry point before it touches the region. Fast when set up. */
int tw__region_start(void)
{
    int st = __atomic_load_n((int *)&tw_state, __ATOMIC_ACQUIRE);
    if (TW_LIKELY(st > 0))
        return 1;
    if (st < 0)
        return 0;
    const char *d = getenv("TW_DISABLE");
    if (d && *d && strcmp(d, "0") != 0) {
        tw_state = -1;
        return 0;
    }
    /* A signal handler interrupting this thread's own start of the region would wait for
     * itself forever: its event is counted as lost instead. */
    if (tw_tls_.creating) {
        __atomic_add_fetch(&lost_while_creating, 1, __ATOMIC_RELAXED);
        return 0;
    }
    tw_tls_.creating = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    int expected = 0;
    if (__atomic_compare_exchange_n(&init_claim, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        static int atfork_registered;
        if (!atfork_registered) {
            pthread_atfork(NULL, NULL, atfork_child);
            atfork_registered = 1;
        }
        int ok = create_region();
        __atomic_store_n(&tw_state, ok ? 1 : -1, __ATOMIC_RELEASE);
        tw_tls_.creating = 0;
        count_lost_while_creating();
        return ok;
    }
    tw_tls_.creating = 0;
    /* Another thread is creating the region right now (process start only, ~200 us). */
    while (__atomic_load_n(&tw_state, __ATOMIC_ACQUIRE) == 0)
        __builtin_ia32_pause();
    count_lost_while_creating();
    return tw_state > 0;
}


/* The child of fork() must not write into the parent's region: drop the mapping, start over
 * with a fresh region at the child's first event. Only this thread exists in the child. */
static void atfork_child(void)
{
    struct tw_header *h = tw_region;
    if (!h)
        return;
    tw_region = NULL;
    munmap(h, region_bytes);
    if (region_fd >= 0)
        close(region_fd);
    region_fd = -1;
    tw__order_forget();
    memset(&tw_tls_, 0, sizeof tw_tls_);
    tw_polling_task = 0;   /* a task of the parent's region */
    init_claim = 0;
    tw_state = 0;
}

/* TW_DISABLE is read at load time too, so that a disabled program's inline checks never call in. */
__attribute__((constructor)) static void tw__read_disable(void)
{
    const char *d = getenv("TW_DISABLE");
    if (d && *d && strcmp(d, "0") != 0)
        tw_state = -1;
}
