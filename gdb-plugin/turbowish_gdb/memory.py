"""Target memory as libtwcore's reader and writer callbacks, over gdb's inferior.

Everything read is untrusted: a read that faults returns -EFAULT (-14) to libtwcore, never
raises into C. Reads are cached in aligned blocks for the duration of one stop of the
target (the cache is dropped when the target runs or is written), so a command that walks
a table crosses from C to Python a few times, not once per record.
"""
import ctypes

import gdb

EFAULT = 14
EIO = 5
BLOCK = 64 * 1024
PAGE = 4096
MAX_CACHED_BLOCKS = 1024          # 64 MiB
MAX_READ = 64 * 1024 * 1024       # one callback never reads more; a short read says so


class Memory:
    """Page-cached reads and write-through writes of one inferior."""

    def __init__(self, inferior):
        self.inferior = inferior
        self.pages = {}          # page address -> bytes, or None when unreadable

    def drop_cache(self):
        self.pages = {}

    def _raw(self, addr, n):
        return bytes(self.inferior.read_memory(addr, n))

    def _fill(self, page, want_end):
        """Cache the pages from `page` up to want_end (at most a block), in one read when the
        whole span is readable, page by page when it is not."""
        end = min(max(want_end, page + PAGE), page + BLOCK)
        end = end + (-end % PAGE)
        if len(self.pages) >= MAX_CACHED_BLOCKS * (BLOCK // PAGE):
            self.pages.clear()
        try:
            data = self._raw(page, end - page)
            for off in range(0, end - page, PAGE):
                self.pages[page + off] = data[off:off + PAGE]
            return
        except (gdb.MemoryError, gdb.error, ValueError, OverflowError):
            pass
        for p in range(page, end, PAGE):
            try:
                self.pages[p] = self._raw(p, PAGE)
            except (gdb.MemoryError, gdb.error, ValueError, OverflowError):
                self.pages[p] = None
                break

    def read(self, addr, length):
        """Up to length bytes at addr (short at the end of readable memory). Raises
        gdb.MemoryError when not even the first byte is readable."""
        if length <= 0:
            return b""
        if addr < 0 or addr >= 1 << 64:
            raise gdb.MemoryError("cannot read memory at 0x%x" % addr)
        length = min(length, MAX_READ, (1 << 64) - addr)
        out = []
        got = 0
        cur = addr
        while got < length:
            page = cur - (cur % PAGE)
            if page not in self.pages:
                self._fill(page, addr + length)
            b = self.pages.get(page)
            if b is None:
                break
            off = cur - page
            chunk = b[off:off + (length - got)]
            if not chunk:
                break
            out.append(chunk)
            got += len(chunk)
            cur += len(chunk)
            if len(b) < PAGE:
                break
        if got == 0:
            raise gdb.MemoryError("cannot read memory at 0x%x" % addr)
        return b"".join(out)

    def read_u64(self, addr):
        return int.from_bytes(self.read_exact(addr, 8), "little")

    def read_u32(self, addr):
        return int.from_bytes(self.read_exact(addr, 4), "little")

    def read_i32(self, addr):
        return int.from_bytes(self.read_exact(addr, 4), "little", signed=True)

    def read_exact(self, addr, n):
        b = self.read(addr, n)
        if len(b) < n:
            raise gdb.MemoryError("cannot read memory at 0x%x" % (addr + len(b)))
        return b

    def write(self, addr, data):
        self.inferior.write_memory(addr, data)
        self.drop_cache()


class Callbacks:
    """The ctypes callbacks handed to libtwcore. Keep a reference for as long as the session
    lives: ctypes frees the trampoline with the Python object."""

    def __init__(self, twcore, memory, writable):
        self.memory = memory
        self.faults = 0
        self.read_cb = twcore.READ_FN(self._read)
        self.write_cb = twcore.WRITE_FN(self._write) if writable else None

    def _read(self, _ctx, addr, buf, length):
        try:
            data = self.memory.read(addr, length)
        except Exception:  # gdb.MemoryError and anything else: never raise into C
            self.faults += 1
            return -EFAULT
        ctypes.memmove(buf, data, len(data))
        return len(data)

    def _write(self, _ctx, addr, buf, length):
        try:
            if length > MAX_READ:
                return -EFAULT
            self.memory.write(addr, ctypes.string_at(buf, length))
        except Exception:
            return -EFAULT
        return length
