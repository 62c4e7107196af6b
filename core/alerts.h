/* alerts.h — the alert detectors' shared ground (alerts.c): the list they add to, and what one
 * pass over the events up to the view found. Each detector decides one kind (docs/alerts/KIND.md);
 * alerts.c runs them in a fixed order, so the list's order never depends on the frontend. */
#ifndef TWC_ALERTS_H
#define TWC_ALERTS_H
#include "internal.h"

#define STARVE_NS 1000000000ull
#define LONG_PAUSE_NS 10000000000ull
#define OVERHEAD_PER_WINDOW 50000u
#define WINDOW_NS 100000000ull

struct alist { struct alert *a; size_t n, cap; };
/* A new alert of `kind` about task t (may be NULL); NULL when out of memory. */
struct alert *twc__alert_add(struct alist *l, const char *kind, const struct mtask *t);

struct alert_scan {
    struct twc_session *s;
    const struct model *m;
    uint64_t now;        /* the view's newest timestamp (raw) */
    uint64_t now_live;   /* later on a live target held at now (liveclock.c): hogs emit nothing */
    uint32_t long_poll_ms, blocking_poll_ms;
    /* per task index, from the events up to the view; all NULL when out of memory */
    uint64_t *poll_begin, *max_poll, *since, *pause_ts;
    uint64_t peak, peak_app;        /* most events in one window, and how many were the app's */
    uint64_t instr_ev, instr_task;  /* bad instrumentation calls in the retained log, the first's task */
    struct wgraph g; int have_g;
    uint8_t *in_dl_res;  /* resources in a certain deadlock: lock_order leaves their cycles out */
};

/* One kind, over the whole model. */
typedef void (*alert_detector)(struct alert_scan *a, struct alist *L);
/* One kind, for live task m->tasks[i] named tn (per-task kinds keep each task's alerts together). */
typedef void (*task_alert_detector)(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);

void twc__detect_deadlocks(struct alert_scan *a, struct alist *L);
void twc__detect_lock_order(struct alert_scan *a, struct alist *L);
void twc__detect_long_poll(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_blocking_in_poll(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
/* blocking_in_poll's alert for t, blocked since its state began, once that is past the
 * threshold (its figure in *ms); NULL below it. Shared by worker and event-loop polls. */
struct alert *twc__blocking_alert(struct alert_scan *a, const struct mtask *t, struct alist *L, double *ms);
void twc__detect_blocking_in_loop(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_lost_waker(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_lost_wakeup(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_self_wake(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_ready_starvation(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_long_pause(struct alert_scan *a, size_t i, const struct mtask *t, const char *tn, struct alist *L);
void twc__detect_instrumentation_overhead(struct alert_scan *a, struct alist *L);
void twc__detect_dropped_events(struct alert_scan *a, struct alist *L);
void twc__detect_instrumentation_overflow(struct alert_scan *a, struct alist *L);
void twc__detect_instrumentation_error(struct alert_scan *a, struct alist *L);
void twc__detect_torn_records(struct alert_scan *a, struct alist *L);
#endif
