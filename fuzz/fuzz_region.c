/* fuzz_region — libFuzzer target: any byte string as a region snapshot, through libtwcore's
 * decoder, every analysis and every renderer (text and JSON), including history moves.
 * Whatever the bytes, libtwcore must answer with output or a clear error, never crash, hang,
 * read out of bounds or leak. Seeds: the scenario snapshots (build/scenarios/NAME.tw). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "twcore.h"

struct input { const uint8_t *data; size_t size; };

static int64_t read_input(void *ctx, uint64_t addr, void *buf, uint64_t len)
{
    const struct input *in = ctx;
    if (addr >= in->size)
        return -14; /* EFAULT: like unreadable target memory */
    uint64_t n = in->size - addr < len ? in->size - addr : len;
    memcpy(buf, in->data + addr, n);
    return (int64_t)n;
}

static const char *commands[] = {
    "", "summary --json", "tasks", "tasks --json", "tasks --limit 3 --json", "task 1", "task 2 --json",
    "resources", "resources --json", "resource 1", "resource 2 --json", "why 1", "why 2 --json",
    "deadlocks", "deadlocks --json", "alerts", "alerts --json", "log 50", "log 500 --json",
    "back 3", "tasks --json", "deadlocks --json", "back --await 1", "forward 1", "at 5", "summary",
    "now", "validate", "validate --json", "pause 1", "help",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    int status = 0;
    char err[256];
    twc_session *s = twc_open_region(read_input, &in, 0, 0, &status, err, sizeof err);
    if (!s)
        return 0;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        char *out = NULL;
        twc_exec(s, commands[i], &out, err, sizeof err);
        twc_free(out);
    }
    twc_close(s);
    return 0;
}
