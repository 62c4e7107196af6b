/* ptrace_sample.h — stopping a live process's threads (ptrace_sample.c). */
#ifndef TWA_PTRACE_SAMPLE_H
#define TWA_PTRACE_SAMPLE_H
#include <signal.h>
#include "twa_internal.h"

struct twa_stopped_thread {
    uint32_t tid;
    int seized, stopped, have_regs, pending_sig;
    struct user_regs_struct regs;
    char comm[32];
};
struct twa_stopped {
    int pid;
    struct twa_stopped_thread *t;
    size_t n, cap;
};

/* Seize and stop every thread of pid (TWC_ENOTFOUND, TWC_EPERM on failure, nothing left
 * attached). On success the caller must call twa_ptrace_release. */
int twa_ptrace_stop_all(int pid, struct twa_stopped *s, char *err, size_t errlen);
/* Detach every thread (handing back any signal that was being delivered) and free. */
void twa_ptrace_release(struct twa_stopped *s);
/* 1 when thread tid of process pid has exited and waits to be reaped (state Z or X), or is
 * gone altogether. */
int twa_thread_is_dead(int pid, uint32_t tid);
/* The state letter of thread tid in /proc/PID/task/TID/stat ('R', 'S', 't', ...): 0 when the
 * thread is gone (or its stat has no name field), '?' when the field after it is malformed. */
char twa_thread_state(int pid, uint64_t tid);
/* The thread through which a live process is read (/proc/TID/maps, exe, memory): the process
 * itself, or when its main thread has exited (pthread_exit) and the others run on, the first
 * of those; -1 when none is alive. */
int twa_reader_tid(int pid);
/* twc_read_fn over a live process (ctx = (void *)(intptr_t)pid). */
int64_t twa_pid_read(void *ctx, uint64_t addr, void *buf, uint64_t len);
#endif
