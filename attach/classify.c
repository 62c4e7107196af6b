/* classify.c — what a stopped thread is blocked in, and on which object.
 *
 * Two independent witnesses: the syscall the thread sleeps in (orig_rax and its argument
 * registers, which survive any optimisation level and need no debug info), and the glibc
 * function names on its stack (which say what the futex *means*: a mutex, a semaphore, a
 * condvar...). The futex address argument then locates the object; glibc's layout
 * (glibc_layout.c) locates the facts inside it.
 */
#include <string.h>
#include "classify.h"
#include "tw_region.h"
#include "twa_elf.h"

#define SYS_read_ 0
#define SYS_write_ 1
#define SYS_poll_ 7
#define SYS_select_ 23
#define SYS_pause_ 34
#define SYS_nanosleep_ 35
#define SYS_futex_ 202
#define SYS_restart_syscall_ 219
#define SYS_clock_nanosleep_ 230

#define FUTEX_CMD_MASK 0x7f /* drops FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */
#define FUTEX_WAIT_ 0
#define FUTEX_LOCK_PI_ 6
#define FUTEX_WAIT_BITSET_ 9
#define FUTEX_WAIT_REQUEUE_PI_ 11
#define FUTEX_LOCK_PI2_ 13
#define FUTEX_TID_MASK 0x3fffffffu

#define MUTEX_KIND_PI 32

struct api { const char *name; int block; int timed; };

/* glibc entry points and internal helpers, matched with leading underscores stripped and as
 * prefixes, so "___pthread_mutex_lock" and "__new_sem_wait_slow64" match too. The innermost
 * match wins: pthread_cond_wait re-locking its mutex is blocked on the mutex. */
static const struct api apis[] = {
    {"pthread_mutex_timedlock", TWC_BLOCK_MUTEX, 1},
    {"pthread_mutex_clocklock", TWC_BLOCK_MUTEX, 1},
    {"pthread_mutex_cond_lock", TWC_BLOCK_MUTEX, 0},
    {"pthread_mutex_lock", TWC_BLOCK_MUTEX, 0},
    {"lll_lock_wait_private", TWC_BLOCK_UNKNOWN, 0}, /* glibc-internal lock, not a pthread_mutex_t */
    {"lll_lock_wait", TWC_BLOCK_MUTEX, 0},
    {"sem_timedwait", TWC_BLOCK_SEM, 1},
    {"sem_clockwait", TWC_BLOCK_SEM, 1},
    {"sem_wait", TWC_BLOCK_SEM, 0},
    {"new_sem_wait", TWC_BLOCK_SEM, 0},
    {"pthread_cond_timedwait", TWC_BLOCK_COND, 1},
    {"pthread_cond_clockwait", TWC_BLOCK_COND, 1},
    {"pthread_cond_wait", TWC_BLOCK_COND, 0},
    {"pthread_timedjoin", TWC_BLOCK_JOIN, 1},
    {"pthread_clockjoin_np", TWC_BLOCK_JOIN, 1},
    {"pthread_clockjoin_ex", TWC_BLOCK_JOIN, 0},
    {"pthread_join", TWC_BLOCK_JOIN, 0},
    {"pthread_rwlock_timedrdlock", TWC_BLOCK_RWLOCK_RD, 1},
    {"pthread_rwlock_clockrdlock", TWC_BLOCK_RWLOCK_RD, 1},
    {"pthread_rwlock_rdlock", TWC_BLOCK_RWLOCK_RD, 0},
    {"pthread_rwlock_timedwrlock", TWC_BLOCK_RWLOCK_WR, 1},
    {"pthread_rwlock_clockwrlock", TWC_BLOCK_RWLOCK_WR, 1},
    {"pthread_rwlock_wrlock", TWC_BLOCK_RWLOCK_WR, 0},
    {"pthread_barrier_wait", TWC_BLOCK_BARRIER, 0},
    {"nanosleep", TWC_BLOCK_SLEEP, 1},
    {"clock_nanosleep", TWC_BLOCK_SLEEP, 1},
    {"usleep", TWC_BLOCK_SLEEP, 1},
    {"sleep", TWC_BLOCK_SLEEP, 1},
};

static const char *strip(const char *s)
{
    while (*s == '_')
        s++;
    return s;
}

/* Innermost frame (below the program's own code) whose function is a known blocking call. */
static const struct api *find_api(const struct twa_frame *fr, int nfr, int *at)
{
    for (int i = 0; i < nfr; i++) {
        if (fr[i].in_exe && i > 0)
            break;
        for (int k = 0; k < fr[i].nnames; k++) {
            const char *n = strip(fr[i].names[k]);
            for (size_t a = 0; a < sizeof apis / sizeof apis[0]; a++)
                if (strncmp(n, apis[a].name, strlen(apis[a].name)) == 0) {
                    *at = i;
                    return &apis[a];
                }
        }
    }
    return NULL;
}

static int syscall_block(long nr)
{
    switch (nr) {
    case SYS_nanosleep_: case SYS_clock_nanosleep_: case SYS_pause_:
    case 128 /* rt_sigtimedwait */: case 130 /* rt_sigsuspend */:
        return TWC_BLOCK_SLEEP;
    case SYS_read_: case SYS_write_: case SYS_poll_: case SYS_select_:
    case 17 /* pread64 */: case 19 /* readv */: case 20 /* writev */: case 42 /* connect */:
    case 43 /* accept */: case 44 /* sendto */: case 45 /* recvfrom */: case 46 /* sendmsg */:
    case 47 /* recvmsg */: case 61 /* wait4 */: case 232 /* epoll_wait */: case 247 /* waitid */:
    case 270 /* pselect6 */: case 271 /* ppoll */: case 281 /* epoll_pwait */: case 288 /* accept4 */:
    case 441 /* epoll_pwait2 */: case 299 /* recvmmsg */: case 69 /* msgsnd */: case 70 /* msgrcv */:
        return TWC_BLOCK_IO;
    default:
        return TWC_BLOCK_NONE;
    }
}

static int rd32(const struct twa_target *t, uint64_t a, uint32_t *v)
{
    return twa_target_read(t, a, v, 4) == 4 ? 0 : -1;
}

/* Does `a` look like a pthread_mutex_t? Used only to pick a condvar's mutex among saved
 * registers, so it errs on the side of "no": the type bits must be a known kind and the
 * owner and lock word must agree. */
static int plausible_mutex(const struct twa_target *t, const struct twa_glibc_layout *L, uint64_t a, uint64_t not_this)
{
    uint32_t w[6];
    if (a == 0 || (a & 7) || a == not_this || twa_target_read(t, a, w, sizeof w) != sizeof w)
        return 0;
    uint32_t lock = w[0], count = w[1], owner = w[L->mutex_owner / 4], kind = w[L->mutex_kind / 4];
    if ((kind & 0x7f) > 0x7f || (kind & ~(0x7fu | 0x100u | 0x200u | 0xfff80000u)) != 0 || (kind & 3) > 3)
        return 0;
    if (count > 1000000)
        return 0;
    if ((lock == 0) != (owner == 0) && !(kind & 16 /* robust: owner may be marked dead */))
        return 0;
    return 1;
}

static const char *first_name(const struct twa_frame *f)
{
    return f->nnames ? f->names[0] : NULL;
}

static void site(const struct twa_target *t, const struct twa_frame *fr, int nfr, struct twa_class *c)
{
    for (int i = 0; i < nfr; i++) {
        if (!fr[i].in_exe)
            continue;
        uint64_t pc = i ? fr[i].ip - 1 : fr[i].ip, bias;
        struct twa_elf *e = twa_target_object(t, pc, &bias, NULL);
        c->func = first_name(&fr[i]);
        if (e && twa_elf_line(e, pc - bias, &c->file, &c->line) != 0) {
            c->file = NULL;
            c->line = 0;
        }
        return;
    }
}

static void add_obj(struct twa_class *c, uint64_t addr, int kind, uint64_t owner, int64_t value)
{
    if (c->nobjs < 2)
        c->objs[c->nobjs++] = (struct twc_fact_object){addr, kind, owner, value, NULL};
}

static uint64_t mutex_owner(const struct twa_target *t, const struct twa_glibc_layout *L, uint64_t m)
{
    uint32_t owner = 0, lock = 0, kind = 0;
    rd32(t, m + (uint64_t)L->mutex_owner, &owner);
    rd32(t, m, &lock);
    rd32(t, m + (uint64_t)L->mutex_kind, &kind);
    /* PI and robust mutexes keep the owner's TID in the lock word itself. */
    if (owner == 0 && (kind & (MUTEX_KIND_PI | 16)))
        owner = lock & FUTEX_TID_MASK;
    return owner;
}

void twa_classify(const struct twa_target *t, const struct twa_glibc_layout *L, uint32_t tid,
                  const struct user_regs_struct *r,
                  const struct twa_frame *fr, int nfr, struct twa_class *c)
{
    memset(c, 0, sizeof *c);
    site(t, fr, nfr, c);
    long nr = (long)r->orig_rax;
    long rax = (long)r->rax;
    /* In a syscall the kernel will restart (we stopped it) or at its entry (-ENOSYS): blocked.
     * Any other rax means the syscall already returned and the thread is running. */
    int in_sys = nr >= 0 && (rax == -512 || rax == -513 || rax == -514 || rax == -516 || rax == -38 || rax == -4);
    if (!in_sys)
        return; /* running or runnable: TWC_BLOCK_NONE */
    int at = -1;
    const struct api *api = find_api(fr, nfr, &at);
    uint64_t futex = r->rdi;
    int is_futex_wait = 0, lock_pi = 0;
    if (nr == SYS_futex_) {
        int cmd = (int)(r->rsi & FUTEX_CMD_MASK);
        lock_pi = cmd == FUTEX_LOCK_PI_ || cmd == FUTEX_LOCK_PI2_;
        is_futex_wait = lock_pi || cmd == FUTEX_WAIT_ || cmd == FUTEX_WAIT_BITSET_ || cmd == FUTEX_WAIT_REQUEUE_PI_;
        c->timed = is_futex_wait && r->r10 != 0;
    } else if (nr == SYS_restart_syscall_) {
        /* Only timed sleeps are restarted this way (the timeout lives in the kernel's restart
         * block); rdi still holds the original first argument. */
        is_futex_wait = api && api->block != TWC_BLOCK_SLEEP;
        c->timed = 1;
    } else {
        c->block = syscall_block(nr);
        c->timed = c->block == TWC_BLOCK_SLEEP && nr != SYS_pause_ && nr != 130;
        if (c->block == TWC_BLOCK_NONE && api && api->block == TWC_BLOCK_SLEEP)
            c->block = TWC_BLOCK_SLEEP;
        return;
    }
    if (!is_futex_wait) {
        c->block = nr == SYS_restart_syscall_ ? TWC_BLOCK_SLEEP : TWC_BLOCK_NONE;
        return; /* FUTEX_WAKE and friends do not block */
    }
    int kind = api ? api->block : (lock_pi ? TWC_BLOCK_MUTEX : TWC_BLOCK_UNKNOWN);
    if (kind == TWC_BLOCK_SLEEP)
        kind = TWC_BLOCK_UNKNOWN;
    if (api && api->timed)
        c->timed = 1;
    c->block = kind;
    switch (kind) {
    case TWC_BLOCK_MUTEX: {
        uint64_t m = futex;
        uint32_t lock = 1;
        rd32(t, futex, &lock);
        if (nr == SYS_futex_ && !lock_pi && (uint32_t)r->rdx == 0 && lock == 0) {
            /* Waiting for a zero word to change from zero: glibc's "delay the thread
             * indefinitely" after the kernel refused a PI/robust lock with EDEADLK or ESRCH
             * (a deadlock the kernel itself detected). The futex is a dummy on the stack; the
             * mutex is still in a register of pthread_mutex_lock's frames. */
            m = 0;
            int top = at >= 0 ? at + 1 : nfr - 1;
            for (int i = 0; i <= top && i < nfr && !m; i++)
                for (int k = 0; k < 12 && !m; k++) {
                    /* Compilers keep either the mutex or &mutex->__data.__kind live. */
                    uint64_t v = fr[i].callee_saved[k % 6] - (k < 6 ? 0 : (uint64_t)L->mutex_kind);
                    if (plausible_mutex(t, L, v, 0) && mutex_owner(t, L, v) != 0 && mutex_owner(t, L, v) != tid)
                        m = v;
                }
            /* Not in a register: spilled to pthread_mutex_lock's stack frame. Scan the words
             * between the innermost frame and the caller (bounded: 4 KiB). */
            if (!m && top > 0 && top < nfr && fr[top].sp > fr[0].sp) {
                uint64_t lo = fr[0].sp, hi = fr[top].sp;
                if (hi - lo > 4096)
                    hi = lo + 4096;
                for (uint64_t a = lo & ~7ull; a < hi && !m; a += 8) {
                    uint64_t v;
                    if (twa_target_read(t, a, &v, 8) == 8 && plausible_mutex(t, L, v, 0) &&
                        mutex_owner(t, L, v) != 0 && mutex_owner(t, L, v) != (uint64_t)tid)
                        m = v;
                }
            }
            if (!m) {
                c->block = TWC_BLOCK_UNKNOWN;
                c->object = futex;
                break;
            }
        }
        c->object = m;
        add_obj(c, m, TW_RES_MUTEX, mutex_owner(t, L, m), -1);
        break;
    }
    case TWC_BLOCK_SEM: {
        uint32_t v = 0;
        int ok = rd32(t, futex, &v) == 0;
        c->object = futex;
        add_obj(c, futex, TW_RES_SEMAPHORE, 0, ok ? (int64_t)(v >> L->sem_value_shift) : -1);
        break;
    }
    case TWC_BLOCK_COND: {
        uint64_t base;
        if (L->cond_mutex_ptr >= 0) {
            base = futex - (uint64_t)L->cond_signals;
        } else {
            /* The waiter sleeps on __g_signals[g], g in {0,1}; the condvar is 8-byte aligned,
             * so exactly one of the two candidate bases is. */
            base = futex - (uint64_t)L->cond_signals;
            if (base & 7)
                base -= 4;
        }
        c->object = base;
        add_obj(c, base, TW_RES_CONDVAR, 0, -1);
        uint64_t m = 0;
        if (L->cond_mutex_ptr >= 0) {
            twa_target_read(t, base + (uint64_t)L->cond_mutex_ptr, &m, 8);
        } else {
            /* glibc >= 2.25 does not store the mutex: it is still in a callee-saved register
             * of the wait's frames, or of the caller that passed it. Take the first that looks
             * like a mutex. */
            int top = at >= 0 ? at + 1 : nfr - 1;
            for (int i = 0; i <= top && i < nfr && !m; i++)
                for (int k = 0; k < 6 && !m; k++)
                    if (plausible_mutex(t, L, fr[i].callee_saved[k], base))
                        m = fr[i].callee_saved[k];
        }
        if (m && plausible_mutex(t, L, m, base)) {
            c->object2 = m;
            add_obj(c, m, TW_RES_MUTEX, mutex_owner(t, L, m), -1);
        }
        break;
    }
    case TWC_BLOCK_JOIN: {
        /* pthread_join sleeps on the joined thread's `tid` word, expecting its current value. */
        uint32_t tid = 0;
        if (rd32(t, futex, &tid) != 0 || tid == 0)
            tid = (uint32_t)r->rdx;
        c->object = tid;
        break;
    }
    case TWC_BLOCK_RWLOCK_RD:
    case TWC_BLOCK_RWLOCK_WR: {
        /* Readers sleep on __readers (expecting a value with RWAITING set) or on
         * __wrphase_futex (expecting 1|FUTEX_USED = 3); writers on __writers_futex (expecting
         * 1|FUTEX_USED = 3) or on __wrphase_futex (expecting FUTEX_USED = 2). */
        uint64_t base;
        uint32_t expect = (uint32_t)r->rdx;
        if (kind == TWC_BLOCK_RWLOCK_RD)
            base = futex - (uint64_t)(expect == 3 ? L->rw_wrphase : L->rw_readers);
        else
            base = futex - (uint64_t)(expect == 2 ? L->rw_wrphase : L->rw_writers_futex);
        if (base & 7) /* misjudged which word: the rwlock is 8-byte aligned */
            base = futex - (uint64_t)L->rw_writers_futex;
        uint32_t w = 0;
        rd32(t, base + (uint64_t)L->rw_cur_writer, &w);
        c->object = base;
        add_obj(c, base, TW_RES_RWLOCK, w, -1);
        break;
    }
    case TWC_BLOCK_BARRIER:
        c->object = futex;
        add_obj(c, futex, TW_RES_BARRIER, 0, -1);
        break;
    default:
        c->object = futex;
        add_obj(c, futex, TW_RES_OTHER, 0, -1);
        break;
    }
}
