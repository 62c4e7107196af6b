/* A writer starved by a reader that waits for it: the reader holds the read lock and waits
 * for a semaphore the writer posts only after it got the write lock. */
#include <semaphore.h>
#include "common.h"
pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
sem_t written;
static void *reader(void *a) { (void)a; pthread_rwlock_rdlock(&table); sem_wait(&written); pthread_rwlock_unlock(&table); return 0; }
static void *writer(void *a) { (void)a; usleep(50000); pthread_rwlock_wrlock(&table); sem_post(&written); pthread_rwlock_unlock(&table); return 0; }
int main(void)
{
    sem_init(&written, 0, 0);
    pthread_t r = spawn(reader, 0, "reader");
    spawn(writer, 0, "writer");
    ready();
    pthread_join(r, 0);
    return 0;
}
