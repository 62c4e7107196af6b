/* holder takes `gate` and waits on `go`, which only the threads queued on `gate` would post. */
#include <semaphore.h>
#include "common.h"
pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
sem_t go;
static void *holder(void *a) { (void)a; pthread_mutex_lock(&gate); sem_wait(&go); pthread_mutex_unlock(&gate); return 0; }
static void *poster(void *a) { (void)a; usleep(50000); pthread_mutex_lock(&gate); sem_post(&go); pthread_mutex_unlock(&gate); return 0; }
int main(void)
{
    sem_init(&go, 0, 0);
    pthread_t h = spawn(holder, 0, "holder");
    spawn(poster, 0, "poster-1");
    spawn(poster, 0, "poster-2");
    ready();
    pthread_join(h, 0);
    return 0;
}
