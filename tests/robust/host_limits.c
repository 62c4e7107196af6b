/* host_limits — a fixed workload to run against the region's limits (TW_MAX_TASKS,
 * TW_MAX_RESOURCES, TW_STRINGS_BYTES, TW_LOG_EVENTS): the program runs on whatever they are,
 * and says what it asked for, so a test can compare with what tw says was not recorded.
 *
 * 20 resources "res-NN", 50 tasks "task-NN", then 10 rounds in which every task that got a
 * handle polls once, taking and giving back a resource: 4 events per task per round. A call
 * with a 0 handle (the table was full) is accepted and ignored by the shim, records nothing,
 * and is not counted here.
 * Prints "limits: tasks=50 tasks_full=F resources=20 resources_full=G events=E", then
 * "tw-example: ready", and stays until killed. */
#include <stdio.h>
#include <unistd.h>
#include "turbowish.h"

#define TASKS 50
#define RESOURCES 20
#define ROUNDS 10

int main(void)
{
    tw_res_t res[RESOURCES];
    tw_task_t task[TASKS];
    unsigned long events = 0, tasks_full = 0, res_full = 0;
    char name[32];
    for (int i = 0; i < RESOURCES; i++) {
        snprintf(name, sizeof name, "res-%02d", i);
        res[i] = tw_res_create(TW_RES_MUTEX, TW_CLASS_REUSABLE, 1, name, 0, 0);
        res[i] ? events++ : res_full++;
    }
    for (int i = 0; i < TASKS; i++) {
        snprintf(name, sizeof name, "task-%02d", i);
        task[i] = tw_task_spawn(name, 0, 0);
        task[i] ? events++ : tasks_full++;
    }
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < TASKS; i++) {
            tw_res_t m = res[i % RESOURCES];
            if (!task[i] || !m)
                continue;
            tw_poll_begin(task[i]);
            tw_acquire(task[i], m, 1);
            tw_release(task[i], m, 1);
            tw_poll_end(task[i], TW_POLL_READY);
            events += 4;
        }
    }
    printf("limits: tasks=%d tasks_full=%lu resources=%d resources_full=%lu events=%lu\n", TASKS, tasks_full,
           RESOURCES, res_full, events);
    printf("tw-example: ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
