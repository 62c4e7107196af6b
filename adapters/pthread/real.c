/* real.c — the real pthread, semaphore and I/O functions, found with dlsym(RTLD_NEXT).
 *
 * Resolved once in a constructor. A wrapper called before that (another library's
 * constructor locking a mutex) resolves everything itself. dlsym may allocate; should an
 * allocator that locks a mutex re-enter us while we resolve, the lock functions fall back to
 * glibc's exported __pthread_* aliases, which are the same functions. */
#include <dlfcn.h>
#include <string.h>
#include "twp.h"

struct twp_real twp_real;
static __thread int resolving __attribute__((tls_model("initial-exec")));

extern int __pthread_mutex_lock(pthread_mutex_t *);
extern int __pthread_mutex_trylock(pthread_mutex_t *);
extern int __pthread_mutex_unlock(pthread_mutex_t *);
extern int __pthread_rwlock_rdlock(pthread_rwlock_t *);
extern int __pthread_rwlock_wrlock(pthread_rwlock_t *);
extern int __pthread_rwlock_unlock(pthread_rwlock_t *);

#define GET(field, name) do { void *p_ = dlsym(RTLD_NEXT, name); if (p_) __atomic_store_n((void **)&twp_real.field, p_, __ATOMIC_RELEASE); } while (0)

void twp_resolve(void)
{
    if (resolving) {
        /* re-entered from inside dlsym: use the aliases for what may be needed right now */
        if (!twp_real.mutex_lock) twp_real.mutex_lock = __pthread_mutex_lock;
        if (!twp_real.mutex_trylock) twp_real.mutex_trylock = __pthread_mutex_trylock;
        if (!twp_real.mutex_unlock) twp_real.mutex_unlock = __pthread_mutex_unlock;
        if (!twp_real.rw_rdlock) twp_real.rw_rdlock = __pthread_rwlock_rdlock;
        if (!twp_real.rw_wrlock) twp_real.rw_wrlock = __pthread_rwlock_wrlock;
        if (!twp_real.rw_unlock) twp_real.rw_unlock = __pthread_rwlock_unlock;
        return;
    }
    resolving = 1;
    GET(create, "pthread_create");
    GET(join, "pthread_join");
    GET(timedjoin, "pthread_timedjoin_np");
    GET(setname, "pthread_setname_np");
    GET(mutex_lock, "pthread_mutex_lock");
    GET(mutex_trylock, "pthread_mutex_trylock");
    GET(mutex_timedlock, "pthread_mutex_timedlock");
    GET(mutex_unlock, "pthread_mutex_unlock");
    GET(mutex_destroy, "pthread_mutex_destroy");
    GET(rw_rdlock, "pthread_rwlock_rdlock");
    GET(rw_tryrdlock, "pthread_rwlock_tryrdlock");
    GET(rw_timedrdlock, "pthread_rwlock_timedrdlock");
    GET(rw_wrlock, "pthread_rwlock_wrlock");
    GET(rw_trywrlock, "pthread_rwlock_trywrlock");
    GET(rw_timedwrlock, "pthread_rwlock_timedwrlock");
    GET(rw_unlock, "pthread_rwlock_unlock");
    GET(rw_destroy, "pthread_rwlock_destroy");
    /* the condvar of current glibc, not the 2.2.5 compatibility one */
    void *p = dlvsym(RTLD_NEXT, "pthread_cond_wait", "GLIBC_2.3.2");
    if (p) twp_real.cond_wait = p; else GET(cond_wait, "pthread_cond_wait");
    p = dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2");
    if (p) twp_real.cond_timedwait = p; else GET(cond_timedwait, "pthread_cond_timedwait");
    p = dlvsym(RTLD_NEXT, "pthread_cond_destroy", "GLIBC_2.3.2");
    if (p) twp_real.cond_destroy = p; else GET(cond_destroy, "pthread_cond_destroy");
    p = dlvsym(RTLD_NEXT, "pthread_cond_signal", "GLIBC_2.3.2");
    if (p) twp_real.cond_signal = p; else GET(cond_signal, "pthread_cond_signal");
    p = dlvsym(RTLD_NEXT, "pthread_cond_broadcast", "GLIBC_2.3.2");
    if (p) twp_real.cond_broadcast = p; else GET(cond_broadcast, "pthread_cond_broadcast");
    GET(sem_wait, "sem_wait");
    GET(sem_trywait, "sem_trywait");
    GET(sem_timedwait, "sem_timedwait");
    GET(sem_destroy, "sem_destroy");
    GET(sem_post, "sem_post");
    GET(barrier_wait, "pthread_barrier_wait");
    GET(barrier_destroy, "pthread_barrier_destroy");
    GET(read, "read");
    GET(write, "write");
    GET(pipe, "pipe");
    GET(pipe2, "pipe2");
    GET(close, "close");
    GET(nanosleep, "nanosleep");
    GET(clock_nanosleep, "clock_nanosleep");
    GET(usleep, "usleep");
    GET(sleep, "sleep");
    GET(poll, "poll");
    GET(epoll_wait, "epoll_wait");
    GET(epoll_pwait, "epoll_pwait");
    GET(select, "select");
    GET(accept, "accept");
    GET(accept4, "accept4");
    GET(connect, "connect");
    GET(recv, "recv");
    GET(recvfrom, "recvfrom");
    GET(recvmsg, "recvmsg");
    GET(waitpid, "waitpid");
    GET(prctl, "prctl");
    resolving = 0;
}


__attribute__((constructor(101))) static void twp_init(void)
{
    twp_resolve();
}
