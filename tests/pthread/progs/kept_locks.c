/* kept_locks.c — mutexes the adapter keeps its resource in (objects.c: a plain mutex's unused
 * __list), in the two ways a kept pair could lie:
 *  - copied: `proto` is locked and unlocked (it keeps its resource), then copied by value
 *    into `left` and `right`, as C code copies a template object; two threads take the copies
 *    in opposite orders and hang. The deadlock is between left and right, not proto.
 *  - forked (argument "fork"): the parent takes `first` and `second`, then forks; in the child
 *    (a new region) two threads take them in opposite orders and hang. The child's deadlock is
 *    found through its own records, not through the parent's handles its mutexes still keep.
 * Prints the pid to look at ("pid N") before the ready line. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "ready.h"
struct account { pthread_mutex_t lock; long balance; };
struct account proto = {PTHREAD_MUTEX_INITIALIZER, 0}, left, right;
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;
static pthread_mutex_t *a, *b;
static void *one(void *x) { (void)x; pthread_mutex_lock(a); pthread_barrier_wait(&both); pthread_mutex_lock(b); return 0; }
static void *two(void *x) { (void)x; pthread_mutex_lock(b); pthread_barrier_wait(&both); pthread_mutex_lock(a); return 0; }
/* the pid first: a forked child's is not the one the test started */
static void *announce_pid(void *x) { (void)x; usleep(300000); printf("pid %d\n", (int)getpid()); ready(); return 0; }
static void knot(void)
{
    pthread_t x, y, z;
    pthread_barrier_init(&both, 0, 2);
    pthread_create(&x, 0, one, 0);
    pthread_create(&y, 0, two, 0);
    pthread_create(&z, 0, announce_pid, 0);
    pthread_join(x, 0);
}
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "fork")) {
        a = &first, b = &second;
        for (int i = 0; i < 3; i++) {
            pthread_mutex_lock(&first);
            pthread_mutex_lock(&second);
            pthread_mutex_unlock(&second);
            pthread_mutex_unlock(&first);
        }
        pid_t c = fork();
        if (c == 0)
            knot();
        waitpid(c, 0, 0);
        return 0;
    }
    pthread_mutex_lock(&proto.lock);
    proto.balance = 100;
    pthread_mutex_unlock(&proto.lock);
    left = proto;
    right = proto;
    a = &left.lock, b = &right.lock;
    knot();
    return 0;
}
