/* Commands through twc_exec: every command's --json is one object on one line; pause/resume
 * through the control area; `tasks --limit 50` reads only what it prints; 100,000 tasks render
 * fast; the streamer's scenario snapshots (build/scenarios, made by `make all`). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "region_builder.h"

static struct rb R;
static double now_s(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }  /* CPU time: the build machine is shared */

static void small(void)
{
    struct rb_sizes sz = { 8, 8, 8, 1, 64, 4096 };
    rb_init(&R, &sz);
    rb_res(&R, 1, "m", TW_RES_MUTEX, 1)->available = 0;
    rb_edge(rb_task(&R, 1, "holder", TW_TASK_POLLING), 1, TW_EDGE_HOLD, 1);
    rb_wait(rb_task(&R, 2, "waiter \"quoted\"\n", TW_TASK_WAITING), TW_WAIT_ACQUIRE, 1, rb_site(&R, "w.c", 3, "lock(&m)"));
    rb_event(&R, 0, 10, TW_EV_POLL_BEGIN, 1, 0, 2, TW_TASK_READY, 0, 0);
    ((struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset))->version = 2;
}

Test(commands, every_json_is_one_line)
{
    small();
    twc_session *s = rb_open(&R, 0);
    const char *cmds[] = { "--json", "summary --json", "tasks --json", "tasks --all --limit 1 --json", "task 2 --json",
                           "resources --json", "resource 1 --json", "why 2 --json", "deadlocks --json", "alerts --json",
                           "log 5 --json", "back 1 --json", "forward 1 --json", "at 0 --json", "now --json", "validate --json" };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        int st;
        char *o = rb_exec(s, cmds[i], &st);
        cr_assert_not_null(o, "%s: status %d", cmds[i], st);
        size_t n = strlen(o);
        cr_assert(n > 2 && o[0] == '{' && o[n - 1] == '\n' && o[n - 2] == '}', "%s: %s", cmds[i], o);
        cr_assert_null(memchr(o, '\n', n - 1), "%s: more than one line: %s", cmds[i], o);
        cr_assert(strstr(o, "\"as_of\":"), "%s: no as_of: %s", cmds[i], o);
        free(o);
    }
    char *o = rb_exec(s, "tasks --json", NULL);
    cr_assert(strstr(o, "\"name\":\"waiter \\\"quoted\\\"\\u000a\""), "%s", o);
    free(o);
    int st;
    o = rb_exec(s, "frobnicate", &st);
    cr_assert_null(o);
    cr_assert_eq(st, TWC_EUSAGE);
    o = rb_exec(s, "task abc", &st);
    cr_assert_eq(st, TWC_EUSAGE);
    o = rb_exec(s, "task 99", &st);
    cr_assert_eq(st, TWC_ENOTFOUND, "a task that does not exist is not found (status 2), not a usage error");
    cr_assert(strstr(twc_help(NULL), "deadlocks"));
    cr_assert(strstr(twc_help("why"), "why ID"));
    twc_close(s);
    rb_free(&R);
}

Test(commands, pause_writes_a_control_slot)
{
    small();
    twc_session *s = rb_open(&R, TWC_LIVE);
    int st; char err[256]; char *o = NULL;
    st = twc_exec(s, "pause 2", &o, err, sizeof err);
    cr_assert_eq(st, TWC_EUSAGE, "no writer: must refuse");
    cr_assert(strstr(err, "cannot pause"), "%s", err);
    twc_set_writer(s, rb_write, &R);
    struct tw_control *c = (struct tw_control *)(R.buf + rb_hdr(&R)->control_offset);
    c->slot[0].state = TW_CTL_POSTED;   /* busy slot: must be skipped */
    c->slot[1].state = TW_CTL_DONE;     /* reusable */
    st = twc_exec(s, "pause 2 --json", &o, err, sizeof err);
    cr_assert_eq(st, 0, "%s", err);
    cr_assert(strstr(o, "\"slot\":1"), "%s", o);
    free(o);
    cr_assert_eq(c->slot[1].state, TW_CTL_POSTED);
    cr_assert_eq(c->slot[1].op, TW_CTL_PAUSE);
    cr_assert_eq(c->slot[1].task, 2);
    cr_assert_eq(c->futex, 1);
    st = twc_exec(s, "resume 2", &o, err, sizeof err);
    cr_assert_eq(st, 0, "%s", err);
    free(o);
    cr_assert_eq(c->slot[2].op, TW_CTL_RESUME);
    cr_assert_eq(c->futex, 2);
    st = twc_exec(s, "pause 77", &o, err, sizeof err);
    cr_assert_eq(st, TWC_ENOTFOUND, "unknown task must be refused as not found");
    twc_close(s);
    rb_free(&R);
}

static void many(uint32_t n)
{
    struct rb_sizes sz = { n, 4, 4, 1, 4, (uint64_t)n * 16 + 64 };
    rb_init(&R, &sz);
    uint32_t site = rb_site(&R, "big.c", 1, "sleep(1)");
    char nm[32];
    for (uint32_t i = 0; i < n; i++) {
        snprintf(nm, sizeof nm, "task-%u", i + 1);
        struct tw_task_rec *t = rb_task(&R, i + 1, nm, TW_TASK_WAITING);
        rb_wait(t, TW_WAIT_TIMER, 0, site);
    }
}

Test(commands, tasks_limit_reads_only_what_it_prints)
{
    many(100000);
    twc_session *s = rb_open(&R, 0);
    uint64_t before = R.bytes_read;
    char *o = rb_exec(s, "tasks --limit 50", NULL);
    uint64_t used = R.bytes_read - before;
    cr_assert_not_null(o);
    cr_assert(strstr(o, "task-50 "), "%s", o);
    cr_assert_null(strstr(o, "task-51 "), "%s", o);
    /* 50 records + their names and one site; the whole table would be ~45 MB */
    uint64_t budget = 64 * sizeof(struct tw_task_rec) + 50 * 64 + 4096;
    cr_log_info("tasks --limit 50 read %llu bytes in %llu reads", (unsigned long long)used, (unsigned long long)R.reads);
    cr_assert_lt(used, budget, "read %llu bytes for 50 tasks", (unsigned long long)used);
    free(o);
    twc_close(s);
    rb_free(&R);
}

Test(commands, tasks_on_100000_tasks_under_a_second)
{
    many(100000);
    twc_session *s = rb_open(&R, 0);
    double t0 = now_s();
    char *o = rb_exec(s, "tasks", NULL);
    double dt = now_s() - t0;
    cr_assert_not_null(o);
    cr_assert(strstr(o, "task-100000 "), "last task missing");
    cr_log_info("tasks on 100,000 tasks: %.3f s, %zu bytes", dt, strlen(o));
    cr_assert_lt(dt, 1.0, "tasks on 100,000 tasks took %.3f s", dt);
    free(o);
    t0 = now_s();
    o = rb_exec(s, "deadlocks --json", NULL);
    dt = now_s() - t0;
    cr_assert(o && strstr(o, "\"deadlocks\":[]"));
    cr_assert_lt(dt, 1.0, "deadlock search on 100,000 tasks took %.3f s", dt);
    free(o);
    twc_close(s);
    rb_free(&R);
}

/* ---- the streamer's scenarios, decoded from real shim output ---- */
static FILE *snap;
static int64_t file_read(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    (void)ctx;
    if (fseek(snap, (long)addr, SEEK_SET)) return -14;
    return (int64_t)fread(buf, 1, len, snap);
}

static char *scenario(const char *name, const char *cmd, int *st)
{
    char path[256];
    snprintf(path, sizeof path, "build/scenarios/%s.tw", name);
    snap = fopen(path, "rb");
    cr_assert_not_null(snap, "%s missing: run `make all` first", path);
    char err[256];
    twc_session *s = twc_open_region(file_read, NULL, 0, 0, st, err, sizeof err);
    cr_assert_not_null(s, "%s: %s", path, err);
    char *o = NULL;
    *st = twc_exec(s, cmd, &o, err, sizeof err);
    twc_close(s);
    fclose(snap);
    return o;
}

Test(scenarios, every_snapshot_validates)
{
    const char *names[] = { "abba", "channel-cycle", "backpressure", "lost-waker", "long-poll", "select-cancel", "global-signal" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int st;
        char *o = scenario(names[i], "validate", &st);
        cr_assert_eq(st, 0, "%s: %s", names[i], o);
        cr_assert(o && !strncmp(o, "valid", 5), "%s: %s", names[i], o);
        free(o);
    }
}

Test(scenarios, abba_and_channel_cycle_are_certain)
{
    int st;
    char *o = scenario("abba", "deadlocks --json", &st);
    cr_assert(o && strstr(o, "\"certain\":true") && strstr(o, "\"name\":\"lock-b\"") && !strstr(o, "ticker"), "%s", o);
    free(o);
    o = scenario("channel-cycle", "deadlocks --json", &st);
    cr_assert(o && strstr(o, "\"certain\":true"), "%s", o);
    free(o);
    o = scenario("global-signal", "deadlocks --json", &st);
    cr_assert(o && strstr(o, "\"global\":true"), "%s", o);
    free(o);
}

Test(scenarios, healthy_and_pitfall_alerts)
{
    int st;
    char *o = scenario("backpressure", "deadlocks --json", &st);
    cr_assert(o && strstr(o, "\"deadlocks\":[]"), "%s", o);
    free(o);
    o = scenario("long-poll", "alerts --json", &st);
    cr_assert(o && strstr(o, "\"kind\":\"long_poll\"") && strstr(o, "hog (1)") && !strstr(o, "quick ("), "%s", o);
    free(o);
    o = scenario("lost-waker", "alerts --json", &st);
    cr_assert(o && strstr(o, "{\"kind\":\"lost_waker\",\"task\":1,") && !strstr(o, "\"kind\":\"lost_waker\",\"task\":2"), "%s", o);
    cr_assert(!strstr(o, "\"kind\":\"deadlock\""), "%s", o);
    free(o);
    o = scenario("select-cancel", "log 100 --json", &st);
    cr_assert(o && strstr(o, "\"type\":\"cancel\"") && strstr(o, "\"type\":\"msg_drop\""), "%s", o);
    free(o);
}

Test(commands, live_session_reads_afresh_at_now_but_history_stays_frozen)
{
    small();
    twc_session *s = rb_open(&R, TWC_LIVE);
    char *o = rb_exec(s, "task 2 --json", NULL);
    cr_assert(o && strstr(o, "\"state\":\"waiting\""), "%s", o);
    free(o);
    struct tw_task_rec *t2 = (struct tw_task_rec *)(R.buf + rb_hdr(&R)->tasks.offset + rb_hdr(&R)->tasks.stride);
    t2->state = TW_TASK_READY;
    o = rb_exec(s, "task 2 --json", NULL);
    cr_assert(o && strstr(o, "\"state\":\"ready\""), "a live target must be re-read: %s", o);
    free(o);
    twc_close(s);
    /* a snapshot session keeps what it read */
    t2->state = TW_TASK_WAITING;
    s = rb_open(&R, 0);
    o = rb_exec(s, "task 2 --json", NULL); free(o);
    t2->state = TW_TASK_READY;
    o = rb_exec(s, "task 2 --json", NULL);
    cr_assert(o && strstr(o, "\"state\":\"waiting\""), "%s", o);
    free(o);
    twc_close(s);
    rb_free(&R);
}
