"""Arguments of a call, recovered from the caller's code when nothing else has them.

A thread blocked in pthread_cond_wait(c, m) keeps no trace of m in glibc's objects, and
without libc debug info gdb cannot show glibc's arguments. The caller, though, loaded the
arguments just before its call instruction: `lea m(%rip),%rsi`, `mov -0x20(%rbp),%rsi`,
`mov %rbx,%rsi`. This module disassembles the caller's function up to the call and evaluates
the last assignment of an argument register, following register copies a few steps back.
It only uses values that are still known in the caller's frame: constants, rip-relative
addresses, callee-saved registers (rbx, rbp, r12-r15, rsp, which gdb unwinds) and memory
addressed from them. Anything else is "unknown", never a guess.
"""
import re

import gdb

CALLEE_SAVED = {"rbx", "rbp", "r12", "r13", "r14", "r15", "rsp"}
ARG_REGS = ("rdi", "rsi", "rdx", "rcx", "r8", "r9")

_R32 = {"edi": "rdi", "esi": "rsi", "edx": "rdx", "ecx": "rcx", "eax": "rax", "ebx": "rbx",
        "ebp": "rbp", "esp": "rsp"}
for _i in range(8, 16):
    _R32["r%dd" % _i] = "r%d" % _i


def _reg64(name):
    name = name.lstrip("%")
    if name in _R32:
        return name, True
    return name, False


def _function_start(frame):
    b = None
    try:
        b = gdb.block_for_pc(frame.pc() - 1)
    except RuntimeError:
        pass
    while b is not None and b.function is None:
        b = b.superblock
    if b is not None and b.function is not None:
        return b.start
    try:
        out = gdb.execute("info symbol 0x%x" % (frame.pc() - 1), to_string=True)
    except gdb.error:
        return None
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", out)
    if not m:
        return None
    return frame.pc() - 1 - int(m.group(2) or 0)


def _disassemble(frame):
    start = _function_start(frame)
    if start is None or frame.pc() - start > 16384:
        return None
    arch = frame.architecture()
    flavor = None
    try:
        flavor = gdb.parameter("disassembly-flavor")
        if flavor != "att":
            gdb.execute("set disassembly-flavor att", to_string=True)
        return arch.disassemble(start, frame.pc() - 1)
    except (gdb.error, gdb.MemoryError, ValueError):
        return None
    finally:
        if flavor and flavor != "att":
            gdb.execute("set disassembly-flavor %s" % flavor, to_string=True)


def _call_at(frame):
    """The call instruction ending at the frame's pc, decoded on its own: `call rel32` (5 bytes)
    or `call *disp(%rip)` (6 bytes, -fno-plt). Works without any symbol for the caller."""
    arch = frame.architecture()
    pc = frame.pc()
    for n in (5, 6, 2, 3):
        try:
            d = arch.disassemble(pc - n, pc - n)
        except (gdb.error, gdb.MemoryError, ValueError):
            continue
        if d and d[0]["length"] == n and d[0]["asm"].startswith("call"):
            return d[0]["asm"]
    return None


def call_target(frame):
    """The symbol the caller frame's last instruction calls (e.g. "pthread_mutex_lock"), or None."""
    ins = _disassemble(frame)
    asm = ins[-1]["asm"] if ins else _call_at(frame)
    if not asm:
        return None
    m = re.search(r"\bcall[q]?\s+\S+\s+<([^>+@]+)", asm) or re.search(r"#\s*0x[0-9a-f]+\s+<([^>+@]+)", asm)
    return m.group(1) if m else None


_MEM = re.compile(r"^(-?0x[0-9a-f]+|-?\d+)?\((%\w+)\)$")


class _Eval:
    def __init__(self, frame, mem, ins):
        self.frame = frame
        self.mem = mem
        self.ins = ins

    def reg_now(self, reg):
        """A callee-saved register's value in the caller frame (as at the call)."""
        if reg not in CALLEE_SAVED:
            return None
        try:
            return int(self.frame.read_register(reg)) & 0xFFFFFFFFFFFFFFFF
        except (gdb.error, ValueError):
            return None

    def operand(self, text, idx, depth, want_address):
        """Value of an AT&T source operand at instruction idx. want_address: lea semantics."""
        text = text.strip()
        comment = None
        if "#" in text:
            text, comment = text.split("#", 1)
            text = text.strip()
        if text.startswith("$"):
            try:
                return int(text[1:], 0) & 0xFFFFFFFFFFFFFFFF
            except ValueError:
                return None
        if text.startswith("%"):
            return self.reg_at(text[1:], idx, depth)
        m = _MEM.match(text)
        if not m:
            return None
        disp = int(m.group(1), 0) if m.group(1) else 0
        base = m.group(2)[1:]
        if base == "rip":
            if comment is None:
                return None
            cm = re.match(r"\s*(0x[0-9a-f]+)", comment)
            if not cm:
                return None
            addr = int(cm.group(1), 16)
        else:
            b = self.reg_at(base, idx, depth)
            if b is None:
                return None
            addr = (b + disp) & 0xFFFFFFFFFFFFFFFF
        if want_address:
            return addr
        try:
            return self.mem.read_u64(addr)
        except gdb.MemoryError:
            return None

    def written(self, reg, lo, hi):
        """Does any instruction in [lo, hi) write reg (or move rsp)?"""
        for j in range(lo, hi):
            asm = self.ins[j]["asm"]
            op = asm.partition(" ")[0]
            if reg == "rsp" and (op.startswith("push") or op.startswith("pop") or op.startswith("call")):
                return True
            ops = _split_operands(asm.partition(" ")[2].strip())
            if ops and ops[-1].startswith("%") and _reg64(ops[-1])[0] == reg and not op.startswith("cmp") \
                    and not op.startswith("test"):
                return True
            if op.startswith("pop") and ops and _reg64(ops[0])[0] == reg:
                return True
        return False

    def reg_at(self, reg, idx, depth):
        """Value of reg just before instruction idx executes."""
        reg, _ = _reg64(reg)
        if depth > 4:
            return None
        call = len(self.ins) - 1
        if reg in CALLEE_SAVED and not self.written(reg, idx, call):
            # gdb unwinds callee-saved registers: their value in the caller is the one at the call.
            return self.reg_now(reg)
        for j in range(idx - 1, -1, -1):
            asm = self.ins[j]["asm"]
            op, _, rest = asm.partition(" ")
            rest = rest.strip()
            if op.startswith("call") or op.startswith("ret") or op.startswith("jmp"):
                # A call clobbers argument registers; an unconditional jump means the code
                # before it is not on this path.
                return None
            ops = _split_operands(rest)
            if not ops:
                continue
            dst, is32 = _reg64(ops[-1]) if ops[-1].startswith("%") else (None, False)
            if dst != reg:
                continue
            if op.startswith("xor") and len(ops) == 2 and _reg64(ops[0])[0] == reg:
                return 0
            if op.startswith("lea") and len(ops) == 2:
                return self.operand(ops[0], j, depth + 1, True)
            if op in ("mov", "movq", "movl", "movabs") and len(ops) == 2:
                v = self.operand(ops[0], j, depth + 1, False)
                if v is not None and is32:
                    v &= 0xFFFFFFFF
                return v
            return None   # written by something we do not evaluate
        return None


def _split_operands(s):
    if "#" in s:
        body, comment = s.split("#", 1)
        comment = "#" + comment
    else:
        body, comment = s, ""
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    if parts and comment:
        parts[0] = parts[0] + " " + comment   # rip-relative source operands carry the address
    return parts


def arguments(frame, mem, count=2):
    """[value or None] of the first `count` integer arguments of the call the caller `frame`
    is making (its pc is the return address)."""
    ins = _disassemble(frame)
    if not ins or not re.match(r"call", ins[-1]["asm"]):
        return [None] * count
    ev = _Eval(frame, mem, ins)
    return [ev.reg_at(r, len(ins) - 1, 0) for r in ARG_REGS[:count]]
