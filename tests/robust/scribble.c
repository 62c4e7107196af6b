/* scribble — another process fills a running program's control area with garbage.
 *
 * The control area is the one part of the region written from outside, so the shim treats it
 * as hostile input. This is that hostile writer: it finds the region through /proc/PID/maps
 * (the mapping of "/memfd:turbowish" at file offset 0), reads the header with
 * process_vm_readv, and for SECONDS keeps writing into the control area with
 * process_vm_writev: random bytes; slots that look posted but carry unknown ops, task ids that
 * do not exist, or a live task id with an unknown op; and well-formed pauses of task 1 in slots
 * whose state says they were never posted. It never posts a well-formed request for a live
 * task (that would be a legitimate pause).
 *
 * Usage: scribble PID SECONDS.  Prints "scribble: N writes (R random, S posted-looking)". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include "tw_region.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static int peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
    struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
    return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

static int poke(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
    struct iovec local = { (void *)buf, len }, remote = { (void *)(uintptr_t)addr, len };
    return process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

static uint64_t region_address(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    uint64_t lo = 0, off;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long a, o;
        if (strstr(line, "/memfd:turbowish") && sscanf(line, "%llx-%*x %*s %llx", &a, &o) == 2 && o == 0) {
            lo = a;
            off = o;
            (void)off;
            break;
        }
    }
    if (f)
        fclose(f);
    return lo;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    pid_t pid = atoi(argv[1]);
    double seconds = atof(argv[2]);
    uint64_t base = region_address(pid);
    struct tw_header h;
    if (!base || peek(pid, base, &h, sizeof h) || memcmp(h.magic, TW_MAGIC, 8) != 0) {
        fprintf(stderr, "scribble: no TurboWish region found in process %d\n", pid);
        return 1;
    }
    uint64_t ctl = base + h.control_offset;
    uint32_t live_task = 1; /* a task id that exists in every test target: the first spawned */
    unsigned long writes = 0, random_writes = 0, posted = 0;
    double end = now_s() + seconds;
    /* ends on a random write: every slot left in a state no protocol knows */
    while (now_s() < end || writes % 2) {
        struct tw_control c;
        uint32_t *w = (uint32_t *)&c;
        for (size_t i = 0; i < sizeof c / 4; i++)
            w[i] = next_random();
        if (writes % 2 == 0) {
            /* posted-looking slots that must all be rejected, and well-formed pauses of a live
             * task in slots that were never posted (they must not be taken) */
            for (unsigned i = 0; i < TW_CONTROL_SLOTS; i++) {
                c.slot[i].state = TW_CTL_POSTED;
                switch (next_random() % 5) {
                case 0: c.slot[i].op = TW_CTL_PAUSE; c.slot[i].task = 0; break;
                case 1: c.slot[i].op = TW_CTL_RESUME; c.slot[i].task = 0xffffffffu - (next_random() % 1000); break;
                case 2: c.slot[i].op = 3 + next_random() % 1000; c.slot[i].task = live_task; break;
                case 3: c.slot[i].op = 0; c.slot[i].task = live_task; break;
                default:
                    c.slot[i].state = (uint32_t[]){ TW_CTL_EMPTY, TW_CTL_DONE, TW_CTL_REJECTED, 4 + next_random() }[next_random() % 4];
                    c.slot[i].op = TW_CTL_PAUSE;
                    c.slot[i].task = live_task;
                    break;
                }
            }
            posted++;
        } else {
            random_writes++;
        }
        if (poke(pid, ctl, &c, sizeof c)) {
            fprintf(stderr, "scribble: cannot write into process %d\n", pid);
            return 1;
        }
        writes++;
        struct timespec nap = { 0, 200000 }; /* 0.2 ms: let the runtime look in between */
        nanosleep(&nap, NULL);
    }
    printf("scribble: %lu writes (%lu random, %lu posted-looking) of %zu bytes at 0x%llx\n", writes, random_writes,
           posted, sizeof(struct tw_control), (unsigned long long)ctl);
    return 0;
}
