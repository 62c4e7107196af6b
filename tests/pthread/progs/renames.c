/* renames.c — threads that rename themselves with prctl(PR_SET_NAME), as daemons and pool
 * threads do: main after it has already been recorded (adopted under its start-up name), and a
 * thread after it started under its start routine's name. Their tasks must follow the renames. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include "ready.h"

static void *renamer(void *a)
{
    (void)a;
    prctl(PR_SET_NAME, "renamed-worker", 0, 0, 0);
    idle();
    return 0;
}

int main(void)
{
    pthread_t t;
    usleep(1000); /* main is recorded under its start-up name first */
    pthread_create(&t, 0, renamer, 0);
    prctl(PR_SET_NAME, "main-renamed", 0, 0, 0);
    usleep(200000);
    ready();
    idle();
}
