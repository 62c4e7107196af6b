/* sleep.c — sleeps as waits, so a sleeping thread is shown WAITING on time (TW_WAIT_TIMER)
 * rather than busy: never part of a certain deadlock, never a long poll. Inside an event loop's
 * poll (evloop.c) a sleep is what blocks the loop: readers judge it blocking_in_poll. errno is
 * the real call's. */
#include <errno.h>
#include "twp.h"

#define AROUND TWP_AROUND

TWP_EXPORT int nanosleep(const struct timespec *req, struct timespec *rem)
{ AROUND(TW_WAIT_TIMER, 1, TWP_REAL(nanosleep)(req, rem), "nanosleep"); }
TWP_EXPORT int clock_nanosleep(clockid_t c, int f, const struct timespec *req, struct timespec *rem)
{ AROUND(TW_WAIT_TIMER, 1, TWP_REAL(clock_nanosleep)(c, f, req, rem), "clock_nanosleep"); }
TWP_EXPORT int usleep(useconds_t us) { AROUND(TW_WAIT_TIMER, 1, TWP_REAL(usleep)(us), "usleep"); }
TWP_EXPORT unsigned sleep(unsigned s) { AROUND(TW_WAIT_TIMER, 1, TWP_REAL(sleep)(s), "sleep"); }
