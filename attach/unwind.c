/* unwind.c — one unwinder for live processes and cores: libunwind's remote (DWARF CFI)
 * unwinder over our own accessors.
 *
 * libunwind's ptrace and coredump back-ends each bring their own memory and object lookup;
 * 1.6's coredump back-end ignores the file offset of backing files, and the ptrace one
 * re-reads /proc/PID/maps per object. Supplying the accessors ourselves gives both targets
 * the same code path: memory through twa_target_read (which fills gcore's missing text from
 * the files), proc info from each object's .eh_frame_hdr, names from libtwsym's objects.
 */
#include <errno.h>
#include <libunwind.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "twa_internal.h"

/* Exported by libunwind (libunwind-x86_64) but not declared in its public headers. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
                                              unw_proc_info_t *pi, int need_unwind_info, void *arg);

struct uw_arg {
    const struct twa_target *t;
    const struct user_regs_struct *regs;
};

static int enc_size(uint8_t enc)
{
    switch (enc & 0x0f) {
    case 0x00: return 8; /* absptr */
    case 0x02: case 0x0a: return 2;
    case 0x03: case 0x0b: return 4;
    case 0x04: case 0x0c: return 8;
    default: return -1;
    }
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need, void *argp)
{
    struct uw_arg *a = argp;
    uint64_t bias;
    struct tws_object *e = tws_space_object(&a->t->space, ip, &bias, NULL);
    uint64_t hv;
    const uint8_t *h;
    size_t hl;
    if (!e || tws_object_eh_frame_hdr(e, &hv, &h, &hl) != 0 || hl < 4 || h[0] != 1)
        return -UNW_ENOINFO;
    int s1 = enc_size(h[1]), s2 = enc_size(h[2]);
    if (s1 < 0 || s2 < 0 || h[3] != 0x3b /* datarel|sdata4: the binary search table */ ||
        (size_t)(4 + s1 + s2) > hl)
        return -UNW_ENOINFO;
    uint64_t count = 0;
    memcpy(&count, h + 4 + s1, (size_t)s2 > 8 ? 8 : (size_t)s2);
    if (count == 0 || count > (hl - 4 - s1 - s2) / 8)
        return -UNW_ENOINFO;
    uint64_t lo, hi;
    if (tws_object_span(e, &lo, &hi) != 0)
        return -UNW_ENOINFO;
    unw_dyn_info_t di;
    memset(&di, 0, sizeof di);
    di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
    di.start_ip = lo + bias;
    di.end_ip = hi + bias;
    di.u.rti.segbase = hv + bias;
    di.u.rti.table_data = hv + bias + 4 + s1 + s2;
    di.u.rti.table_len = count * 8 / sizeof(unw_word_t);
    return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need, argp);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
    (void)as;
    (void)arg;
    free(pi->unwind_info); /* as libunwind's own remote back-ends do */
    pi->unwind_info = NULL;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dil, void *arg)
{
    (void)as;
    (void)dil;
    (void)arg;
    return -UNW_ENOINFO;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *argp)
{
    (void)as;
    struct uw_arg *a = argp;
    if (write)
        return -UNW_EREADONLYREG; /* we never change the target */
    return twa_target_read(a->t, addr, val, sizeof *val) == (int64_t)sizeof *val ? 0 : -UNW_EINVAL;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *argp)
{
    (void)as;
    struct uw_arg *a = argp;
    const struct user_regs_struct *r = a->regs;
    if (write)
        return -UNW_EREADONLYREG;
    switch (reg) {
    case UNW_X86_64_RAX: *val = r->rax; break;
    case UNW_X86_64_RDX: *val = r->rdx; break;
    case UNW_X86_64_RCX: *val = r->rcx; break;
    case UNW_X86_64_RBX: *val = r->rbx; break;
    case UNW_X86_64_RSI: *val = r->rsi; break;
    case UNW_X86_64_RDI: *val = r->rdi; break;
    case UNW_X86_64_RBP: *val = r->rbp; break;
    case UNW_X86_64_RSP: *val = r->rsp; break;
    case UNW_X86_64_R8: *val = r->r8; break;
    case UNW_X86_64_R9: *val = r->r9; break;
    case UNW_X86_64_R10: *val = r->r10; break;
    case UNW_X86_64_R11: *val = r->r11; break;
    case UNW_X86_64_R12: *val = r->r12; break;
    case UNW_X86_64_R13: *val = r->r13; break;
    case UNW_X86_64_R14: *val = r->r14; break;
    case UNW_X86_64_R15: *val = r->r15; break;
    case UNW_X86_64_RIP: *val = r->rip; break;
    default: return -UNW_EBADREG;
    }
    return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write, void *arg)
{
    (void)as; (void)reg; (void)val; (void)write; (void)arg;
    return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
    (void)as; (void)c; (void)arg;
    return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len, unw_word_t *off, void *argp)
{
    (void)as;
    struct uw_arg *a = argp;
    uint64_t bias, start;
    const char *names[1];
    struct tws_object *e = tws_space_object(&a->t->space, ip, &bias, NULL);
    if (!e || tws_object_func(e, ip - bias, &start, names, 1) < 1)
        return -UNW_ENOINFO;
    snprintf(buf, len, "%s", names[0]);
    *off = ip - bias - start;
    return 0;
}

static unw_accessors_t accessors = {
    .find_proc_info = find_proc_info,
    .put_unwind_info = put_unwind_info,
    .get_dyn_info_list_addr = get_dyn_info_list_addr,
    .access_mem = access_mem,
    .access_reg = access_reg,
    .access_fpreg = access_fpreg,
    .resume = resume,
    .get_proc_name = get_proc_name,
};

static void name_frame(const struct twa_target *t, struct twa_frame *f, int innermost)
{
    uint64_t bias, start;
    const struct tws_map *m = NULL;
    /* A return address points after the call: look up the call itself. */
    uint64_t pc = innermost ? f->ip : f->ip - 1;
    struct tws_object *e = tws_space_object(&t->space, pc, &bias, &m);
    f->nnames = e ? tws_object_func(e, pc - bias, &start, f->names, TWA_MAX_ALIASES) : 0;
    f->func_start = f->nnames > 0 ? start + bias : 0;
    f->in_exe = m && t->exe && strcmp(m->path, t->exe) == 0;
}

int twa_unwind(const struct twa_target *t, const struct user_regs_struct *regs, struct twa_frame *frames, int max)
{
    static const int saved[6] = {UNW_X86_64_RBX, UNW_X86_64_RBP, UNW_X86_64_R12,
                                 UNW_X86_64_R13, UNW_X86_64_R14, UNW_X86_64_R15};
    struct uw_arg a = {t, regs};
    /* One address space per target: libunwind then caches what it learnt about each
     * function across the threads (they all sleep in the same few glibc functions). */
    unw_addr_space_t as = t->unw_as;
    if (!as) {
        as = unw_create_addr_space(&accessors, 0);
        if (!as)
            return 0;
        unw_set_caching_policy(as, UNW_CACHE_GLOBAL);
        ((struct twa_target *)t)->unw_as = as;
    }
    unw_cursor_t cur;
    int n = 0;
    if (unw_init_remote(&cur, as, &a) == 0) {
        uint64_t last_sp = 0;
        while (n < max) {
            unw_word_t ip = 0, sp = 0;
            if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || ip == 0)
                break;
            unw_get_reg(&cur, UNW_REG_SP, &sp);
            if (n > 0 && sp < last_sp)
                break; /* the stack grows down: going back up means a corrupt frame */
            last_sp = sp;
            struct twa_frame *f = &frames[n];
            memset(f, 0, sizeof *f);
            f->ip = ip;
            f->sp = sp;
            for (int k = 0; k < 6; k++) {
                unw_word_t v = 0;
                unw_get_reg(&cur, saved[k], &v);
                f->callee_saved[k] = v;
            }
            name_frame(t, f, n == 0);
            n++;
            if (unw_step(&cur) <= 0)
                break;
        }
    } else if (max > 0) {
        memset(&frames[0], 0, sizeof frames[0]);
        frames[0].ip = regs->rip;
        name_frame(t, &frames[0], 1);
        n = 1;
    }
    return n;
}

void twa_unwind_done(struct twa_target *t)
{
    if (t->unw_as)
        unw_destroy_addr_space(t->unw_as);
    t->unw_as = NULL;
}
