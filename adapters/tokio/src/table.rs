//! Lock-free, allocation-free tables the layer and the wrappers share:
//!
//! * the span table: tracing span id -> what TurboWish knows about that span (a task, a
//!   resource, or a span to ignore), with the per-task state the layer keeps;
//! * the site cache: source location -> site index, so a location is registered with the
//!   shim once (the shim's site table does not deduplicate).
//!
//! Both are fixed-size arrays in .bss (untouched pages cost nothing). Span ids are unique
//! while a span is open (tracing-subscriber's registry adds a generation to reused slots), so a
//! key is inserted by exactly one thread and removed by one; lookups only compare keys.
#![allow(clippy::declare_interior_mutable_const)]

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering::*};

pub const KIND_FREE: u32 = 0;
pub const KIND_TASK: u32 = 1;
/// A resource TurboWish knows (a tw_res_t in `handle`).
pub const KIND_RES: u32 = 2;
/// A tokio-internal resource span inside another resource (the semaphore inside a Mutex):
/// same `handle` as its parent; closing it closes nothing.
pub const KIND_ALIAS: u32 = 3;
/// A resource span we do not model (tokio-internal, or one created inside a wrapper).
pub const KIND_IGNORE: u32 = 4;
/// A timer (Sleep, Interval): no TurboWish resource, waits on it are TIMER waits.
pub const KIND_TIMER: u32 = 5;

/// How a task that waits on a resource is recorded.
pub const MODE_NONE: u32 = 0;
/// Holders are known (Mutex, RwLock): ACQUIRE_REQ, so its holders are its wakers.
pub const MODE_ACQUIRE: u32 = 1;
/// Wakers unknown (tokio Semaphore, oneshot, Barrier): a SIGNAL wait.
pub const MODE_SIGNAL: u32 = 2;
pub const MODE_TIMER: u32 = 3;

// task flags
pub const TF_PAUSABLE: u32 = 1;
pub const TF_PAUSE_REQ: u32 = 2;
pub const TF_PAUSED: u32 = 4;

pub const INBOX: usize = 8; // 4 (resource handle, role) pairs

/// One span's entry. Task fields are written by the thread polling the task; resource fields
/// by the thread that created the span (before the key is published) and then by the tasks
/// using it, one fact per writer.
pub struct Slot {
    pub kind: AtomicU32,
    /// resources: MODE_*; tasks: TF_* flags
    pub mode: AtomicU32,
    pub handle: AtomicU64,
    /// tasks: the wait last recorded for it (see current.rs), 0 = none
    pub wait: AtomicU64,
    /// resources: the site a raw-tokio wait on it is recorded at; tasks: the spawn site
    pub site: AtomicU32,
    /// resources: number of HOLD units the layer recorded (Mutex/RwLock bookkeeping)
    pub held: AtomicU32,
    /// resources (RwLock): readers recorded
    pub readers: AtomicU32,
    /// tasks: handle edges to drop, posted by other threads (res_id << 32 | role << 28 | tag)
    pub inbox_n: AtomicU32,
    pub inbox: [AtomicU64; INBOX],
    /// tasks spawned through turbowish_tokio::task::spawn: a waker for pause/resume
    pub waker: AtomicPtr<std::task::Waker>,
}

const A32: AtomicU32 = AtomicU32::new(0);
const A64: AtomicU64 = AtomicU64::new(0);
const SLOT: Slot = Slot {
    kind: A32,
    mode: A32,
    handle: A64,
    wait: A64,
    site: A32,
    held: A32,
    readers: A32,
    inbox_n: A32,
    inbox: [A64; INBOX],
    waker: AtomicPtr::new(std::ptr::null_mut()),
};

const BUCKET: usize = 8;
const BUCKETS_LOG2: u32 = 12;
pub const SLOTS: usize = BUCKET << BUCKETS_LOG2; // 32768 live spans
const RESERVED: u64 = u64::MAX;

static KEYS: [AtomicU64; SLOTS] = [A64; SLOTS];
static TABLE: [Slot; SLOTS] = [SLOT; SLOTS];
/// Spans that found their bucket full (not tracked).
pub static SPAN_TABLE_FULL: AtomicU64 = AtomicU64::new(0);

#[inline(always)]
fn bucket(key: u64) -> usize {
    ((key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BUCKETS_LOG2)) as usize) * BUCKET
}

#[inline(always)]
pub fn slot(i: usize) -> &'static Slot {
    &TABLE[i]
}

/// The entry of span `key`, if any: one cache line of keys is scanned.
#[inline]
pub fn lookup(key: u64) -> Option<usize> {
    let b = bucket(key);
    for i in b..b + BUCKET {
        if KEYS[i].load(Acquire) == key {
            return Some(i);
        }
    }
    None
}

/// Claims an entry for span `key`; fill it through `slot(i)` then `publish(i, key)`.
pub fn claim(key: u64) -> Option<usize> {
    if key == 0 || key == RESERVED {
        return None;
    }
    let b = bucket(key);
    for i in b..b + BUCKET {
        if KEYS[i].load(Relaxed) == 0 && KEYS[i].compare_exchange(0, RESERVED, Acquire, Relaxed).is_ok() {
            let s = &TABLE[i];
            s.mode.store(0, Relaxed);
            s.wait.store(0, Relaxed);
            s.site.store(0, Relaxed);
            s.held.store(0, Relaxed);
            s.readers.store(0, Relaxed);
            s.inbox_n.store(0, Relaxed);
            for e in &s.inbox {
                e.store(0, Relaxed);
            }
            return Some(i);
        }
    }
    SPAN_TABLE_FULL.fetch_add(1, Relaxed);
    None
}

pub fn publish(i: usize, key: u64) {
    KEYS[i].store(key, Release);
}

pub fn remove(i: usize) {
    let s = &TABLE[i];
    s.kind.store(KIND_FREE, Relaxed);
    let w = s.waker.swap(std::ptr::null_mut(), AcqRel);
    if !w.is_null() {
        // SAFETY: only Box::into_raw'd wakers are stored (task.rs)
        drop(unsafe { Box::from_raw(w) });
    }
    KEYS[i].store(0, Release);
}

/// The entry of the live task whose tw handle is `h` (control requests only: a full scan).
pub fn find_task(h: u64) -> Option<usize> {
    (0..SLOTS).find(|&i| {
        let k = KEYS[i].load(Acquire);
        k != 0 && k != RESERVED && TABLE[i].kind.load(Relaxed) == KIND_TASK && TABLE[i].handle.load(Relaxed) == h
    })
}

// ---- site cache ----

struct SiteEnt {
    state: AtomicU32, // 0 free, 1 being written, 2 valid
    site: AtomicU32,
    k1: AtomicU64,
    k2: AtomicU64,
}
const SITE_ENT: SiteEnt = SiteEnt { state: A32, site: A32, k1: A64, k2: A64 };
const SITES: usize = 8192;
static SITE_CACHE: [SiteEnt; SITES] = [SITE_ENT; SITES];

/// The cached site for key (k1, k2), or registers it with `register` and caches it.
/// k1 is a pointer to static data (a `Location` or a file name), k2 a line and a tag.
#[inline]
pub fn site(k1: u64, k2: u64, register: impl FnOnce() -> u32) -> u32 {
    let h = (k1 ^ k2.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let start = (h >> 51) as usize; // 13 bits = SITES
    for n in 0..16 {
        let e = &SITE_CACHE[(start + n) & (SITES - 1)];
        match e.state.load(Acquire) {
            2 => {
                if e.k1.load(Relaxed) == k1 && e.k2.load(Relaxed) == k2 {
                    return e.site.load(Relaxed);
                }
            }
            0 => {
                let s = register();
                if s != 0 && e.state.compare_exchange(0, 1, Acquire, Relaxed).is_ok() {
                    e.k1.store(k1, Relaxed);
                    e.k2.store(k2, Relaxed);
                    e.site.store(s, Relaxed);
                    e.state.store(2, Release);
                }
                return s;
            }
            _ => {}
        }
    }
    register()
}
