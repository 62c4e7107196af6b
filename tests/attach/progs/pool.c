/* Healthy: a thread pool of 4 workers fed by main through a condvar-protected queue; each
 * job takes a mutex shared by all workers. Prints the number of jobs done on SIGTERM-free
 * exit after `argv[1]` jobs (default: forever). */
#include "common.h"
#define WORKERS 4
pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER, stats = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t work = PTHREAD_COND_INITIALIZER, room = PTHREAD_COND_INITIALIZER;
long pending, done_jobs, total;
static void *worker(void *a)
{
    (void)a;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (pending == 0)
            pthread_cond_wait(&work, &qlock);
        pending--;
        pthread_cond_signal(&room);
        pthread_mutex_unlock(&qlock);
        volatile double x = 0;
        for (int i = 0; i < 2000; i++)
            x += i * 0.5;
        pthread_mutex_lock(&stats);
        done_jobs++;
        total += 3;
        pthread_mutex_unlock(&stats);
    }
}
int main(int argc, char **argv)
{
    long jobs = argc > 1 ? atol(argv[1]) : -1;
    char name[16];
    for (int i = 0; i < WORKERS; i++) {
        snprintf(name, sizeof name, "pool-%d", i);
        spawn(worker, 0, name);
    }
    ready();
    for (long j = 0; jobs < 0 || j < jobs; j++) {
        pthread_mutex_lock(&qlock);
        while (pending >= 16)
            pthread_cond_wait(&room, &qlock);
        pending++;
        pthread_cond_signal(&work);
        pthread_mutex_unlock(&qlock);
        if (j % 1000 == 0)
            usleep(1000);
    }
    for (;;) { /* wait for the workers to drain, then report: the result proves no job was lost */
        pthread_mutex_lock(&stats);
        long d = done_jobs, t = total;
        pthread_mutex_unlock(&stats);
        if (d == jobs) {
            printf("done %ld total %ld\n", d, t);
            return 0;
        }
        usleep(10000);
    }
}
