/* glibc.h — what core's attach-only classifier knows about glibc, shared by its files:
 * the layout of glibc's objects (glibc_layout.c, glibc_dwarf.c), the blocking calls and system
 * calls that mean a wait (blocking_calls.c), and what an object says about itself
 * (glibc_objects.c). Not installed. */
#ifndef TWC_GLIBC_H
#define TWC_GLIBC_H
#include "internal.h"

/* Byte offsets of the glibc fields attach-only reads (x86-64). */
struct twc_glibc {
    int min_minor;        /* the table row covers glibc 2.min_minor and later */
    int mutex_owner;      /* pthread_mutex_t.__data.__owner: TID of the holder */
    int mutex_kind;       /* __data.__kind: type and robust/PI flags */
    int cond_signals;     /* the futex a condvar waiter sleeps on (__g_signals[0], or old __futex) */
    int cond_size;
    int cond_mutex_ptr;   /* old condvars store the mutex pointer; -1 when they do not */
    int rw_readers, rw_wrphase, rw_writers_futex, rw_cur_writer;
    int sem_value_shift;  /* value = (low 32 bits of the semaphore word) >> shift */
    int barrier_round;    /* the futex a barrier waiter sleeps on (current_round) */
    char source[128];     /* what the summary says about where the offsets came from */
};

/* Offsets from a glibc debug file (glibc_dwarf.c); 0 when every field was found, which then
 * replaces the >= 2.25 fields of *L. libc_path (may be NULL) only speeds up the search. */
int twc__glibc_from_debug(const char *debug_path, const char *libc_path, struct twc_glibc *L);

/* One glibc function that blocks: name (leading underscores stripped, matched as a prefix),
 * the wait it means, and whether it has a timeout. */
struct twc__blocking_call {
    const char *name;
    int block;
    int timed;
    int obj_arg, mutex_arg; /* argument index of the object, of a condvar wait's mutex; -1 none */
};
/* The innermost frame below the program's own code whose function is a blocking call, or NULL;
 * *at gets its index. */
const struct twc__blocking_call *twc__find_blocking_call(const struct twc_raw_frame *fr, size_t n, size_t *at);
/* Is any frame below the program's own code in a function named like a futex helper? */
int twc__frames_mention_futex(const struct twc_raw_frame *fr, size_t n);
/* Is the condvar wait whose blocking call is frame `at` libc++'s std::future::wait (its shared
 * state's __assoc_sub_state::__sub_wait among the next few frames)? */
int twc__libcxx_future_wait(const struct twc_raw_frame *fr, size_t n, size_t at);
/* What a thread blocked in system call nr waits for when it is not a futex: TWC_BLOCK_SLEEP,
 * TWC_BLOCK_IO, or TWC_BLOCK_NONE (a call that does not wait). *timed: has a timeout. */
int twc__syscall_block(long nr, int *timed);

#define TWC__SYS_FUTEX 202
#define TWC__SYS_RESTART 219
#define TWC__SYS_NANOSLEEP 35

/* ---- what glibc objects say (glibc_objects.c); every read may fail: objects are input ---- */
struct twc__mem { twc_read_fn rd; void *ctx; };
int twc__rd32(const struct twc__mem *m, uint64_t a, uint32_t *v);
int twc__rd64(const struct twc__mem *m, uint64_t a, uint64_t *v);
/* TID owning the mutex at m, 0 when free or unknown. */
uint64_t twc__mutex_owner(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t m);
/* Does `a` look like a pthread_mutex_t (and is not `not_this`)? Errs towards "no". */
int twc__plausible_mutex(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t a, uint64_t not_this);
/* The writer holding the rwlock at a (0 = none or unknown). */
uint64_t twc__rwlock_writer(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t a);
/* A semaphore's value, -1 unknown. */
int64_t twc__sem_value(const struct twc__mem *mem, const struct twc_glibc *L, uint64_t a);
/* The object around the futex word a waiter sleeps on (expected: the value it expects there). */
uint64_t twc__cond_from_futex(const struct twc_glibc *L, uint64_t futex);
uint64_t twc__rwlock_from_futex(const struct twc_glibc *L, uint64_t futex, uint32_t expected, int reader);
uint64_t twc__barrier_from_futex(const struct twc_glibc *L, uint64_t futex);
/* The value the caller passed as argument `arg` (0 = rdi ... 5 = r9) to the call it is in,
 * proven from its own code (callargs.c): 0 and *out set, or -1 when the code does not prove one.
 * Needs caller->func_start. callee: the start of the function the call must enter (directly or
 * through a PLT stub), else the registers were another function's; 0 = not known, not checked. */
int twc__call_arg(const struct twc__mem *mem, const struct twc_raw_frame *caller, uint64_t callee, int arg, uint64_t *out);
#endif
