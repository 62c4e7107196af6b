"""Which function a program's frame called: a raw fact for libtwcore when the library frames
have no names.

Without libc's debug info gdb names glibc-internal frames "??" (pthread_join's
__pthread_clockjoin_ex is not exported), but the program's own call instruction still says what
it called, through its PLT entry or GOT slot. The call ending at the frame's return address is
decoded on its own — `call rel32` (5 bytes) or `call *disp(%rip)` (6 bytes, -fno-plt) — so no
symbol for the caller is needed. What the name means is libtwcore's to decide.
"""
import re

import gdb


def call_target(frame):
    """The symbol the call instruction before frame's pc targets (e.g. the name of a PLT
    entry), or None."""
    try:
        arch = frame.architecture()
        pc = frame.pc()
    except gdb.error:
        return None
    for n in (5, 6, 2, 3):
        try:
            d = arch.disassemble(pc - n, pc - n)
        except (gdb.error, gdb.MemoryError, ValueError):
            continue
        if d and d[0]["length"] == n and d[0]["asm"].startswith("call"):
            asm = d[0]["asm"]
            m = re.search(r"\bcall[q]?\s+\S+\s+<([^>+@]+)", asm) or re.search(r"#\s*0x[0-9a-f]+\s+<([^>+@]+)", asm)
            return m.group(1) if m else None
    return None
