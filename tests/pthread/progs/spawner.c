/* spawner.c — a program that starts another program (fork + exec of itself as `child`, as a
 * shell or tmux starts one) and keeps a forked copy of itself (fork only, as nginx keeps its
 * workers). Each process records (a thread, a sleep) and prints its pid; `tw run --no-children`
 * must leave the exec'd child uninstrumented and the forked copy instrumented. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "ready.h"

static void *napper(void *a) { (void)a; idle(); return 0; }

static void record_and_stay(const char *who)
{
    pthread_t t;
    pthread_create(&t, 0, napper, 0);
    printf("%s %d\n", who, (int)getpid());
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        record_and_stay("exec-child");
        idle();
    }
    if (fork() == 0) {
        execl("/proc/self/exe", argv[0], "child", (char *)0);
        _exit(127);
    }
    if (fork() == 0) {
        record_and_stay("fork-child");
        idle();
    }
    record_and_stay("parent");
    usleep(300000);
    ready();
    idle();
}
