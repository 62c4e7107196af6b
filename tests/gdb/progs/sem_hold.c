/* A thread holds a mutex while it waits on a semaphore that only the threads queued on that
 * mutex would post: every thread is blocked on an untimed wait, none can wake another. */
#include <pthread.h>
#include <semaphore.h>
#include "ready.h"
pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
sem_t tokens;
static void *holder(void *a) { (void)a; pthread_mutex_lock(&gate); sem_wait(&tokens); pthread_mutex_unlock(&gate); return 0; }
static void *poster(void *a) { (void)a; usleep(50000); pthread_mutex_lock(&gate); sem_post(&tokens); pthread_mutex_unlock(&gate); return 0; }
int main(void)
{
    pthread_t h, p1, p2;
    sem_init(&tokens, 0, 0);
    pthread_create(&h, 0, holder, 0);
    pthread_create(&p1, 0, poster, 0);
    pthread_create(&p2, 0, poster, 0);
    tw_test_ready();
    pthread_join(h, 0);
    return 0;
}
