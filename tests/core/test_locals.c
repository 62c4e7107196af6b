/* Objects on stacks named from the frame that holds them (core/locals.c): this test's own frame
 * is the frame, its DWARF the debug info. A right frame gives "FUNC:VAR[IDX]"; a frame whose base
 * cannot be evaluated, or a pc no function covers, keeps the address — never a guessed name. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tw_region.h"
#include "twcore.h"

static uint64_t exe_bias(void)
{
    struct link_map *lm = NULL;
    void *h = dlopen(NULL, RTLD_NOW);
    return h && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm ? lm->l_addr : 0;
}

enum frame_kind { RIGHT, NO_CFA, NO_FUNCTION };

/* The JSON of `resources` for a model where one thread waits on locks[1] of this frame. */
static __attribute__((noinline)) char *hold_locals(enum frame_kind k, uint64_t *addr)
{
    pthread_mutex_t locks[3];
    memset(locks, 0, sizeof locks);
    *addr = (uint64_t)(uintptr_t)&locks[1];
    struct twc_fact_thread t = { .tid = 7, .name = "waiter", .block = TWC_BLOCK_MUTEX, .object = *addr };
    struct twc_fact_frame f = { .tid = 7, .pc = (uint64_t)(uintptr_t)&hold_locals + 1,
                                .cfa = (uint64_t)(uintptr_t)__builtin_dwarf_cfa() };
    if (k == NO_CFA) f.cfa = 0;
    if (k == NO_FUNCTION) f.pc = 0x10;
    struct twc_facts facts = { .threads = &t, .nthreads = 1, .exe = "/proc/self/exe", .load_bias = exe_bias(),
                               .frames = &f, .nframes = 1 };
    int st;
    char err[256], *out = NULL;
    twc_session *s = twc_open_facts(&facts, &st, err, sizeof err);
    cr_assert(s, "%s", err);
    cr_assert_eq(twc_exec(s, "resources --json", &out, err, sizeof err), 0, "%s", err);
    twc_close(s);
    __asm__ volatile("" : : "r"(locks) : "memory");   /* locks lives in memory until here */
    return out;
}

Test(locals, an_array_element_of_a_frame_is_named_func_var_index)
{
    uint64_t a;
    char *o = hold_locals(RIGHT, &a);
    cr_assert(strstr(o, "\"name\":\"hold_locals:locks[1]\""), "%s", o);
    free(o);
}

/* a frame without a CFA (its base, DW_OP_call_frame_cfa, cannot be evaluated), and a pc that no
 * function covers: the object keeps its address */
Test(locals, a_frame_libtwcore_cannot_place_keeps_the_address)
{
    static const enum frame_kind kinds[] = { NO_CFA, NO_FUNCTION };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        uint64_t a;
        char *o = hold_locals(kinds[i], &a), hex[32];
        snprintf(hex, sizeof hex, "\"name\":\"0x%llx\"", (unsigned long long)a);
        cr_assert(strstr(o, hex) && !strstr(o, "hold_locals:"), "frame kind %d: %s", (int)kinds[i], o);
        free(o);
    }
}
