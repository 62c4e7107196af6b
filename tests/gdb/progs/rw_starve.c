/* A reader holds the rwlock and waits for the writer to finish; the writer waits for the
 * reader to release the rwlock. */
#include <pthread.h>
#include <semaphore.h>
#include "ready.h"
pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
sem_t written;
static void *reader(void *a) { (void)a; pthread_rwlock_rdlock(&table); sem_wait(&written); pthread_rwlock_unlock(&table); return 0; }
static void *writer(void *a) { (void)a; usleep(50000); pthread_rwlock_wrlock(&table); sem_post(&written); pthread_rwlock_unlock(&table); return 0; }
int main(void)
{
    pthread_t r, w;
    sem_init(&written, 0, 0);
    pthread_create(&r, 0, reader, 0);
    pthread_create(&w, 0, writer, 0);
    tw_test_ready();
    pthread_join(w, 0);
    return 0;
}
