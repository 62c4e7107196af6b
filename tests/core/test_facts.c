/* Attach-only models (twc_open_facts) and data symbolisation (twc_symbolize_data). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "tw_region.h"
#include "twcore.h"

/* objects this test binary names through its own ELF symbols and DWARF */
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t vault[4];
struct { int count; char pad[36]; pthread_mutex_t lock; } table;

static char *run(twc_session *s, const char *cmd)
{
    char *o = NULL, err[256];
    int st = twc_exec(s, cmd, &o, err, sizeof err);
    cr_assert_eq(st, 0, "%s: %s", cmd, err);
    return o;
}

static uint64_t main_bias(void)
{
    struct link_map *lm = NULL;
    /* the executable is the first entry of the link map */
    void *h = dlopen(NULL, RTLD_NOW);
    if (h && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm) return lm->l_addr;
    return 0;
}

Test(symbols, names_globals_arrays_and_members)
{
    uint64_t bias = main_bias();
    char *n = twc_symbolize_data("/proc/self/exe", bias, (uint64_t)(uintptr_t)&first);
    cr_assert(n && !strcmp(n, "first"), "got %s", n ? n : "(null)");
    free(n);
    /* an array's first element is named as an element, not as the whole array */
    n = twc_symbolize_data("/proc/self/exe", bias, (uint64_t)(uintptr_t)&vault[0]);
    cr_assert(n && !strcmp(n, "vault[0]"), "got %s", n ? n : "(null)");
    free(n);
    n = twc_symbolize_data("/proc/self/exe", bias, (uint64_t)(uintptr_t)&vault[1]);
    cr_assert(n && !strcmp(n, "vault[1]"), "got %s", n ? n : "(null)");
    free(n);
    n = twc_symbolize_data("/proc/self/exe", bias, (uint64_t)(uintptr_t)&table.lock);
    cr_assert(n && !strcmp(n, "table.lock"), "got %s", n ? n : "(null)");
    free(n);
    n = twc_symbolize_data("/proc/self/exe", bias, (uint64_t)(uintptr_t)&table.pad[3]);
    cr_assert(n && !strcmp(n, "table.pad[3]"), "got %s", n ? n : "(null)");
    free(n);
    cr_assert_null(twc_symbolize_data("/proc/self/exe", bias, 16));
    cr_assert_null(twc_symbolize_data("/nonexistent", 0, 1234));
}

static const struct twc_fact_thread abba_threads[] = {
    { 100, "main", TWC_BLOCK_JOIN, 0, 101, 0, "ab.c", 6, "main", 0 },
    { 101, "one", TWC_BLOCK_MUTEX, 0, 0x5000, 0, "ab.c", 4, "one", 0 },
    { 102, "two", TWC_BLOCK_MUTEX, 0, 0x4000, 0, "ab.c", 5, "two", 0 },
};
static const struct twc_fact_object abba_objects[] = {
    { 0x4000, TW_RES_MUTEX, 101, -1, "first" },
    { 0x5000, TW_RES_MUTEX, 102, -1, "second" },
};

Test(facts, mutex_cycle_from_owner_fields_is_certain_even_from_a_core)
{
    struct twc_facts f = { abba_threads, 3, abba_objects, 2, 0, 1, NULL, 0, "test", NULL, 0 };
    int st; char err[256];
    twc_session *s = twc_open_facts(&f, &st, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    char *o = run(s, "deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true"), "%s", o);
    cr_assert(strstr(o, "{\"task\":101,\"name\":\"one\",\"await\":{\"file\":\"ab.c\",\"line\":4,\"expr\":\"pthread_mutex_lock(&second)\""), "%s", o);
    cr_assert(strstr(o, "{\"resource\":20480,\"name\":\"second\",\"kind\":\"mutex\",\"holders\":[{\"task\":102,\"name\":\"two\"}]},{\"task\":102"), "%s", o);
    cr_assert_null(strstr(o, "\"main\""), "the joining main thread is not a member: %s", o);
    free(o);
    o = run(s, "tasks --json");
    cr_assert(strstr(o, "\"id\":101,\"name\":\"one\",\"state\":\"waiting\""), "%s", o);
    cr_assert(strstr(o, "\"holds\":[16384]"), "%s", o);
    free(o);
    char *out = NULL;
    cr_assert_eq(twc_exec(s, "back 3", &out, err, sizeof err), TWC_EUSAGE);
    cr_assert_eq(twc_exec(s, "pause 101", &out, err, sizeof err), TWC_EUSAGE);
    twc_close(s);
}

static const struct twc_fact_thread sem_threads[] = {
    { 200, "a", TWC_BLOCK_SEM, 0, 0x7000, 0, "s.c", 10, "a", 0 },
    { 201, "b", TWC_BLOCK_COND, 0, 0x8000, 0x9000, "s.c", 20, "b", 0 },
};
static const struct twc_fact_object sem_objects[] = {
    { 0x7000, TW_RES_SEMAPHORE, 0, 0, "sem" },
    { 0x8000, TW_RES_CONDVAR, 0, -1, "cond" },
};

Test(facts, global_deadlock_certainty_depends_on_samples)
{
    struct twc_facts f = { sem_threads, 2, sem_objects, 2, 0, 1, NULL, 0, "test", NULL, 0 };
    twc_session *s = twc_open_facts(&f, NULL, NULL, 0);
    char *o = run(s, "deadlocks --json");
    cr_assert(strstr(o, "\"certain\":false,\"global\":true"), "from a core only possible: %s", o);
    cr_assert(strstr(o, "core file"), "%s", o);
    free(o);
    o = run(s, "alerts --json");
    cr_assert(strstr(o, "\"kind\":\"possible_deadlock\""), "%s", o);
    cr_assert(strstr(o, "\"kind\":\"lost_wakeup\",\"task\":201"), "%s", o);
    free(o);
    twc_close(s);
    f.from_core = 0; f.samples_agree = 1;
    s = twc_open_facts(&f, NULL, NULL, 0);
    o = run(s, "deadlocks --json");
    cr_assert(strstr(o, "\"certain\":true,\"global\":true"), "two agreeing live samples: %s", o);
    free(o);
    twc_close(s);
    f.samples_agree = 0;
    s = twc_open_facts(&f, NULL, NULL, 0);
    o = run(s, "deadlocks --json");
    cr_assert(strstr(o, "\"certain\":false"), "one live sample: %s", o);
    free(o);
    twc_close(s);
}

Test(facts, sleeping_thread_is_an_exit_and_names_come_from_symbols)
{
    static struct twc_fact_thread th[] = {
        { 300, "waiter", TWC_BLOCK_MUTEX, 0, 0, 0, "x.c", 3, "w", 0 },
        { 301, "sleeper", TWC_BLOCK_SLEEP, 1, 0, 0, "x.c", 9, "s", 0 },
    };
    static struct twc_fact_object ob[1];
    th[0].object = (uint64_t)(uintptr_t)&first;
    ob[0] = (struct twc_fact_object){ (uint64_t)(uintptr_t)&first, TW_RES_MUTEX, 301, -1, NULL };
    struct twc_facts f = { th, 2, ob, 1, 0, 0, "/proc/self/exe", main_bias(), "test", NULL, 0 };
    twc_session *s = twc_open_facts(&f, NULL, NULL, 0);
    char *o = run(s, "deadlocks --json");
    cr_assert(strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    o = run(s, "resources --json");
    cr_assert(strstr(o, "\"name\":\"first\""), "%s", o);
    free(o);
    o = run(s, "why 300");
    cr_assert(strstr(o, "first (mutex) held by sleeper (301)"), "%s", o);
    free(o);
    twc_close(s);
}

/* tests/attach/progs/mutex_sem.c as facts: `holder` owns `gate` (glibc's owner field) and
 * sleeps on `go`; both posters queue on `gate`. Attach-only knows no semaphore takers. */
static const struct twc_fact_thread gate_threads[] = {
    { 300, "holder", TWC_BLOCK_SEM, 0, 0x7000, 0, "g.c", 6, "holder", 0 },
    { 301, "poster-1", TWC_BLOCK_MUTEX, 0, 0x6000, 0, "g.c", 7, "poster", 0 },
    { 302, "poster-2", TWC_BLOCK_MUTEX, 0, 0x6000, 0, "g.c", 7, "poster", 0 },
};
static const struct twc_fact_object gate_objects[] = {
    { 0x6000, TW_RES_MUTEX, 300, -1, "gate" },
    { 0x7000, TW_RES_SEMAPHORE, 0, 0, "go" },
};

Test(facts, global_deadlock_names_the_owner_of_every_mutex)
{
    struct twc_facts f = { gate_threads, 3, gate_objects, 2, 1, 0, NULL, 0, "test", NULL, 0 };
    twc_session *s = twc_open_facts(&f, NULL, NULL, 0);
    cr_assert_not_null(s);
    char *o = run(s, "deadlocks --json");
    cr_assert(strstr(o, "\"global\":true"), "%s", o);
    const char *gate = "{\"resource\":24576,\"name\":\"gate\",\"kind\":\"mutex\",\"holders\":[{\"task\":300,\"name\":\"holder\"}]}";
    const char *p = strstr(o, gate);
    cr_assert(p && strstr(p + 1, gate), "both posters' gate names its owner: %s", o);
    cr_assert(strstr(o, "{\"resource\":28672,\"name\":\"go\",\"kind\":\"semaphore\",\"holders\":[]}"), "%s", o);
    free(o);
    o = run(s, "deadlocks");
    cr_assert(strstr(o, "poster-1 (301) waits at g.c:7 pthread_mutex_lock(&gate)\n    -> gate (mutex) held by holder (300)\n"), "%s", o);
    free(o);
    o = run(s, "why 302 --json");
    cr_assert(strstr(o, gate), "%s", o);
    free(o);
    twc_close(s);
}
