/* fork_exec — a recording program that forks without exec, and one that execs.
 *
 * Usage: fork_exec fork | fork-exit | exec
 *
 * fork: the main thread records, forks while a second thread records; the parent goes on.
 *   The child uses a parent's task handle (meaningless there: an instrumentation error in the
 *   child's own region) and records on the main thread and a new one.
 *   parent prints "parent: pid=P emitted=N child=C" then "tw-example: ready"
 *   child prints  "child: pid=C emitted=N memfds=1" then "child-ready"
 * fork-exit: a thread that recorded forks; in the child it exits without recording while a
 *   new thread records: "child-exit: pid=C ring_still_live=1" then "child-ready".
 * exec: records, then execs itself as "fork_exec exec-image": the region's memfd is
 * close-on-exec, so the new image starts with none and creates its own at its first event.
 *   prints "before-exec: pid=P emitted=N", then "after-exec: pid=P memfds_at_start=0
 *   emitted=N" and "tw-example: ready".
 * Every process stays until killed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "turbowish.h"

/* memfds named turbowish this process holds open */
static int region_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[300], link[256];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t k = readlink(path, link, sizeof link - 1);
        if (k > 0) {
            link[k] = 0;
            n += strncmp(link, "/memfd:turbowish", 16) == 0;
        }
    }
    if (d)
        closedir(d);
    return n;
}

static unsigned long record(tw_task_t t, int rounds)
{
    for (int i = 0; i < rounds; i++) {
        tw_poll_begin(t);
        tw_poll_end(t, TW_POLL_READY);
    }
    return 2ul * (unsigned long)rounds;
}

static void stay(const char *line)
{
    printf("%s\n", line);
    fflush(stdout);
    for (;;)
        pause();
}

/* ---- fork ---- */
static tw_task_t parent_task;

static void *child_thread(void *arg)
{
    unsigned long *emitted = arg;
    tw_task_t u = tw_task_spawn("child-thread", 0, 0);
    __atomic_add_fetch(emitted, 1 + record(u, 25), __ATOMIC_RELAXED);
    return NULL;
}

static void *parent_thread(void *arg)
{
    unsigned long *emitted = arg;
    tw_task_t r = tw_task_spawn("parent-thread", 0, 0);
    __atomic_add_fetch(emitted, 1 + record(r, 5000), __ATOMIC_RELAXED);
    return NULL;
}

/* The parent forks while another of its threads records; the child records on its own. */
static void fork_mode(void)
{
    static unsigned long emitted;
    parent_task = tw_task_spawn("parent-main", 0, 0);
    emitted = 1 + record(parent_task, 10);
    pthread_t r;
    pthread_create(&r, NULL, parent_thread, &emitted);
    pid_t p = fork();
    if (p == 0) {
        unsigned long mine = 0;
        tw_poll_begin(parent_task);     /* a parent's handle: counted as an error, applied nowhere */
        mine += 1;                      /* the instrumentation error event */
        tw_task_t c = tw_task_spawn("child-main", 0, 0);
        mine += 1 + record(c, 10);
        pthread_t u;
        pthread_create(&u, NULL, child_thread, &mine);
        pthread_join(u, NULL);
        printf("child: pid=%d emitted=%lu memfds=%d\n", getpid(), mine, region_fds());
        stay("child-ready");
    }
    pthread_join(r, NULL);
    emitted += record(parent_task, 50);
    printf("parent: pid=%d emitted=%lu child=%d\n", getpid(), emitted, p);
    stay("tw-example: ready");
}

/* A thread that recorded in the parent forks; in the child it records nothing and exits while
 * a new thread records into the child's own region (often mapped where the parent's was). Its
 * thread-exit handler must not touch a ring through the parent's stale pointer. */
static sem_t t_gone;
static pthread_t t_thread;
static void *after_t(void *arg)
{
    (void)arg;
    tw_task_t u = tw_task_spawn("child-u", 0, 0);
    record(u, 5);
    sem_post(&t_gone);
    pthread_join(t_thread, NULL);       /* T's thread-exit handlers have run */
    int live = 0;
    for (uint32_t i = 0; i < tw_region->rings.count; i++)
        live += TW_RING_DESC(tw_region, i)->os_tid == (uint32_t)gettid() && TW_RING_DESC(tw_region, i)->seq == 1;
    printf("child-exit: pid=%d ring_still_live=%d\n", getpid(), live);
    stay("child-ready");
    return NULL;
}
static void *forking_t(void *arg)
{
    (void)arg;
    record(tw_task_spawn("t", 0, 0), 5);
    if (fork() != 0)
        return NULL;
    sem_init(&t_gone, 0, 0);
    t_thread = pthread_self();
    pthread_t u;
    pthread_create(&u, NULL, after_t, NULL);
    sem_wait(&t_gone);
    pthread_exit(NULL);
}
static void fork_exit_mode(void)
{
    pthread_t t;
    pthread_create(&t, NULL, forking_t, NULL);
    pthread_join(t, NULL);
    stay("tw-example: ready");
}

/* ---- exec ---- */
static void exec_mode(char *self)
{
    tw_task_t t = tw_task_spawn("before-exec", 0, 0);
    unsigned long n = 1 + record(t, 20);
    printf("before-exec: pid=%d emitted=%lu memfds=%d\n", getpid(), n, region_fds());
    fflush(stdout);
    execl(self, self, "exec-image", (char *)NULL);
    perror("execl");
    exit(1);
}

static void exec_image(void)
{
    int at_start = region_fds();
    tw_task_t t = tw_task_spawn("after-exec", 0, 0);
    unsigned long n = 1 + record(t, 30);
    printf("after-exec: pid=%d memfds_at_start=%d emitted=%lu\n", getpid(), at_start, n);
    stay("tw-example: ready");
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    if (strcmp(argv[1], "fork") == 0)
        fork_mode();
    else if (strcmp(argv[1], "fork-exit") == 0)
        fork_exit_mode();
    else if (strcmp(argv[1], "exec") == 0)
        exec_mode(argv[0]);
    else if (strcmp(argv[1], "exec-image") == 0)
        exec_image();
    return 2;
}
