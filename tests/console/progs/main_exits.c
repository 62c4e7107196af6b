/* main_exits.c — main records a task, starts a thread and calls pthread_exit: the process lives
 * on in that thread while its main thread is a zombie whose /proc/PID/fd reads empty. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "turbowish.h"

static void *survivor(void *arg)
{
    (void)arg;
    tw_task_spawn("survivor", 0, 0);
    usleep(300 * 1000); /* let main finish exiting */
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    pthread_t t;
    tw_task_spawn("main-task", 0, 0);
    pthread_create(&t, NULL, survivor, NULL);
    pthread_exit(NULL);
}
