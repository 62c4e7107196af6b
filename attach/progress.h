/* progress.h — the progress sign between two attach-only samples (progress.c). */
#ifndef TWA_PROGRESS_H
#define TWA_PROGRESS_H
#include <stdint.h>
#include "twcore.h"

/* Context switches (voluntary + involuntary) thread tid of pid has made, 0 when unreadable. */
uint64_t twa_thread_switches(int pid, uint64_t tid);
/* After a sample released the process: wait (at most max_ms) until every thread the sample saw
 * blocked untimed is asleep again — the stop itself woke it and it re-entered its wait — so that
 * a later count that moved means the thread really ran. */
void twa_await_asleep(int pid, const struct twc_facts *f, int max_ms);
/* Fill threads[i].switches for every thread of f from /proc. */
void twa_read_switches(int pid, struct twc_fact_thread *threads, size_t n);
#endif
