// glibc_layout.cpp — where glibc 2.36 (x86-64) keeps the facts attach-only needs.
// Objects are input, not memory: every read may fail and every field is range-checked.
//   pthread_mutex_t:  __lock @0 (the futex), __owner @8 (TID), __nusers @12, __kind @16
//   pthread_rwlock_t: __wrphase_futex @8 (readers and writers wait), __writers_futex @12, __cur_writer @24
//   sem_t:            data @0 (value = low 32 bits; the futex), nwaiters = high 32 bits
//   pthread_cond_t:   __g_signals[2] @40/@44 (waiters sleep on one; the condvar is 8-byte aligned)
//   pthread_barrier:  current_round @4 (the futex)
//   pthread join:     waits on the joined thread's `tid` word, which holds its TID
#include "facts.h"
#include "tw_region.h"

namespace twl {

const char *const kGlibcLayoutSource = "glibc 2.36 x86-64 layout table";

uint64_t object_from_futex(lldb::SBProcess &p, int block, uint64_t uaddr) {
    switch (block) {
    case TWC_BLOCK_MUTEX:
    case TWC_BLOCK_SEM:
    case TWC_BLOCK_UNKNOWN:
        return uaddr;
    case TWC_BLOCK_RWLOCK_RD:
    case TWC_BLOCK_RWLOCK_WR:
        return uaddr - ((uaddr & 7) == 0 ? 8 : 12);
    case TWC_BLOCK_COND:
        return uaddr - ((uaddr & 7) == 0 ? 40 : 44);
    case TWC_BLOCK_BARRIER:
        return uaddr - 4;
    case TWC_BLOCK_JOIN: {
        uint32_t tid = 0;
        return read_u32(p, uaddr, &tid) ? tid : 0;
    }
    default:
        return uaddr;
    }
}

static uint64_t plausible_tid(uint32_t v) {
    v &= 0x3fffffffu;  // robust/PI futex flag bits
    return (v == 0 || v == 0x3fffffffu) ? 0 : v;
}

ObjectFact read_object(lldb::SBProcess &p, int block, uint64_t addr) {
    ObjectFact o;
    o.addr = addr;
    uint32_t v = 0;
    switch (block) {
    case TWC_BLOCK_MUTEX:
        o.kind = TW_RES_MUTEX;
        if (read_u32(p, addr + 8, &v)) o.owner_tid = plausible_tid(v);
        break;
    case TWC_BLOCK_RWLOCK_RD:
    case TWC_BLOCK_RWLOCK_WR:
        o.kind = TW_RES_RWLOCK;
        if (read_u32(p, addr + 24, &v)) o.owner_tid = plausible_tid(v);
        break;
    case TWC_BLOCK_SEM:
        o.kind = TW_RES_SEMAPHORE;
        if (read_u32(p, addr, &v)) o.value = (int64_t)v;
        break;
    case TWC_BLOCK_COND:
        o.kind = TW_RES_CONDVAR;
        break;
    case TWC_BLOCK_BARRIER:
        o.kind = TW_RES_BARRIER;
        break;
    default:
        o.kind = TW_RES_OTHER;
        break;
    }
    return o;
}

bool looks_like_mutex(lldb::SBProcess &p, uint64_t addr) {
    uint32_t lock = 0, owner = 0, nusers = 0, kind = 0;
    if (addr < 4096 || (addr & 7) || !read_u32(p, addr, &lock) || !read_u32(p, addr + 8, &owner) ||
        !read_u32(p, addr + 12, &nusers) || !read_u32(p, addr + 16, &kind))
        return false;
    // kind: type 0..3 plus the robust (16), PI (32), PP (64), pshared (128), elision (256, 512) bits.
    if ((kind & ~0x3f3u) != 0 || nusers > 65536) return false;
    if (owner == 0) return lock == 0;
    return lock != 0;
}

}  // namespace twl
