"""What gdb is looking at: a live process or a core file, and where its TurboWish region is.

The region is found, in order, through
  1. the exported global `tw_region` (a pointer to the header): gdb reads it from the
     dynamic symbol table, so this works on stripped binaries and on core files;
  2. the mapping of "/memfd:turbowish" in `info proc mappings` (a live /proc, or a core's
     NT_FILE note);
  3. a page-aligned "TURBOWSH" magic at the start of one of the core's load segments.
A `tw_region` that exists and is NULL means "no region yet" (attach-only then applies).
"""
import os
import re

import gdb

MAGIC = b"TURBOWSH"


class NoTarget(Exception):
    pass


def inferior():
    inf = gdb.selected_inferior()
    if inf is None or inf.pid == 0 or not inf.threads():
        raise NoTarget("no process or core file: attach (gdb -p PID), run the program, or load a core (gdb EXE CORE)")
    return inf


def _info(cmd):
    try:
        return gdb.execute(cmd, to_string=True)
    except gdb.error:
        return ""


def connection_type(inf):
    try:
        c = inf.connection
        if c is not None:
            return c.type
    except (AttributeError, RuntimeError):
        pass
    if "core dump" in _info("info target"):
        return "core"
    return "native"


def core_path():
    m = re.search(r"Local core dump file:\s*`([^']+)'", _info("info target"))
    return m.group(1) if m else None


def is_live(inf):
    """True for a process gdb can run and write (native or remote), False for a core file."""
    return connection_type(inf) != "core"


def key(inf):
    """What identifies one target: a session is reused only while this stays the same."""
    return (inf.num, inf.pid, connection_type(inf), core_path(), exe_path())


def exe_path():
    try:
        f = gdb.current_progspace().filename
    except RuntimeError:
        f = None
    return os.path.abspath(f) if f else None


def label(inf):
    # the same words as lldb's and the console's: the banner already names the pid
    return "live process" if is_live(inf) else "core file"


# ---- the region ----

def _symbol_value():
    """(found, value) of the tw_region pointer."""
    for expr in ("(unsigned long)*(unsigned long *)&tw_region",
                 "(unsigned long)*(unsigned long *)&'tw_region'"):
        try:
            return True, int(gdb.parse_and_eval(expr)) & 0xFFFFFFFFFFFFFFFF
        except gdb.MemoryError:
            # The symbol exists but its page is not in this core: say so through libtwcore,
            # which cannot find a region either; fall back to the mappings.
            return False, 0
        except gdb.error:
            continue
    return False, 0


def mappings():
    """[(start, end, offset, name)] from `info proc mappings` (live or core)."""
    out = []
    for line in _info("info proc mappings").splitlines():
        f = line.split()
        if len(f) < 4 or not f[0].startswith("0x"):
            continue
        try:
            start, end = int(f[0], 16), int(f[1], 16)
        except ValueError:
            continue
        # gdb 12+ prints "Start End Size Offset [Perms] objfile"
        name = ""
        for tok_i, tok in enumerate(f[2:], 2):
            if tok.startswith("/") or tok.startswith("["):
                name = " ".join(f[tok_i:])
                break
        out.append((start, end, name))
    return out


def core_segments():
    """[(start, end)] of a core's load sections, from `info files`."""
    out = []
    for line in _info("info files").splitlines():
        m = re.match(r"\s*(0x[0-9a-f]+) - (0x[0-9a-f]+) is load\d+", line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def _has_magic(memory, addr):
    try:
        return memory.read(addr, 8) == MAGIC
    except gdb.MemoryError:
        return False


def find_region(inf, memory):
    """(addr, how) of the region header, (0, reason) when there is none."""
    found, val = _symbol_value()
    if found:
        if val == 0:
            return 0, "tw_region is NULL (the program has recorded no event yet, or is not instrumented)"
        return val, "tw_region"
    for start, _end, name in mappings():
        if "memfd:turbowish" in name and _has_magic(memory, start):
            return start, "memfd mapping"
    if not is_live(inf):
        for start, _end in core_segments():
            if start % 4096 == 0 and _has_magic(memory, start):
                return start, "TURBOWSH magic in core"
        for start, _end, name in mappings():
            if "memfd:turbowish" in name:
                return start, "memfd mapping (not dumped)"
    return 0, "no tw_region symbol and no turbowish mapping"


# ---- the executable's load bias (for libtwcore's symbol names) ----

def _elf_entry(path):
    with open(path, "rb") as f:
        h = f.read(64)
    if len(h) < 64 or h[:4] != b"\x7fELF" or h[4] != 2:
        return None
    return int.from_bytes(h[24:32], "little")


def load_bias(exe):
    """AT_ENTRY of the process minus e_entry of the file: 0 for a non-PIE executable."""
    if not exe:
        return 0
    m = re.search(r"AT_ENTRY\s.*?(0x[0-9a-f]+)\s*$", _info("info auxv"), re.M)
    try:
        e = _elf_entry(exe)
    except OSError:
        e = None
    if m and e is not None:
        return (int(m.group(1), 16) - e) & 0xFFFFFFFFFFFFFFFF
    return 0
