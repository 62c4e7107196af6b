/* many.c — thousands of threads: 3 waves of 2,000 live threads (more than the shim's task and
 * ring tables hold by default, so some are only counted), each taking a shared mutex. Every
 * thread must still run: prints the sum and exits 0. */
#include <pthread.h>
#include <stdio.h>
#define WAVE 2000
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t all;
static long sum;
static void *work(void *a)
{
    pthread_barrier_wait(&all);
    pthread_mutex_lock(&mu);
    sum += (long)a;
    pthread_mutex_unlock(&mu);
    return 0;
}
int main(void)
{
    static pthread_t t[WAVE];
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 64 * 1024);
    for (int wave = 0; wave < 3; wave++) {
        pthread_barrier_init(&all, 0, WAVE);
        for (long i = 0; i < WAVE; i++)
            if (pthread_create(&t[i], &at, work, (void *)(i + 1)) != 0)
                return 3;
        for (int i = 0; i < WAVE; i++)
            pthread_join(t[i], 0);
        pthread_barrier_destroy(&all);
    }
    printf("sum %ld\n", sum);
    return 0;
}
