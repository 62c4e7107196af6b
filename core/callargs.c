/* callargs.c — what a caller passed to the call it is blocked in, read back from its own code.
 *
 * Once a call is made, its argument registers belong to the callee: without the callee's debug
 * info nothing records that pthread_cond_wait(c, m) was given m. The caller's code still says
 * it: the instructions that loaded rsi before the call (`lea m(%rip),%rsi`, `mov %rbx,%rsi`,
 * `mov -0x20(%rbp),%rsi`). We decode the caller's function from its start up to the call with
 * Capstone (a well-kept x86 decoder; a length decoder of our own would be most of the work and
 * all of the risk) and evaluate the last assignment of the register, following copies a few
 * steps back. Only values still provable at the call count: constants, rip-relative
 * addresses, callee-saved registers (whose values in the caller's frame the unwinder gives)
 * and memory addressed from them, and only when the assignment reaches the call in straight
 * line — no jump lands between them and no jump, return or other call sits between them.
 * Anything else is "unknown", never a guess.
 */
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>
#include "glibc.h"

#define MAX_CODE 16384 /* a caller longer than this before its call is not decoded */
#define MAX_DEPTH 6    /* register copies followed back */

enum { R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI, R_R8, R_R9, R_R10, R_R11, NREGS = 16 };
enum def_kind { D_OTHER, D_CONST, D_LEA, D_COPY, D_LOAD };

/* One decoded instruction, reduced to what the evaluation needs. */
struct insn {
    uint64_t addr, end;
    uint16_t writes;       /* registers it changes (bit per register index) */
    uint8_t kind;          /* enum def_kind of its explicit destination `dst` */
    uint8_t dst, base;     /* base: source register (D_COPY), address base (D_LEA/D_LOAD), NREGS = rip-relative */
    uint8_t width;         /* bytes written (4 zero-extends), loaded for D_LOAD */
    uint8_t stops_flow;    /* jmp, ret, a call (clobbers the argument registers) */
    int64_t imm;           /* D_CONST value, D_LEA/D_LOAD displacement */
    uint64_t target;       /* a direct jump's or call's destination, 0 none */
    uint64_t slot;         /* where an indirect call through memory (rip-relative) finds its target */
};

struct code {
    struct insn *in;
    size_t n;
};

/* Capstone's register -> our index, by its name; *full: 8 or 4 (a 32-bit write zero-extends)
 * for a whole-register write, 0 for a 16- or 8-bit one (which leaves the rest: unknown). */
static int reg_index(csh h, x86_reg r, int *full)
{
    static const char legacy[8][3] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    const char *n = r == X86_REG_INVALID ? NULL : cs_reg_name(h, r);
    *full = 0;
    if (!n)
        return -1;
    if (n[0] == 'r' && n[1] >= '0' && n[1] <= '9') { /* r8..r15, r8d, r8w, r8b */
        char *end;
        long k = strtol(n + 1, &end, 10);
        *full = *end == 0 ? 8 : *end == 'd' ? 4 : 0;
        return k >= 8 && k < NREGS ? (int)k : -1;
    }
    for (int k = 0; k < 8; k++) {
        const char *b = legacy[k];
        if ((n[0] == 'r' || n[0] == 'e') && strcmp(n + 1, b) == 0) {
            *full = n[0] == 'r' ? 8 : 4;
            return k;
        }
        if (strcmp(n, b) == 0 || (k < 4 && n[0] == b[0] && (n[1] == 'l' || n[1] == 'h') && !n[2]) ||
            (k >= 4 && strncmp(n, b, 2) == 0 && n[2] == 'l' && !n[3]))
            return k;
    }
    return -1;
}

/* What `insn` does to the registers, as far as the evaluation can use it. */
static void reduce(csh h, const cs_insn *ci, struct insn *o)
{
    *o = (struct insn){.addr = ci->address, .end = ci->address + ci->size, .kind = D_OTHER, .dst = NREGS};
    cs_regs rd, wr;
    uint8_t nrd = 0, nwr = 0;
    if (cs_regs_access(h, ci, rd, &nrd, wr, &nwr) == CS_ERR_OK)
        for (int i = 0; i < nwr; i++) {
            int full, k = reg_index(h, wr[i], &full);
            if (k >= 0)
                o->writes |= (uint16_t)(1u << k);
        }
    const cs_x86 *x = &ci->detail->x86;
    if (cs_insn_group(h, ci, X86_GRP_CALL)) {
        if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM)
            o->target = (uint64_t)x->operands[0].imm;
        else if (x->op_count == 1 && x->operands[0].type == X86_OP_MEM && x->operands[0].mem.base == X86_REG_RIP &&
                 x->operands[0].mem.index == X86_REG_INVALID)
            o->slot = o->end + (uint64_t)x->operands[0].mem.disp;   /* -fno-plt: call *f@GOTPCREL(%rip) */
        o->writes |= (1u << R_RAX) | (1u << R_RCX) | (1u << R_RDX) | (1u << R_RSI) | (1u << R_RDI) | (1u << R_R8) |
                     (1u << R_R9) | (1u << R_R10) | (1u << R_R11);
        o->stops_flow = 1;
        return;
    }
    if (cs_insn_group(h, ci, X86_GRP_JUMP) || cs_insn_group(h, ci, X86_GRP_RET) || ci->id == X86_INS_UD2 ||
        ci->id == X86_INS_HLT) {
        if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM)
            o->target = (uint64_t)x->operands[0].imm;
        /* a conditional jump falls through; everything else leaves the straight line */
        o->stops_flow = !cs_insn_group(h, ci, X86_GRP_JUMP) || ci->id == X86_INS_JMP || ci->id == X86_INS_LJMP;
        return;
    }
    if (x->op_count != 2 || x->operands[0].type != X86_OP_REG)
        return;
    int width, dst = reg_index(h, x->operands[0].reg, &width);
    if (dst < 0 || !width)
        return;
    const cs_x86_op *s = &x->operands[1];
    o->dst = (uint8_t)dst;
    o->width = (uint8_t)width;
    int sw, sk;
    switch (ci->id) {
    case X86_INS_MOV:
    case X86_INS_MOVABS:
        if (s->type == X86_OP_IMM) {
            o->kind = D_CONST;
            o->imm = width == 4 ? (int64_t)(uint32_t)s->imm : s->imm;
        } else if (s->type == X86_OP_REG && (sk = reg_index(h, s->reg, &sw)) >= 0 && sw == width) {
            o->kind = D_COPY;
            o->base = (uint8_t)sk;
        } else if (s->type == X86_OP_MEM && s->mem.index == X86_REG_INVALID && s->mem.segment == X86_REG_INVALID) {
            o->kind = D_LOAD;
            o->imm = s->mem.disp;
            o->base = s->mem.base == X86_REG_RIP ? NREGS : (uint8_t)((sk = reg_index(h, s->mem.base, &sw)) >= 0 && sw == 8 ? sk : 0xff);
            if (o->base == 0xff)
                o->kind = D_OTHER;
            else if (o->base == NREGS)
                o->imm += (int64_t)o->end;
        }
        return;
    case X86_INS_LEA:
        if (width == 8 && s->type == X86_OP_MEM && s->mem.index == X86_REG_INVALID) {
            if (s->mem.base == X86_REG_RIP) {
                o->kind = D_CONST;
                o->imm = (int64_t)o->end + s->mem.disp;
            } else if ((sk = reg_index(h, s->mem.base, &sw)) >= 0 && sw == 8) {
                o->kind = D_LEA;
                o->base = (uint8_t)sk;
                o->imm = s->mem.disp;
            }
        }
        return;
    case X86_INS_ADD:
    case X86_INS_SUB: /* pointer arithmetic on the register itself: &p->member */
        if (width == 8 && s->type == X86_OP_IMM) {
            o->kind = D_LEA;
            o->base = (uint8_t)dst;
            o->imm = ci->id == X86_INS_ADD ? s->imm : -s->imm;
        }
        return;
    case X86_INS_XOR:
        if (s->type == X86_OP_REG && s->reg == x->operands[0].reg) {
            o->kind = D_CONST;
            o->imm = 0;
        }
        return;
    default:
        return;
    }
}

/* Decode [start, ret); 0 when the code was read and the last instruction is a call ending at ret. */
static int decode(const struct twc__mem *mem, uint64_t start, uint64_t ret, struct code *c)
{
    if (!start || ret <= start || ret - start > MAX_CODE)
        return -1;
    size_t len = (size_t)(ret - start);
    uint8_t *bytes = malloc(len);
    c->in = malloc(len * sizeof *c->in); /* at least one byte per instruction */
    csh h;
    int ok = -1;
    if (!bytes || !c->in || mem->rd(mem->ctx, start, bytes, len) != (int64_t)len ||
        cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
        goto out;
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *ci = cs_malloc(h);
    const uint8_t *p = bytes;
    size_t left = len;
    uint64_t at = start;
    while (ci && left && cs_disasm_iter(h, &p, &left, &at, ci))
        reduce(h, ci, &c->in[c->n++]);
    if (ci && !left && c->n && c->in[c->n - 1].end == ret && cs_insn_group(h, ci, X86_GRP_CALL))
        ok = 0;
    cs_free(ci, 1);
    cs_close(&h);
out:
    free(bytes);
    return ok;
}

struct eval {
    const struct twc__mem *mem;
    const struct twc_raw_frame *caller;
    const struct code *c;
};

/* Does any instruction in [from, to) write register r? */
static int written_in(const struct code *c, size_t from, size_t to, int r)
{
    for (size_t i = from; i < to; i++)
        if (c->in[i].writes & (1u << r))
            return 1;
    return 0;
}

/* Is the path from instruction k to the call (the last instruction) one straight line? */
static int straight_to_call(const struct code *c, size_t k)
{
    const struct insn *call = &c->in[c->n - 1];
    for (size_t i = k + 1; i + 1 < c->n; i++)
        if (c->in[i].stops_flow)
            return 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i].target > c->in[k].addr && c->in[i].target <= call->addr)
            return 0;
    return 1;
}

/* The value of a register the caller's frame still holds at the call: callee-saved ones as
 * the unwinder found them, rsp as the frame's sp. 0 = unknown. */
static uint64_t at_call(const struct twc_raw_frame *f, int r)
{
    switch (r) {
    case R_RBX: return f->saved[0];
    case R_RBP: return f->saved[1];
    case R_RSP: return f->sp;
    default: return r >= 12 ? f->saved[r - 10] : 0;
    }
}

/* The value register r held just before instruction `before`; 0 with *ok = 0 when unproven. */
static uint64_t value_of(const struct eval *e, int r, size_t before, int depth, int *ok);

static uint64_t def_value(const struct eval *e, size_t k, int depth, int *ok)
{
    const struct insn *d = &e->c->in[k];
    uint64_t v = 0, base = 0;
    switch (d->kind) {
    case D_CONST:
        v = (uint64_t)d->imm;
        break;
    case D_COPY:
        v = value_of(e, d->base, k, depth + 1, ok);
        break;
    case D_LEA:
        v = value_of(e, d->base, k, depth + 1, ok) + (uint64_t)d->imm;
        break;
    case D_LOAD:
        base = d->base == NREGS ? 0 : value_of(e, d->base, k, depth + 1, ok);
        if (*ok && (d->width == 8 ? twc__rd64(e->mem, base + (uint64_t)d->imm, &v) : 0) != 0)
            *ok = 0;
        if (d->width == 4) {
            uint32_t w = 0;
            if (*ok && twc__rd32(e->mem, base + (uint64_t)d->imm, &w) != 0)
                *ok = 0;
            v = w;
        }
        break;
    default:
        *ok = 0;
    }
    return d->width == 4 ? (uint32_t)v : v;
}

static uint64_t value_of(const struct eval *e, int r, size_t before, int depth, int *ok)
{
    const struct code *c = e->c;
    size_t call = c->n - 1;
    if (depth > MAX_DEPTH) {
        *ok = 0;
        return 0;
    }
    uint64_t known = at_call(e->caller, r);
    if (known && !written_in(c, before, call, r))
        return known;
    for (size_t k = before; k-- > 0;)
        if (c->in[k].writes & (1u << r)) {
            if (c->in[k].dst == r && c->in[k].kind != D_OTHER && straight_to_call(c, k))
                return def_value(e, k, depth, ok);
            break;
        }
    *ok = 0;
    return 0;
}

/* The function a PLT stub at `stub` jumps to, through its GOT slot (0 when the bytes there are
 * no stub: `[endbr64] [bnd] jmp *slot(%rip)`). */
static uint64_t through_plt(const struct twc__mem *mem, uint64_t stub)
{
    uint8_t b[11];
    size_t i = 0;
    uint64_t f = 0;
    if (mem->rd(mem->ctx, stub, b, sizeof b) != (int64_t)sizeof b)
        return 0;
    if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
        i = 4;
    if (b[i] == 0xf2)
        i++;
    if (b[i] != 0xff || b[i + 1] != 0x25)
        return 0;
    int32_t disp;
    memcpy(&disp, &b[i + 2], 4);
    return twc__rd64(mem, stub + i + 6 + (uint64_t)(int64_t)disp, &f) == 0 ? f : 0;
}

/* Does the call instruction enter `callee`? A caller may call a function that tail-jumps to the
 * blocking call (libstdc++'s std::condition_variable::wait is `mov (%rsi),%rsi; jmp
 * pthread_cond_wait`): its argument registers were that function's, not the blocking call's. */
static int call_enters(const struct twc__mem *mem, const struct insn *call, uint64_t callee)
{
    uint64_t f = 0;
    if (call->target)
        return call->target == callee || through_plt(mem, call->target) == callee;
    return call->slot && twc__rd64(mem, call->slot, &f) == 0 && f == callee;
}

int twc__call_arg(const struct twc__mem *mem, const struct twc_raw_frame *caller, uint64_t callee, int arg, uint64_t *out)
{
    static const int arg_regs[] = {R_RDI, R_RSI, R_RDX, R_RCX, R_R8, R_R9};
    struct code c = {0};
    int ok = 0;
    if (arg >= 0 && arg < 6 && caller && decode(mem, caller->func_start, caller->pc, &c) == 0 &&
        (!callee || call_enters(mem, &c.in[c.n - 1], callee))) {
        struct eval e = {mem, caller, &c};
        ok = 1;
        *out = value_of(&e, arg_regs[arg], c.n - 1, 0, &ok);
    }
    free(c.in);
    return ok && *out ? 0 : -1;
}
