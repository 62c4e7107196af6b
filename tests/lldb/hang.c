/* Small uninstrumented pthread programs that hang (or not), for attach-only tests.
 * usage: hang MODE   MODE = cycle3 | semhold | lostsignal | join | healthy */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

pthread_mutex_t vault[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
pthread_mutex_t guard = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t bell = PTHREAD_COND_INITIALIZER;
sem_t tokens;
pthread_t forever;
static int rung;

static void *cycle(void *a) {  /* thread i takes vault[i] then vault[i+1]: a 3-thread cycle */
    int i = (int)(long)a;
    pthread_mutex_lock(&vault[i]);
    usleep(200000);
    pthread_mutex_lock(&vault[(i + 1) % 3]);
    return 0;
}
static void *semhold(void *a) {  /* holds guard while waiting for a token nobody will post */
    (void)a;
    pthread_mutex_lock(&guard);
    sem_wait(&tokens);
    return 0;
}
static void *poster(void *a) {   /* would post, but needs guard first */
    (void)a;
    usleep(100000);
    pthread_mutex_lock(&guard);
    sem_post(&tokens);
    return 0;
}
static void *waiter(void *a) {   /* waits for a signal that was sent before it waited */
    (void)a;
    usleep(200000);
    pthread_mutex_lock(&guard);
    while (!rung) pthread_cond_wait(&bell, &guard);
    return 0;
}
static void *blocked(void *a) { (void)a; pthread_mutex_lock(&vault[0]); pthread_mutex_lock(&vault[0]); return 0; }
static void *worker(void *a) {   /* healthy producer/consumer */
    long id = (long)a;
    for (;;) {
        pthread_mutex_lock(&guard);
        if (id) { rung++; pthread_cond_signal(&bell); }
        else { while (!rung) pthread_cond_wait(&bell, &guard); rung--; }
        pthread_mutex_unlock(&guard);
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "cycle3";
    pthread_t t[3];
    sem_init(&tokens, 0, 0);
    if (!strcmp(m, "cycle3")) {
        for (long i = 0; i < 3; i++) pthread_create(&t[i], 0, cycle, (void *)i);
        pthread_join(t[0], 0);
    } else if (!strcmp(m, "semhold")) {
        pthread_create(&t[0], 0, semhold, 0);
        pthread_create(&t[1], 0, poster, 0);
        pthread_join(t[1], 0);
    } else if (!strcmp(m, "lostsignal")) {
        pthread_create(&t[0], 0, waiter, 0);
        pthread_mutex_lock(&guard);
        pthread_cond_signal(&bell);  /* nobody waits yet: the signal is lost (rung stays 0) */
        pthread_mutex_unlock(&guard);
        pthread_join(t[0], 0);
    } else if (!strcmp(m, "join")) {
        pthread_create(&forever, 0, blocked, 0);  /* relocks a mutex it holds: blocked forever */
        pthread_join(forever, 0);
    } else {
        pthread_create(&t[0], 0, worker, (void *)0);
        pthread_create(&t[1], 0, worker, (void *)1);
        pthread_join(t[0], 0);
    }
    return 0;
}
