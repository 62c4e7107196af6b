/* rwlock — three readers and two writers on one rwlock, in tight loops: readers wait behind
 * writers and writers behind readers, and every one gets through. */
#define _GNU_SOURCE
#include "healthy.h"

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static volatile unsigned long version, reads;

static void *reader(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_rwlock_rdlock(&table);
        reads += version & 1;
        pthread_rwlock_unlock(&table);
    }
}

static void *writer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_rwlock_wrlock(&table);
        version++;
        pthread_rwlock_unlock(&table);
    }
}

int main(void)
{
    for (int i = 1; i <= 3; i++)
        start(reader, 0, "reader", i);
    for (int i = 1; i <= 2; i++)
        start(writer, 0, "writer", i);
    ready_and_join();
}
