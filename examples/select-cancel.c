/* select-cancel — a loop that selects between receiving a tick and sending a report. The tick
 * wins every time, so the send branch is cancelled and the report it carried is dropped: data
 * silently lost, the case rewinding history exists to explain. After three ticks the selector
 * waits in its select again. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ready.h"
#include "twrt.h"

static atomic_int rounds;

static void *selector(void *arg)
{
    twrt_receiver **ends = arg;
    twrt_receiver *ticks = ends[0];
    twrt_sender *reports = (twrt_sender *)ends[1];
    for (int n = 0;; n++) {
        char *report = malloc(32);
        snprintf(report, 32, "report %d", n);
        struct twrt_select_op ops[2] = {
            { .kind = TWRT_SEL_RECV, .rx = ticks },
            { .kind = TWRT_SEL_SEND, .tx = reports, .msg = report, .drop = free },
        };
        int won = twrt_select(ops, 2);
        if (won != 0) break;
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

static void *ticker(void *arg)
{
    twrt_sender *tx = arg;
    for (intptr_t i = 1; i <= 3; i++) {
        twrt_sleep_ms(50);
        twrt_send(tx, (void *)i);
    }
    for (;;) twrt_sleep_ms(1000);   /* keeps its sender: more ticks may come, some day */
    return NULL;
}

static void *archive(void *arg)
{
    (void)arg;   /* holds the reports receiver but is busy elsewhere: the channel stays full */
    for (;;) twrt_sleep_ms(1000);
    return NULL;
}

int main(void)
{
    twrt_sender *tick_tx, *rep_tx;
    twrt_receiver *tick_rx, *rep_rx;
    twrt_channel("ticks", 1, &tick_tx, &tick_rx);
    twrt_channel("reports", 1, &rep_tx, &rep_rx);
    twrt_try_send(rep_tx, strdup("an old report"));   /* the reports channel is already full */
    static void *ends[2];
    ends[0] = tick_rx;
    ends[1] = rep_tx;
    twrt_detach(twrt_spawn_moving("archive", archive, rep_rx, rep_rx));
    twrt_detach(twrt_spawn_moving("selector", selector, ends, tick_rx, rep_tx));
    twrt_detach(twrt_spawn_moving("ticker", ticker, tick_tx, tick_tx));
    EXAMPLE_WAIT_FOR(atomic_load(&rounds) >= 3, 4000);
    usleep(100 * 1000);
    example_ready_and_stay();
}
