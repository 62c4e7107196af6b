/* alarm_sem.c — healthy, though every stop looks stuck: the only thread sleeps in sem_wait on a
 * semaphore at 0, and a SIGALRM every 5 ms wakes it; the handler posts every 40th alarm, so the
 * wait ends five times a second and starts again. Any two stops show the same thread in the same
 * wait on the same semaphore at the same value; only the thread's running in between (its
 * context switches) says it is not stuck. Prints "round N" as it goes. */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include "common.h"

static sem_t gate;
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    if (++alarms % 40 == 0)
        sem_post(&gate); /* async-signal-safe */
}

int main(void)
{
    sem_init(&gate, 0, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 5000}, {0, 5000}};
    setitimer(ITIMER_REAL, &every, NULL);
    printf("tw-example: ready\n");
    fflush(stdout);
    for (long round = 1;; round++) {
        while (sem_wait(&gate) != 0 && errno == EINTR)
            ;
        if (round % 50 == 0) {
            printf("round %ld\n", round);
            fflush(stdout);
        }
    }
}
