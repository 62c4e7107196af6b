/* Blocked but not stuck: timed waits and sleeps (never part of a certain deadlock). */
#include <errno.h>
#include <semaphore.h>
#include <time.h>
#include "common.h"
pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
sem_t s;
static struct timespec later(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); t.tv_sec += 3600; return t; }
static void *tlock(void *a) { (void)a; for (;;) { struct timespec t = later(); if (pthread_mutex_timedlock(&held, &t) == 0) pthread_mutex_unlock(&held); } }
static void *tsem(void *a) { (void)a; for (;;) { struct timespec t = later(); sem_timedwait(&s, &t); } }
static void *tcond(void *a) { (void)a; pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; pthread_mutex_lock(&m); for (;;) { struct timespec t = later(); pthread_cond_timedwait(&cv, &m, &t); } }
static void *sleeper(void *a) { (void)a; for (;;) sleep(100); }
int main(void)
{
    sem_init(&s, 0, 0);
    pthread_mutex_lock(&held);
    spawn(tlock, 0, "t-lock");
    spawn(tsem, 0, "t-sem");
    spawn(tcond, 0, "t-cond");
    spawn(sleeper, 0, "sleeper");
    ready();
    for (;;)
        pause();
}
