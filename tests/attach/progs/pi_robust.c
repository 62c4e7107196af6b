/* ABBA on priority-inheritance mutexes (futex_lock_pi, owner TID in the lock word) and on
 * robust mutexes. */
#include "common.h"
pthread_mutex_t pi_a, pi_b, rb_a, rb_b;
pthread_barrier_t both_pi, both_rb;
static void *pi1(void *a) { (void)a; pthread_mutex_lock(&pi_a); pthread_barrier_wait(&both_pi); pthread_mutex_lock(&pi_b); return 0; }
static void *pi2(void *a) { (void)a; pthread_mutex_lock(&pi_b); pthread_barrier_wait(&both_pi); pthread_mutex_lock(&pi_a); return 0; }
static void *rb1(void *a) { (void)a; pthread_mutex_lock(&rb_a); pthread_barrier_wait(&both_rb); pthread_mutex_lock(&rb_b); return 0; }
static void *rb2(void *a) { (void)a; pthread_mutex_lock(&rb_b); pthread_barrier_wait(&both_rb); pthread_mutex_lock(&rb_a); return 0; }
int main(void)
{
    pthread_mutexattr_t pi, rb;
    pthread_mutexattr_init(&pi);
    pthread_mutexattr_setprotocol(&pi, PTHREAD_PRIO_INHERIT);
    pthread_mutexattr_init(&rb);
    pthread_mutexattr_setrobust(&rb, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&pi_a, &pi);
    pthread_mutex_init(&pi_b, &pi);
    pthread_mutex_init(&rb_a, &rb);
    pthread_mutex_init(&rb_b, &rb);
    pthread_barrier_init(&both_pi, NULL, 2);
    pthread_barrier_init(&both_rb, NULL, 2);
    spawn(pi1, 0, "pi-1");
    spawn(pi2, 0, "pi-2");
    spawn(rb1, 0, "rb-1");
    spawn(rb2, 0, "rb-2");
    ready();
    for (;;)
        pause();
}
