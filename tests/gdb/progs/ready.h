/* ready.h — what every attach-only test program does once it has reached its state. */
#include <stdio.h>
#include <unistd.h>
static inline void tw_test_ready(void)
{
    usleep(200 * 1000); /* let every thread reach its blocking call */
    printf("tw-example: ready\n");
    fflush(stdout);
}
