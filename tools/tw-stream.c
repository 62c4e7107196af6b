/* tw-stream — the deterministic event streamer (the seed's "mock event streamer").
 *
 * Plays a scenario (tests/scenarios/NAME.tws) through the real shim, built with a settable
 * clock, on real OS threads, and writes the resulting region as a snapshot file: the bytes
 * from offset 0 to header.used_size. Analysis tests then run on those files with no timing luck.
 *
 *   tw-stream SCENARIO.tws -o OUT.tw
 *
 * Scenario language, one command per line ('#' starts a comment). NAMEs are task or resource
 * names declared earlier; SITE is FILE:LINE:EXPRESSION (the rest of the line).
 *   thread N                     following lines run on OS thread N (1..8; 1 is the first)
 *   at NS                        set the clock to NS nanoseconds
 *   task NAME [PARENT]           spawn (READY)
 *   res NAME KIND CAPACITY       kind: mutex rwlock semaphore channel oneshot notify condvar
 *   poll TASK | pending TASK | yield TASK | complete TASK | dropped TASK
 *   request TASK RES SITE        acquire request (task now waits on RES)
 *   acquire TASK RES [UNITS] | release TASK RES [UNITS] | tryfail TASK RES
 *   send TASK RES | recv TASK RES
 *   block-full TASK RES SITE | block-empty TASK RES SITE
 *   block-full-waker, block-empty-waker, send-waker, recv-waker: the same, the wait's waker
 *                                made / given back in the same event (TW_ACQ_WAKER)
 *   pending-on-full TASK RES SITE | pending-on-empty TASK RES SITE
 *                                block-*-waker and pending as one event (ABI 1.6: the poll's end
 *                                begins the wait, tw_poll_end_blocked)
 *   sender TASK RES | receiver TASK RES | drop-sender TASK RES | drop-receiver TASK RES
 *   wake TASK [BY]               woken (by task BY)
 *   waker-create TASK | waker-clone TASK | waker-drop TASK
 *   await TASK KIND ON SITE      kind: park timer signal join io; ON: a RES, a TASK, or -
 *   await-end TASK
 *   await-waker TASK KIND ON SITE | await-end-waker TASK: the same, with the wait's waker
 *   intent TASK RES cond|uncond acquire|send|recv | intent-clear TASK RES
 *   attr TASK KEY VALUE | rename TASK NEWNAME | pause TASK | resume TASK
 *   cancel TASK RES [lost]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "turbowish.h"

extern uint64_t tw_fake_clock_ns;

#define MAX_NAMES 1024
#define MAX_THREADS 8

struct named { char name[64]; uint64_t handle; int is_task; };
static struct named names[MAX_NAMES];
static int nnames;
static const char *scenario_path;
static int lineno;

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "tw-stream: %s:%d: %s%s%s\n", scenario_path, lineno, msg, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static uint64_t lookup(const char *n, int want_task)
{
    for (int i = 0; i < nnames; i++)
        if (strcmp(names[i].name, n) == 0) {
            if (names[i].is_task != want_task)
                die(want_task ? "not a task" : "not a resource", n);
            return names[i].handle;
        }
    die("unknown name", n);
    return 0;
}

static void declare(const char *n, uint64_t h, int is_task)
{
    if (nnames == MAX_NAMES)
        die("too many names", NULL);
    snprintf(names[nnames].name, sizeof names[nnames].name, "%s", n);
    names[nnames].handle = h;
    names[nnames].is_task = is_task;
    nnames++;
}

/* SITE "file:line:expr" -> site index; the strings live as long as the process. */
static uint32_t site(char *s)
{
    if (!s)
        die("missing SITE (FILE:LINE:EXPR)", NULL);
    char *c1 = strchr(s, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
        die("SITE must be FILE:LINE:EXPR", s);
    *c1 = *c2 = '\0';
    return tw__site_register(strdup(s), (uint32_t)atoi(c1 + 1), strdup(c2 + 1), "scenario");
}

static int kind_of(const char *k)
{
    static const char *kinds[] = {"", "mutex", "rwlock", "semaphore", "channel", "oneshot", "notify", "condvar"};
    for (int i = 1; i < 8; i++)
        if (strcmp(k, kinds[i]) == 0)
            return i;
    die("unknown resource kind", k);
    return 0;
}

static int wait_of(const char *k)
{
    if (!strcmp(k, "park")) return TW_WAIT_PARK;
    if (!strcmp(k, "timer")) return TW_WAIT_TIMER;
    if (!strcmp(k, "signal")) return TW_WAIT_SIGNAL;
    if (!strcmp(k, "join")) return TW_WAIT_JOIN;
    if (!strcmp(k, "io")) return TW_WAIT_IO;
    die("unknown wait kind", k);
    return 0;
}

static uint32_t on_id(const char *on)
{
    if (!strcmp(on, "-"))
        return 0;
    for (int i = 0; i < nnames; i++)
        if (!strcmp(names[i].name, on))
            return (uint32_t)names[i].handle;
    die("unknown name", on);
    return 0;
}

/* Execute one command (already split into words; rest = text after the 3rd word). */
static void run(char **w, int n, char *rest3, char *rest4)
{
    const char *c = w[0];
#define NEED(k) do { if (n < (k)) die("too few words for", c); } while (0)
#define T(i) lookup(w[i], 1)
#define R(i) lookup(w[i], 0)
    if (!strcmp(c, "at")) { NEED(2); tw_fake_clock_ns = strtoull(w[1], NULL, 10); }
    else if (!strcmp(c, "task")) { NEED(2); declare(w[1], tw_task_spawn(w[1], TW_SITE("scenario"), n > 2 ? T(2) : 0), 1); }
    else if (!strcmp(c, "res")) {
        NEED(4);
        int k = kind_of(w[2]);
        int cls = k <= TW_RES_SEMAPHORE ? TW_CLASS_REUSABLE : TW_CLASS_CONSUMABLE;
        declare(w[1], tw_res_create(k, cls, strtoll(w[3], NULL, 10), w[1], TW_SITE("scenario"), 0), 0);
    }
    else if (!strcmp(c, "poll")) { NEED(2); tw_poll_begin(T(1)); }
    else if (!strcmp(c, "pending")) { NEED(2); tw_poll_end(T(1), TW_POLL_PENDING); }
    else if (!strcmp(c, "yield")) { NEED(2); tw_poll_end(T(1), TW_POLL_READY); }
    else if (!strcmp(c, "complete")) { NEED(2); tw_poll_end(T(1), TW_POLL_COMPLETED); tw_task_done(T(1), 0); }
    else if (!strcmp(c, "dropped")) { NEED(2); tw_task_done(T(1), 1); }
    else if (!strcmp(c, "request")) { NEED(4); tw_acquire_request(T(1), R(2), 1, site(rest3)); }
    else if (!strcmp(c, "acquire")) { NEED(3); tw_acquire(T(1), R(2), n > 3 ? atoi(w[3]) : 1); }
    else if (!strcmp(c, "release")) { NEED(3); tw_release(T(1), R(2), n > 3 ? atoi(w[3]) : 1); }
    else if (!strcmp(c, "tryfail")) { NEED(3); tw_try_fail(T(1), R(2)); }
    else if (!strcmp(c, "send")) { NEED(3); tw_send(T(1), R(2)); }
    else if (!strcmp(c, "recv")) { NEED(3); tw_recv(T(1), R(2)); }
    else if (!strcmp(c, "block-full")) { NEED(4); tw_block_full(T(1), R(2), site(rest3)); }
    else if (!strcmp(c, "block-empty")) { NEED(4); tw_block_empty(T(1), R(2), site(rest3)); }
    else if (!strcmp(c, "block-full-waker")) { NEED(4); tw_block_full_how(T(1), R(2), site(rest3), TW_ACQ_WAKER); }
    else if (!strcmp(c, "block-empty-waker")) { NEED(4); tw_block_empty_how(T(1), R(2), site(rest3), TW_ACQ_WAKER); }
    /* the block and the poll's end in one event (ABI 1.6), the waker with them */
    else if (!strcmp(c, "pending-on-full")) { NEED(4); tw_poll_end_blocked(T(1), R(2), TW_WAIT_SEND, site(rest3), TW_ACQ_WAKER, NULL); }
    else if (!strcmp(c, "pending-on-empty")) { NEED(4); tw_poll_end_blocked(T(1), R(2), TW_WAIT_RECV, site(rest3), TW_ACQ_WAKER, NULL); }
    else if (!strcmp(c, "send-waker")) { NEED(3); tw_send_how(T(1), R(2), TW_ACQ_WAKER); }
    else if (!strcmp(c, "recv-waker")) { NEED(3); tw_recv_how(T(1), R(2), TW_ACQ_WAKER); }
    else if (!strcmp(c, "sender")) { NEED(3); tw_handle_add(T(1), R(2), TW_EDGE_SENDER); }
    else if (!strcmp(c, "receiver")) { NEED(3); tw_handle_add(T(1), R(2), TW_EDGE_RECEIVER); }
    else if (!strcmp(c, "drop-sender")) { NEED(3); tw_handle_drop(T(1), R(2), TW_EDGE_SENDER); }
    else if (!strcmp(c, "drop-receiver")) { NEED(3); tw_handle_drop(T(1), R(2), TW_EDGE_RECEIVER); }
    else if (!strcmp(c, "wake")) { NEED(2); tw_wake(T(1), n > 2 ? T(2) : 0); }
    else if (!strcmp(c, "waker-create")) { NEED(2); tw_waker(T(1), TW_EV_WAKER_CREATE, 0); }
    else if (!strcmp(c, "waker-clone")) { NEED(2); tw_waker(T(1), TW_EV_WAKER_CLONE, 0); }
    else if (!strcmp(c, "waker-drop")) { NEED(2); tw_waker(T(1), TW_EV_WAKER_DROP, 0); }
    else if (!strcmp(c, "await")) { NEED(5); tw_await_begin(T(1), site(rest4), wait_of(w[2]), on_id(w[3]), !strcmp(w[2], "timer")); }
    else if (!strcmp(c, "await-end")) { NEED(2); tw_await_end(T(1)); }
    else if (!strcmp(c, "await-waker")) { NEED(5); tw_await_begin(T(1), site(rest4), wait_of(w[2]), on_id(w[3]), TW_AWAIT_WAKER); }
    else if (!strcmp(c, "await-end-waker")) { NEED(2); tw_await_end_how(T(1), TW_ACQ_WAKER); }
    else if (!strcmp(c, "intent")) {
        NEED(5);
        int role = !strcmp(w[3], "uncond") ? TW_EDGE_INTENT_UNCOND : TW_EDGE_INTENT_COND;
        int dir = !strcmp(w[4], "send") ? TW_DIR_SEND : !strcmp(w[4], "recv") ? TW_DIR_RECV : TW_DIR_ACQUIRE;
        tw_intent_set(T(1), R(2), role, dir);
    }
    else if (!strcmp(c, "intent-clear")) { NEED(3); tw_intent_clear(T(1), R(2)); }
    else if (!strcmp(c, "attr")) { NEED(4); tw_attr(T(1), w[2], w[3]); }
    else if (!strcmp(c, "rename")) { NEED(3); tw_task_name(T(1), w[2]); }
    else if (!strcmp(c, "pause")) { NEED(2); tw_task_pause(T(1), 1); }
    else if (!strcmp(c, "resume")) { NEED(2); tw_task_pause(T(1), 0); }
    else if (!strcmp(c, "cancel")) { NEED(3); tw_cancel(T(1), R(2), n > 3 && !strcmp(w[3], "lost")); }
    else die("unknown command", c);
}

/* Each scenario thread is a real OS thread (so events land in its own ring); commands are
 * handed to it one at a time, so the scenario stays strictly sequential. */
struct worker { pthread_t th; sem_t go, done; char **w; int n; char *r3, *r4; int quit; };
static struct worker workers[MAX_THREADS];

static void *worker_main(void *arg)
{
    struct worker *k = arg;
    for (;;) {
        sem_wait(&k->go);
        if (k->quit)
            return NULL;
        run(k->w, k->n, k->r3, k->r4);
        sem_post(&k->done);
    }
}

static char *rest_after(char *line, int words)
{
    char *p = line;
    for (int i = 0; i < words; i++) {
        while (*p == ' ' || *p == '\t') p++;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    while (*p == ' ' || *p == '\t') p++;
    return *p ? p : NULL;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else scenario_path = argv[i];
    }
    if (!scenario_path || !out) {
        fprintf(stderr, "usage: tw-stream SCENARIO.tws -o OUT.tw\n");
        return 1;
    }
    FILE *f = fopen(scenario_path, "r");
    if (!f) {
        fprintf(stderr, "tw-stream: cannot open %s: %s\n", scenario_path, strerror(errno));
        return 2;
    }
    for (int i = 0; i < MAX_THREADS; i++) {
        sem_init(&workers[i].go, 0, 0);
        sem_init(&workers[i].done, 0, 0);
        pthread_create(&workers[i].th, NULL, worker_main, &workers[i]);
        char nm[16];
        snprintf(nm, sizeof nm, "scenario-%d", i + 1);
        pthread_setname_np(workers[i].th, nm);
    }
    int cur = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n#")] = '\0';
        char copy[1024];
        memcpy(copy, line, sizeof copy);
        char *w[16];
        int n = 0;
        for (char *tok = strtok(copy, " \t"); tok && n < 16; tok = strtok(NULL, " \t"))
            w[n++] = tok;
        if (n == 0)
            continue;
        if (!strcmp(w[0], "thread")) {
            cur = n > 1 ? atoi(w[1]) - 1 : 0;
            if (cur < 0 || cur >= MAX_THREADS)
                die("thread must be 1..8", w[1]);
            continue;
        }
        struct worker *k = &workers[cur];
        k->w = w; k->n = n;
        k->r3 = rest_after(line, 3);
        k->r4 = rest_after(line, 4);
        sem_post(&k->go);
        sem_wait(&k->done);
    }
    fclose(f);
    struct tw_header *h = tw_region;
    if (!h) {
        fprintf(stderr, "tw-stream: the scenario recorded nothing (is TW_DISABLE set?)\n");
        return 1;
    }
    FILE *o = fopen(out, "wb");
    if (!o || fwrite(h, 1, h->used_size, o) != h->used_size || fclose(o) != 0) {
        fprintf(stderr, "tw-stream: cannot write %s: %s\n", out, strerror(errno));
        return 2;
    }
    return 0;
}
