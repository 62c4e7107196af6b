"""Where glibc keeps the facts attach-only needs: mutex owner, semaphore value, rwlock writer,
condvar futex words, a thread's TID.

Offsets come from glibc's debug info when gdb has it (the program's own DWARF or libc6-dbg
describe pthread_mutex_t and friends), otherwise from a table keyed by the glibc version,
which is read from libc's banner ("... release version 2.36"). The layout says which source
it used; attach-only output repeats it.
"""
import os
import re

import gdb

# x86-64 layouts. All of these are stable from glibc 2.25 (new condvar and rwlock) to 2.40.
#   pthread_mutex_t: __lock @0, __count @4, __owner @8, __nusers @12, __kind @16
#   sem_t (struct new_sem, 64-bit atomics): data @0 (value = low 32 bits, waiters = high 32)
#   pthread_rwlock_t: __readers @0, __writers @4, __wrphase_futex @8, __writers_futex @12,
#                     __cur_writer @24
#   pthread_cond_t: __g_signals[2] @40 (what waiters futex-wait on)
#   pthread_barrier_t: current_round @4 (what waiters futex-wait on)
TABLE_X86_64 = {
    "mutex_lock": 0, "mutex_owner": 8, "mutex_kind": 16,
    "sem_value": 0, "rwlock_readers": 0, "rwlock_cur_writer": 24, "rwlock_wrphase_futex": 8, "rwlock_writers_futex": 12,
    "cond_g_signals": 40, "barrier_round": 4,
}
TABLE_RANGE = ((2, 25), (2, 40))

PTHREAD_MUTEX_ROBUST = 16
PTHREAD_MUTEX_PI = 32
FUTEX_TID_MASK = 0x3FFFFFFF
MUTEX_INCONSISTENT = 0x7FFFFFFF
MUTEX_NOTRECOVERABLE = 0x7FFFFFFE

_version_cache = {}


def libc_path():
    for o in gdb.objfiles():
        f = o.filename or ""
        b = os.path.basename(f)
        if b == "libc.so.6" or re.match(r"libc-2\.\d+\.so$", b):
            return f
    return None


def version():
    """(major, minor) of the target's glibc from libc's banner, or None."""
    p = libc_path()
    if not p:
        return None
    if p in _version_cache:
        return _version_cache[p]
    v = None
    try:
        with open(p, "rb") as f:
            data = f.read(16 * 1024 * 1024)
        m = re.search(rb"release version (\d+)\.(\d+)", data)
        if m:
            v = (int(m.group(1)), int(m.group(2)))
    except OSError:
        pass
    _version_cache[p] = v
    return v


def _field_offset(typename, *path):
    t = gdb.lookup_type(typename).strip_typedefs()
    off = 0
    for name in path:
        f = None
        for x in t.fields():
            if x.name == name:
                f = x
                break
        if f is None:
            raise KeyError(name)
        off += f.bitpos // 8
        t = f.type.strip_typedefs()
    return off


class Layout:
    """Offsets into glibc objects, and where they came from (`source`)."""

    def __init__(self):
        self.o = dict(TABLE_X86_64)
        v = version()
        vtxt = "%d.%d" % v if v else "unknown"
        self.version = v
        self.from_dwarf = False
        try:
            self.o["mutex_lock"] = _field_offset("pthread_mutex_t", "__data", "__lock")
            self.o["mutex_owner"] = _field_offset("pthread_mutex_t", "__data", "__owner")
            self.o["mutex_kind"] = _field_offset("pthread_mutex_t", "__data", "__kind")
            self.from_dwarf = True
            self.o["rwlock_cur_writer"] = _field_offset("pthread_rwlock_t", "__data", "__cur_writer")
            self.o["cond_g_signals"] = _field_offset("pthread_cond_t", "__data", "__g_signals")
        except (gdb.error, KeyError, RuntimeError):
            pass
        if self.from_dwarf:
            self.source = "glibc %s layout from debug info (pthread_mutex_t.__data.__owner @%d)" % (
                vtxt, self.o["mutex_owner"])
        elif v and TABLE_RANGE[0] <= v <= TABLE_RANGE[1]:
            self.source = "glibc %s x86-64 layout table (pthread_mutex_t.__data.__owner @8)" % vtxt
        else:
            self.source = ("glibc %s: no debug info and not in the layout table (2.25-2.40); "
                           "assumed the 2.25+ x86-64 layout" % vtxt)

    def __getitem__(self, k):
        return self.o[k]

    def mutex_owner(self, mem, addr):
        """TID owning the mutex at addr, 0 when free or unknown."""
        owner = mem.read_i32(addr + self.o["mutex_owner"])
        kind = mem.read_i32(addr + self.o["mutex_kind"])
        if owner in (MUTEX_INCONSISTENT, MUTEX_NOTRECOVERABLE) or owner < 0:
            owner = 0
        if owner == 0 and kind & (PTHREAD_MUTEX_ROBUST | PTHREAD_MUTEX_PI):
            # Robust and PI mutexes keep the owner's TID in the futex word itself.
            owner = mem.read_u32(addr + self.o["mutex_lock"]) & FUTEX_TID_MASK
        return owner

    def sem_value(self, mem, addr):
        return mem.read_u64(addr + self.o["sem_value"]) & 0xFFFFFFFF

    def rwlock_writer(self, mem, addr):
        w = mem.read_i32(addr + self.o["rwlock_cur_writer"])
        return w if w > 0 else 0

    def cond_from_futex(self, uaddr):
        """The condvar whose __g_signals[0] or [1] is at uaddr (condvars are 8-aligned)."""
        base = uaddr - self.o["cond_g_signals"]
        return base if base % 8 == 0 else base - 4

    def rwlock_from_futex(self, uaddr, expected, reader):
        """Readers sleep on __readers (expecting RWAITING set) or __wrphase_futex (expecting
        1|FUTEX_USED = 3); writers on __writers_futex (expecting 3) or __wrphase_futex
        (expecting FUTEX_USED = 2). The rwlock is 8-aligned, which settles a misjudgement."""
        if reader:
            base = uaddr - (self.o["rwlock_wrphase_futex"] if expected == 3 else self.o["rwlock_readers"])
        else:
            base = uaddr - (self.o["rwlock_wrphase_futex"] if expected == 2 else self.o["rwlock_writers_futex"])
        if base % 8:
            base = uaddr - self.o["rwlock_writers_futex"]
        return base

    def plausible_mutex(self, mem, a):
        """Does the memory at a look like a pthread_mutex_t (kind bits, count, lock vs owner)?"""
        if not a or a % 8:
            return False
        try:
            lock = mem.read_u32(a + self.o["mutex_lock"])
            count = mem.read_u32(a + 4)
            owner = mem.read_u32(a + self.o["mutex_owner"])
            kind = mem.read_u32(a + self.o["mutex_kind"])
        except gdb.MemoryError:
            return False
        if kind & ~(0x7F | 0x100 | 0x200 | 0xFFF80000):
            return False
        if count > 1000000:
            return False
        if (lock == 0) != (owner == 0) and not kind & PTHREAD_MUTEX_ROBUST:
            return False
        return True

    def barrier_from_futex(self, uaddr):
        return uaddr - self.o["barrier_round"]
