/* waits_helper.c — libtwtesthelper.so, a stand-in for any library a program blocks through
 * (an event library, a client library): the program's thread calls helper_wait(), which blocks
 * in poll() here, so the adapter's immediate caller is this library, not the program. It also
 * runs a thread of its own from a static start routine; the library is stripped (no .symtab),
 * like a distribution's, so no symbol names that routine. */
#include <poll.h>
#include <pthread.h>

__attribute__((noinline)) static int wait_forever(void) { return poll(0, 0, -1); }
int helper_wait(void) { return wait_forever() + 1; }

static void *pool_worker(void *a) { (void)a; wait_forever(); return 0; }
void helper_start_worker(void)
{
    pthread_t t;
    pthread_create(&t, 0, pool_worker, 0);
}
