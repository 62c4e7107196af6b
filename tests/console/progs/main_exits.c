/* main_exits.c — main records a task, starts a thread and calls pthread_exit: the process lives
 * on in that thread while its main thread is a zombie whose /proc/PID/fd reads empty.
 * With "abba", two more threads deadlock on the mutexes left and right after main is gone. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "turbowish.h"

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER, right = PTHREAD_MUTEX_INITIALIZER;

/* Takes its pair's first mutex, lets the other thread take its own, then wants the second. */
static void *lock_pair(void *arg)
{
    pthread_mutex_t **pair = arg;
    pthread_mutex_lock(pair[0]);
    usleep(100 * 1000);
    pthread_mutex_lock(pair[1]);
    return NULL;
}

static void *survivor(void *arg)
{
    (void)arg;
    tw_task_spawn("survivor", 0, 0);
    usleep(300 * 1000); /* let main finish exiting (and the pair deadlock) */
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;
    tw_task_spawn("main-task", 0, 0);
    if (argc > 1 && !strcmp(argv[1], "abba")) {
        static pthread_mutex_t *left_first[2] = { &left, &right }, *right_first[2] = { &right, &left };
        pthread_create(&t, NULL, lock_pair, left_first);
        pthread_create(&t, NULL, lock_pair, right_first);
    }
    pthread_create(&t, NULL, survivor, NULL);
    pthread_exit(NULL);
}
