/* big_region — a region the size the reader targets talk about: 100,000 tasks (philosophers in
 * rings of four, waiting on each other's forks, so the deadlock search has real work) and
 * 1,000,000 events in one ring. Writes it as a snapshot (-o FILE) and/or stays alive (--stay)
 * for the live gdb measurement, printing `tw-example: ready`. Run with TW_MAX_TASKS=100000
 * TW_MAX_RESOURCES=100000 TW_LOG_EVENTS=1048576. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "turbowish.h"

#define TASKS 100000

int main(int argc, char **argv)
{
    const char *out = NULL;
    int stay = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--stay")) stay = 1;
    }
    static tw_task_t t[TASKS];
    static tw_res_t r[TASKS];
    char name[32];
    for (int i = 0; i < TASKS; i++) {
        snprintf(name, sizeof name, "fork-%d", i);
        r[i] = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, name, TW_SITE("fork"), 0);
        snprintf(name, sizeof name, "philosopher-%d", i);
        t[i] = tw_task_spawn(name, TW_SITE("spawn"), 0);
    }
    /* fill the history: polls until a million events are recorded */
    long events = 2L * TASKS;
    for (int round = 0; events < 1000000 - 4L * TASKS; round++)
        for (int i = 0; i < TASKS && events < 1000000 - 4L * TASKS; i++, events += 2) {
            tw_poll_begin(t[i]);
            tw_poll_end(t[i], TW_POLL_READY);
        }
    for (int i = 0; i < TASKS; i++) {
        int right = (i / 4) * 4 + (i % 4 + 1) % 4;
        tw_poll_begin(t[i]);
        tw_acquire(t[i], r[i], 1);
        tw_acquire_request(t[i], r[right], 1, TW_AWAIT_SITE(lock(right)));
        tw_poll_end(t[i], TW_POLL_PENDING);
    }
    if (out) {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(tw_region, 1, tw_region->used_size, f) != tw_region->used_size || fclose(f)) {
            perror(out);
            return 1;
        }
    }
    if (stay) {
        printf("tw-example: ready\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    return 0;
}
