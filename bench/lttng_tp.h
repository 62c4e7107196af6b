/* lttng_tp.h — the LTTng-UST tracepoint the benchmark compares against: the same payload as
 * a TurboWish poll-begin event (task, version, previous state), timestamped by LTTng. */
#undef TRACEPOINT_PROVIDER
#define TRACEPOINT_PROVIDER tw_bench
#undef TRACEPOINT_INCLUDE
#define TRACEPOINT_INCLUDE "./lttng_tp.h"
#if !defined(TW_LTTNG_TP_H) || defined(TRACEPOINT_HEADER_MULTI_READ)
#define TW_LTTNG_TP_H
#include <lttng/tracepoint.h>
TRACEPOINT_EVENT(tw_bench, poll_begin,
                 TP_ARGS(uint32_t, task, uint32_t, version, uint64_t, old),
                 TP_FIELDS(ctf_integer(uint32_t, task, task)
                           ctf_integer(uint32_t, version, version)
                           ctf_integer(uint64_t, old, old)))
#endif
#include <lttng/tracepoint-event.h>
