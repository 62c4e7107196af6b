/* semantics.c — results and error codes that the adapter must leave unchanged. Prints one line
 * per check and exits 42; the test runs it with and without the preload and compares. Covers
 * locks used before main and after exit starts, and fork. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t early = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ec, rec, plain = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static int early_rc = -1;

#define SHOW(what, v) printf("%-40s %d\n", what, (int)(v))

__attribute__((constructor)) static void before_main(void)
{
    early_rc = pthread_mutex_lock(&early);
    pthread_mutex_unlock(&early);
}
static void at_exit(void)
{
    int a = pthread_mutex_lock(&early), b = pthread_mutex_unlock(&early);
    printf("atexit lock/unlock %d %d\n", a, b);
    fflush(stdout);
}

static struct timespec soon(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += 20 * 1000 * 1000;
    if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
    return t;
}

static void *other_unlock_ec(void *a) { (void)a; return (void *)(intptr_t)pthread_mutex_unlock(&ec); }
static void *other_trylock(void *a) { return (void *)(intptr_t)pthread_mutex_trylock(a); }
static void *other_timedlock(void *a) { struct timespec t = soon(); return (void *)(intptr_t)pthread_mutex_timedlock(a, &t); }
static void *other_timedwr(void *a) { (void)a; struct timespec t = soon(); return (void *)(intptr_t)pthread_rwlock_timedwrlock(&rw, &t); }
static int pipefd[2];
static void *late_writer(void *a) { (void)a; usleep(50000); return (void *)(intptr_t)write(pipefd[1], "hello", 5); }
static int sv[2];
static void *late_sender(void *a) { (void)a; usleep(50000); return (void *)(intptr_t)send(sv[1], "world", 5, 0); }
static pthread_barrier_t bar;
static void *at_barrier(void *a) { (void)a; return (void *)(intptr_t)(pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD); }

static intptr_t in_thread(void *(*f)(void *), void *arg)
{
    pthread_t t;
    void *r;
    pthread_create(&t, 0, f, arg);
    pthread_join(t, &r);
    return (intptr_t)r;
}

int main(void)
{
    atexit(at_exit);
    SHOW("constructor lock", early_rc);
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&ec, &at);
    pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &at);

    SHOW("errorcheck lock", pthread_mutex_lock(&ec));
    SHOW("errorcheck relock (EDEADLK)", pthread_mutex_lock(&ec) == EDEADLK);
    SHOW("errorcheck unlock by other (EPERM)", in_thread(other_unlock_ec, 0) == EPERM);
    SHOW("errorcheck unlock", pthread_mutex_unlock(&ec));
    SHOW("errorcheck unlock again (EPERM)", pthread_mutex_unlock(&ec) == EPERM);

    SHOW("recursive lock x3", pthread_mutex_lock(&rec) + pthread_mutex_lock(&rec) + pthread_mutex_lock(&rec));
    SHOW("recursive trylock", pthread_mutex_trylock(&rec));
    SHOW("recursive trylock by other (EBUSY)", in_thread(other_trylock, &rec) == EBUSY);
    int u = 0;
    for (int i = 0; i < 4; i++) u += pthread_mutex_unlock(&rec);
    SHOW("recursive unlock x4", u);
    SHOW("recursive unlock extra (EPERM)", pthread_mutex_unlock(&rec) == EPERM);

    pthread_mutex_lock(&plain);
    SHOW("normal trylock by other (EBUSY)", in_thread(other_trylock, &plain) == EBUSY);
    SHOW("normal timedlock by other (ETIMEDOUT)", in_thread(other_timedlock, &plain) == ETIMEDOUT);
    struct timespec t = soon();
    SHOW("cond_timedwait (ETIMEDOUT)", pthread_cond_timedwait(&cv, &plain, &t) == ETIMEDOUT);
    SHOW("mutex held after timedwait (EBUSY)", in_thread(other_trylock, &plain) == EBUSY);
    SHOW("normal unlock", pthread_mutex_unlock(&plain));

    SHOW("rwlock wrlock", pthread_rwlock_wrlock(&rw));
    SHOW("rwlock wrlock again (EDEADLK)", pthread_rwlock_wrlock(&rw) == EDEADLK);
    SHOW("rwlock rdlock while writing (EDEADLK)", pthread_rwlock_rdlock(&rw) == EDEADLK);
    SHOW("rwlock unlock", pthread_rwlock_unlock(&rw));
    SHOW("rwlock rdlock x2", pthread_rwlock_rdlock(&rw) + pthread_rwlock_rdlock(&rw));
    SHOW("rwlock trywrlock while reading (EBUSY)", pthread_rwlock_trywrlock(&rw) == EBUSY);
    SHOW("rwlock timedwrlock by other (ETIMEDOUT)", in_thread(other_timedwr, 0) == ETIMEDOUT);
    SHOW("rwlock unlock x2", pthread_rwlock_unlock(&rw) + pthread_rwlock_unlock(&rw));

    sem_init(&sem, 0, 0);
    errno = 0;
    int r = sem_trywait(&sem);
    SHOW("sem_trywait empty (-1 EAGAIN)", r == -1 && errno == EAGAIN);
    t = soon();
    errno = 0;
    r = sem_timedwait(&sem, &t);
    SHOW("sem_timedwait (-1 ETIMEDOUT)", r == -1 && errno == ETIMEDOUT);
    sem_post(&sem);
    sem_post(&sem);
    SHOW("sem_wait after 2 posts", sem_wait(&sem) + sem_wait(&sem));
    int v = -1;
    sem_getvalue(&sem, &v);
    SHOW("sem value", v);

    SHOW("pipe", pipe(pipefd));
    pthread_t w;
    pthread_create(&w, 0, late_writer, 0);
    char buf[16] = "";
    SHOW("blocking pipe read bytes", read(pipefd[0], buf, sizeof buf));
    SHOW("pipe data", strcmp(buf, "hello") == 0);
    void *wr;
    pthread_join(w, &wr);
    SHOW("pipe write bytes", (intptr_t)wr);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    errno = 0;
    r = (int)read(pipefd[0], buf, sizeof buf);
    SHOW("nonblocking empty read (-1 EAGAIN)", r == -1 && errno == EAGAIN);
    close(pipefd[0]);
    close(pipefd[1]);

    SHOW("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pthread_create(&w, 0, late_sender, 0);
    memset(buf, 0, sizeof buf);
    SHOW("blocking recv bytes", recv(sv[0], buf, sizeof buf, 0));
    SHOW("recv data", strcmp(buf, "world") == 0);
    pthread_join(w, 0);
    errno = 0;
    r = (int)recv(sv[0], buf, sizeof buf, MSG_DONTWAIT);
    SHOW("recv MSG_DONTWAIT empty (-1 EAGAIN)", r == -1 && errno == EAGAIN);
    close(sv[0]);
    close(sv[1]);

    pthread_barrier_init(&bar, 0, 3);
    pthread_t b1, b2;
    void *s1, *s2;
    pthread_create(&b1, 0, at_barrier, 0);
    pthread_create(&b2, 0, at_barrier, 0);
    int s0 = pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD;
    pthread_join(b1, &s1);
    pthread_join(b2, &s2);
    SHOW("barrier: one serial thread", s0 + (int)(intptr_t)s1 + (int)(intptr_t)s2);
    SHOW("join self (EDEADLK)", pthread_join(pthread_self(), 0) == EDEADLK);

    pthread_mutex_lock(&plain);
    pid_t pid = fork();
    if (pid == 0) {
        /* child: the mutex was held at fork by this thread; unlock, relock, use threads */
        int a = pthread_mutex_unlock(&plain), b = pthread_mutex_lock(&plain), c = pthread_mutex_unlock(&plain);
        int d = (int)in_thread(other_trylock, &plain);
        _exit(a || b || c || d ? 1 : 7);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    pthread_mutex_unlock(&plain);
    SHOW("fork child exit code", WEXITSTATUS(status));
    fflush(stdout);
    return 42;
}
