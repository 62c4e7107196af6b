/* region_builder.h — build TurboWish regions by hand in a malloc'd buffer, following
 * include/tw_region.h, for unit tests of libtwcore (hostile headers, torn records, every
 * analysis on small hand-made models) without the shim. */
#ifndef REGION_BUILDER_H
#define REGION_BUILDER_H
#include <stddef.h>
#include <stdint.h>
#include "tw_region.h"
#include "twcore.h"

struct rb {
    uint8_t *buf;
    size_t size;
    uint64_t bytes_read, reads;
    int flip_seq_on_reread;     /* live-torn simulation: the task seq moves between reads */
    int tear_next_task_copy;    /* the next read of the task table returns each task's first
                                 * edge with role 0 under its final, even counter: a copy whose
                                 * counter was loaded after the edge (out-of-order string loads)
                                 * while the writer finished; memory itself stays whole */
    uint64_t limit;             /* reads beyond this offset fail (a truncated core) */
    uint64_t ring_used[8];
};

struct rb_sizes { uint32_t tasks, res, sites, rings; uint64_t ring_events, arena; };
#define RB_ORDERS 4096   /* capacity of every built region's lock-order table */

void rb_init(struct rb *r, const struct rb_sizes *sz);
void rb_free(struct rb *r);
struct tw_header *rb_hdr(struct rb *r);
uint32_t rb_str(struct rb *r, const char *s);
uint32_t rb_site(struct rb *r, const char *file, uint32_t line, const char *expr);
/* an interned call stack (depth as given, even a hostile one); returns its index */
uint32_t rb_stack(struct rb *r, const uint64_t *pc, uint32_t depth);
struct tw_task_rec *rb_task(struct rb *r, uint32_t id, const char *name, int state);
struct tw_res_rec *rb_res(struct rb *r, uint32_t id, const char *name, int kind, int64_t capacity);
/* a published lock-order edge held -> acquired (flags are OR'ed with TW_ORDER_PUBLISHED unless
 * raw is set: then stored as given, e.g. an edge still being written) */
struct tw_order_rec *rb_order(struct rb *r, uint32_t held, uint32_t acquired, uint32_t held_site, uint32_t acquired_site,
                              uint32_t task, uint32_t flags, int raw);
void rb_edge(struct tw_task_rec *t, uint32_t res, int role, int count);
void rb_wait(struct tw_task_rec *t, int kind, uint32_t on, uint32_t site);
void rb_event(struct rb *r, int ring, uint64_t ts, int type, uint32_t task, uint32_t res, uint32_t version, uint64_t old,
              uint16_t aux, uint8_t flags);
int64_t rb_read(void *ctx, uint64_t addr, void *buf, uint64_t len);
int64_t rb_write(void *ctx, uint64_t addr, const void *buf, uint64_t len);
twc_session *rb_open(struct rb *r, int flags);
/* run a command, return its malloc'd output (NULL on error, *st set) */
char *rb_exec(twc_session *s, const char *cmd, int *st);
/* run a command that must succeed (a Criterion assertion fails the test otherwise, naming
 * the command and its status); its malloc'd output */
char *rb_ok(twc_session *s, const char *cmd);
/* open r, run cmd, close: its malloc'd output, or on failure a malloc'd line saying so (which
 * a test's assertion then prints) */
char *rb_run(struct rb *r, const char *cmd);
/* how many times needle occurs in hay (overlapping) */
int rb_count(const char *hay, const char *needle);
#endif
