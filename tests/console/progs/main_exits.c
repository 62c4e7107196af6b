/* main_exits.c — main records a task, starts a thread and calls pthread_exit: the process lives
 * on in that thread while its main thread is a zombie whose /proc/PID/fd reads empty.
 * With "abba", two more threads deadlock on the mutexes left and right after main is gone. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "turbowish.h"

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER, right = PTHREAD_MUTEX_INITIALIZER;

static void *left_then_right(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&left);
    usleep(100 * 1000);
    pthread_mutex_lock(&right);
    return NULL;
}

static void *right_then_left(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&right);
    usleep(100 * 1000);
    pthread_mutex_lock(&left);
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
        pthread_create(&t, NULL, left_then_right, NULL);
        pthread_create(&t, NULL, right_then_left, NULL);
    }
    pthread_create(&t, NULL, survivor, NULL);
    pthread_exit(NULL);
}
