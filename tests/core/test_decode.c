/* Decoding untrusted regions: every hostile header is refused with TWC_ECORRUPT (or
 * TWC_ENOREGION for a wrong magic) and a sentence, never a crash; torn records are shown torn. */
#include <criterion/criterion.h>
#include <sys/resource.h>
#include <string.h>
#include "region_builder.h"

static struct rb R;
static const struct rb_sizes SMALL = { 8, 8, 8, 1, 64, 4096 };

static int open_status(struct rb *r, char *err, size_t n)
{
    int st = -1;
    twc_session *s = twc_open_region(rb_read, r, 0, 0, &st, err, n);
    if (s) {
        /* a header that opens must still not crash any command */
        const char *cmds[] = { "", "tasks", "deadlocks --json", "alerts", "log", "validate", "back 3", "resources" };
        for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) { char *o = rb_exec(s, cmds[i], NULL); free(o); }
        twc_close(s);
        return 0;
    }
    return st;
}

Test(decode, sane_region_opens)
{
    rb_init(&R, &SMALL);
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), 0, "%s", err);
    rb_free(&R);
}

Test(decode, wrong_magic_is_no_region)
{
    rb_init(&R, &SMALL);
    memcpy(R.buf, "NOTTURBO", 8);
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ENOREGION);
    cr_assert(strstr(err, "no TurboWish region"), "%s", err);
    rb_free(&R);
}

Test(decode, newer_abi_is_refused_with_its_version)
{
    rb_init(&R, &SMALL);
    rb_hdr(&R)->abi_major = 3;
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    cr_assert_str_eq(err, "region ABI 3.x is newer than this reader (1.x)");
    rb_free(&R);
}

Test(decode, other_byte_order_is_refused)
{
    rb_init(&R, &SMALL);
    rb_hdr(&R)->byte_order = __builtin_bswap32(TW_BYTE_ORDER_MARK);
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    cr_assert(strstr(err, "byte order"), "%s", err);
    rb_free(&R);
}

Test(decode, truncated_header_is_corrupt)
{
    rb_init(&R, &SMALL);
    R.limit = 40;
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT, "%s", err);
    rb_free(&R);
}

Test(decode, truncated_tables_fail_commands_not_the_process)
{
    rb_init(&R, &SMALL);
    rb_task(&R, 1, "a", TW_TASK_READY);
    R.limit = rb_hdr(&R)->tasks.offset + 10;   /* a core file that lost the task table */
    char err[256] = "";
    twc_session *s = twc_open_region(rb_read, &R, 0, 0, NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    char *out = NULL;
    int st = twc_exec(s, "tasks", &out, err, sizeof err);
    cr_assert_eq(st, TWC_ECORRUPT);
    cr_assert_null(out);
    cr_assert(strstr(err, "cannot read"), "%s", err);
    twc_close(s);
    rb_free(&R);
}

Test(decode, table_outside_used_size)
{
    rb_init(&R, &SMALL);
    rb_hdr(&R)->tasks.offset = rb_hdr(&R)->used_size - 8;
    rb_hdr(&R)->tasks.count = 2;
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    cr_assert(strstr(err, "task table"), "%s", err);
    rb_free(&R);
}

Test(decode, huge_counts_and_sizes)
{
    char err[256];
    rb_init(&R, &SMALL);
    rb_hdr(&R)->used_size = 1ull << 63;
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    rb_free(&R);
    rb_init(&R, &SMALL);
    rb_hdr(&R)->arena_size = 1ull << 63;
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    rb_free(&R);
    rb_init(&R, &SMALL);
    rb_hdr(&R)->tasks.count = 0xffffffffu;
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    rb_free(&R);
    rb_init(&R, &SMALL);
    rb_hdr(&R)->resources.capacity = 0xffffffffu;
    rb_hdr(&R)->resources.count = 0x7fffffffu;
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    rb_free(&R);
}

/* Table sizes are the region's own words: a corrupt core claiming a 4 GiB ring directory must
 * get a sentence, not a 4 GiB allocation (here the process may not map more than 1 GiB). */
Test(decode, a_table_that_cannot_be_read_is_never_allocated)
{
    rb_init(&R, &SMALL);
    struct tw_header *h = rb_hdr(&R);
    h->used_size = h->region_size = 1ull << 33;
    h->rings.capacity = h->rings.count = 1u << 20;
    h->rings.stride = 4096;
    struct rlimit lim = {1ull << 30, 1ull << 30};
    cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0);
    char err[256] = "";
    twc_session *s = twc_open_region(rb_read, &R, 0, 0, NULL, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    char *out = NULL;
    int st = twc_exec(s, "log 5", &out, err, sizeof err);
    cr_assert_eq(st, TWC_ECORRUPT, "status %d: %s", st, err);
    cr_assert(strstr(err, "cannot read the ring directory"), "%s", err);
    twc_free(out);
    twc_close(s);
    rb_free(&R);
}

Test(decode, stride_smaller_than_record)
{
    rb_init(&R, &SMALL);
    rb_hdr(&R)->tasks.stride = 16;
    char err[256] = "";
    cr_assert_eq(open_status(&R, err, sizeof err), TWC_ECORRUPT);
    cr_assert(strstr(err, "stride"), "%s", err);
    rb_free(&R);
}

Test(decode, larger_stride_is_accepted)
{
    /* fields are only appended: a writer with bigger records is still readable */
    struct rb_sizes sz = SMALL;
    rb_init(&R, &sz);
    struct tw_header *h = rb_hdr(&R);
    h->resources.stride = sizeof(struct tw_res_rec) + 16;
    h->resources.capacity = 4;
    rb_res(&R, 9, "wide", TW_RES_MUTEX, 1);
    rb_res(&R, 10, "wider", TW_RES_MUTEX, 1);
    twc_session *s = rb_open(&R, 0);
    cr_assert_not_null(s);
    char *o = rb_exec(s, "resources --json", NULL);
    cr_assert(o && strstr(o, "\"name\":\"wide\"") && strstr(o, "\"name\":\"wider\""), "%s", o);
    free(o); twc_close(s); rb_free(&R);
}

Test(decode, hostile_rings_and_strings_do_not_crash)
{
    rb_init(&R, &SMALL);
    struct tw_task_rec *t = rb_task(&R, 1, "x", TW_TASK_WAITING);
    t->name = 0xfffffff0u;              /* string offset far outside the arena */
    t->await_site = 60000;              /* site index out of range */
    t->edges[0].res = 77; t->edges[0].role = 200;
    struct tw_header *h = rb_hdr(&R);
    struct tw_ring_desc *d = (struct tw_ring_desc *)(R.buf + h->rings.offset);
    d->capacity = 1ull << 62; d->head = 1ull << 63;   /* a ring claiming 2^62 events */
    twc_session *s = rb_open(&R, 0);
    cr_assert_not_null(s);
    int st;
    char *o = rb_exec(s, "tasks --json", &st);
    cr_assert(o && strstr(o, "\"name\":\"?\""), "%s", o);
    free(o);
    o = rb_exec(s, "log 10 --json", &st);
    cr_assert(o, "log must survive a hostile ring");
    free(o);
    o = rb_exec(s, "validate", &st);
    cr_assert_eq(st, TWC_ECORRUPT, "validate accepted a hostile region: %s", o);
    cr_assert(o && strstr(o, "bad edge role"), "%s", o);
    free(o);
    twc_close(s); rb_free(&R);
}

Test(torn, odd_seq_is_reported_torn_not_decoded)
{
    rb_init(&R, &SMALL);
    uint32_t m = 1;
    rb_res(&R, m, "m", TW_RES_MUTEX, 1);
    struct tw_task_rec *a = rb_task(&R, 1, "a", TW_TASK_WAITING);
    rb_wait(a, TW_WAIT_ACQUIRE, m, 0);
    a->seq = 3;   /* stopped mid-update */
    twc_session *s = rb_open(&R, 0);
    char *o = rb_exec(s, "tasks --json", NULL);
    cr_assert(o && strstr(o, "\"torn\":true"), "%s", o);
    free(o);
    o = rb_exec(s, "alerts --json", NULL);
    cr_assert(o && strstr(o, "\"kind\":\"torn_records\""), "%s", o);
    free(o);
    o = rb_exec(s, "deadlocks --json", NULL);
    cr_assert(o && strstr(o, "\"deadlocks\":[]"), "a torn record must not make a certain deadlock: %s", o);
    free(o);
    twc_close(s); rb_free(&R);
}

Test(torn, live_seq_moving_between_reads_is_torn)
{
    rb_init(&R, &SMALL);
    rb_task(&R, 1, "a", TW_TASK_READY);
    R.flip_seq_on_reread = 1;
    twc_session *s = rb_open(&R, TWC_LIVE);
    char *o = rb_exec(s, "tasks --json", NULL);
    cr_assert(o && strstr(o, "\"torn\":true"), "%s", o);
    free(o); twc_close(s);
    /* the same bytes read once (not live) are consistent */
    R.flip_seq_on_reread = 0;
    s = rb_open(&R, 0);
    o = rb_exec(s, "tasks --json", NULL);
    cr_assert(o && strstr(o, "\"torn\":false"), "%s", o);
    free(o); twc_close(s); rb_free(&R);
}

/* A live copy whose counter was loaded after part of an update (the kernel's string copy may
 * complete loads out of order), by a writer that then stood still: the counter in that copy and
 * in the next read agree, yet the copy is torn. Only counters from separate reads, before and
 * after the copy, prove it whole; the reader must not keep the torn bytes. */
Test(torn, live_copy_with_counter_loaded_late_is_not_kept)
{
    rb_init(&R, &SMALL);
    rb_res(&R, 1, "m", TW_RES_MUTEX, 1)->available = 0;
    rb_edge(rb_task(&R, 1, "holder", TW_TASK_POLLING), 1, TW_EDGE_HOLD, 1);
    R.tear_next_task_copy = 1;
    twc_session *s = rb_open(&R, TWC_LIVE);
    char *o = rb_exec(s, "validate --json", NULL);
    cr_assert(o && !strstr(o, "bad edge role"), "%s", o);
    free(o);
    o = rb_exec(s, "tasks --json", NULL);
    cr_assert(o && strstr(o, "\"torn\":false"), "%s", o);
    free(o);
    twc_close(s); rb_free(&R);
}

/* A record never proven whole (its counter moves on every read) keeps the first copy, and that
 * copy's counter is made odd: a snapshot file written from it then says torn to every reader,
 * even though the first copy's own counter was even. */
Test(torn, a_copy_never_proven_whole_says_torn_itself)
{
    rb_init(&R, &SMALL);
    rb_task(&R, 1, "busy", TW_TASK_POLLING);
    struct tw_header *h = rb_hdr(&R);
    uint32_t stride = h->tasks.stride;
    uint8_t *copy = malloc(stride), torn = 0;
    memcpy(copy, R.buf + h->tasks.offset, stride);
    uint32_t seq;
    memcpy(&seq, copy, 4);
    cr_assert_eq(seq % 2, 0);
    R.flip_seq_on_reread = 1;
    cr_assert_eq(twc_whole_records(rb_read, &R, h->tasks.offset, stride, 1, copy, &torn, 3, 0), 1);
    memcpy(&seq, copy, 4);
    cr_assert_eq(seq % 2, 1, "the copy's counter says torn");
    cr_assert_eq(torn, 1);
    free(copy);
    rb_free(&R);
}
