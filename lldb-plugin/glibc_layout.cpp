// glibc_layout.cpp — where glibc (x86-64, the layout of 2.25 to 2.40, 2.36 here) keeps the
// facts attach-only needs; the same table as the gdb plugin's glibc.py. Objects are input, not
// memory: every read may fail.
//   pthread_mutex_t:  __lock @0 (the futex), __count @4, __owner @8 (TID), __kind @16
//   pthread_rwlock_t: __readers @0, __wrphase_futex @8, __writers_futex @12, __cur_writer @24
//   sem_t:            data @0 (value = low 32 bits; the futex)
//   pthread_cond_t:   __g_signals[2] @40 (waiters sleep on one; the condvar is 8-byte aligned)
//   pthread_barrier:  current_round @4 (the futex)
//   pthread join:     waits on the joined thread's `tid` word, which holds its TID
#include "facts.h"
#include "tw_region.h"

namespace twl {

const char *const kGlibcLayoutSource = "glibc 2.36 x86-64 layout table (pthread_mutex_t.__data.__owner @8)";

static const uint32_t kRobust = 16, kPI = 32, kTidMask = 0x3fffffffu;

uint64_t object_from_futex(lldb::SBProcess &p, int block, uint64_t uaddr, uint64_t expected) {
    switch (block) {
    case TWC_BLOCK_RWLOCK_RD:
    case TWC_BLOCK_RWLOCK_WR: {
        bool reader = block == TWC_BLOCK_RWLOCK_RD;
        uint64_t base = reader ? uaddr - (expected == 3 ? 8 : 0) : uaddr - (expected == 2 ? 8 : 12);
        return (base % 8) ? uaddr - 12 : base;
    }
    case TWC_BLOCK_COND: {
        uint64_t base = uaddr - 40;
        return (base % 8) ? base - 4 : base;
    }
    case TWC_BLOCK_BARRIER:
        return uaddr - 4;
    case TWC_BLOCK_JOIN: {
        uint32_t tid = 0;
        return read_u32(p, uaddr, &tid) ? tid : (expected & 0xffffffffu);
    }
    default:  // mutex (__lock @0), semaphore (value @0), unknown futex
        return uaddr;
    }
}

ObjectFact read_object(lldb::SBProcess &p, int kind, uint64_t addr) {
    ObjectFact o;
    o.addr = addr;
    o.kind = kind;
    uint32_t v = 0, k = 0, lock = 0;
    uint64_t d = 0;
    switch (kind) {
    case TW_RES_MUTEX:
        if (read_u32(p, addr + 8, &v) && read_u32(p, addr + 16, &k)) {
            int32_t owner = (int32_t)v;
            if (owner == 0x7fffffff || owner == 0x7ffffffe || owner < 0) owner = 0;
            if (owner == 0 && (k & (kRobust | kPI)) && read_u32(p, addr, &lock)) owner = (int32_t)(lock & kTidMask);
            o.owner_tid = (uint64_t)owner;
        }
        break;
    case TW_RES_RWLOCK:
        if (read_u32(p, addr + 24, &v) && (int32_t)v > 0) o.owner_tid = v;
        break;
    case TW_RES_SEMAPHORE:
        if (read_u64(p, addr, &d)) o.value = (int64_t)(d & 0xffffffffu);
        break;
    default:
        break;
    }
    return o;
}

bool plausible_mutex(lldb::SBProcess &p, uint64_t a) {
    uint32_t lock = 0, count = 0, owner = 0, kind = 0;
    if (!a || a % 8 || !read_u32(p, a, &lock) || !read_u32(p, a + 4, &count) ||
        !read_u32(p, a + 8, &owner) || !read_u32(p, a + 16, &kind))
        return false;
    if (kind & ~(0x7fu | 0x100u | 0x200u | 0xfff80000u)) return false;
    if (count > 1000000) return false;
    if ((lock == 0) != (owner == 0) && !(kind & kRobust)) return false;
    return true;
}

}  // namespace twl
