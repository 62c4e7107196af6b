/* fork.c — after fork() the child gets a fresh region at its first event (the shim's own
 * atfork handler), so every handle we cached belongs to the parent's region: forget them all.
 * Only the forking thread exists in the child; locks it held stay locked but are no longer in
 * our books, so their unlocks go straight to the real call. */
#include "twp.h"

static void parent_after(void) { twp_forked = 1; }

static void child_after(void)
{
    twp_forked = 1;
    twp_objects_reset();
    twp_sites_reset();
    twp_pipes_reset();
    twp_threads_reset();
    twp_sem_takers_reset();
    twp_task_locks_reset();
}

__attribute__((constructor(102))) static void twp_fork_init(void)
{
    pthread_atfork(NULL, parent_after, child_after);
}
