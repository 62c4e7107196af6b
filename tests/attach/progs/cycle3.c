/* Three threads in a mutex cycle: a holds m[0] wants m[1], b holds m[1] wants m[2], c holds
 * m[2] wants m[0]. A certain deadlock from the owner fields alone. */
#include "common.h"
pthread_mutex_t locks[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
pthread_barrier_t all_hold;

static void *worker(void *arg)
{
    long i = (long)arg;
    pthread_mutex_lock(&locks[i]);
    pthread_barrier_wait(&all_hold);
    pthread_mutex_lock(&locks[(i + 1) % 3]); /* blocks forever */
    return NULL;
}

int main(void)
{
    pthread_barrier_init(&all_hold, NULL, 3);
    pthread_t t[3];
    const char *names[3] = {"cyc-a", "cyc-b", "cyc-c"};
    for (long i = 0; i < 3; i++)
        t[i] = spawn(worker, (void *)i, names[i]);
    ready();
    pthread_join(t[0], NULL);
    return 0;
}
