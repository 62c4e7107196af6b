/* waits_helper.c — libtwtesthelper.so, a stand-in for any library a program blocks through
 * (an event library, a client library): the program's thread calls helper_wait(), which blocks
 * in poll() here, so the adapter's immediate caller is this library, not the program. */
#include <poll.h>

__attribute__((noinline)) static int wait_forever(void) { return poll(0, 0, -1); }
int helper_wait(void) { return wait_forever() + 1; }
