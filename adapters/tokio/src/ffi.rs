//! FFI to libturbowish (include/turbowish.h, include/tw_region.h).
//!
//! The header's `static inline` wrappers check `tw_state` before each call; they are not
//! visible to Rust, so every wrapper here does the same check (`on()`) and then calls the
//! exported `tw__*` function directly.
#![allow(non_upper_case_globals, dead_code)]

use std::os::raw::{c_char, c_int, c_void};

pub type TwTask = u64;
pub type TwRes = u64;

extern "C" {
    pub static tw_state: c_int;
    pub static tw_region: *mut c_void;

    pub fn tw__site_register(file: *const c_char, line: u32, expr: *const c_char, func: *const c_char) -> u32;
    pub fn tw__task_spawn(name: *const c_char, site: u32, parent: TwTask) -> TwTask;
    pub fn tw__task_name(t: TwTask, name: *const c_char);
    pub fn tw__poll_begin(t: TwTask);
    pub fn tw__poll_end(t: TwTask, outcome: c_int);
    pub fn tw__task_done(t: TwTask, dropped: c_int);
    pub fn tw__wake(t: TwTask, by: TwTask);
    pub fn tw__waker(t: TwTask, op: c_int, to: TwTask);
    pub fn tw__task_pause(t: TwTask, paused: c_int);
    pub fn tw__await_begin(t: TwTask, site: u32, wait_kind: c_int, on: u32, timed: c_int);
    pub fn tw__await_end(t: TwTask);
    pub fn tw__res_create(kind: c_int, class_: c_int, capacity: i64, name: *const c_char, site: u32, address: u64) -> TwRes;
    pub fn tw__res_close(r: TwRes);
    pub fn tw__res_event(t: TwTask, r: TwRes, ty: c_int, units: i64, site: u32);
    pub fn tw__edge(t: TwTask, r: TwRes, ty: c_int, role: c_int, dir: c_int);
    pub fn tw__attr(t: TwTask, key: *const c_char, value: *const c_char);
    pub fn tw_control_take(task_id: *mut u32, op: *mut c_int) -> c_int;
    pub fn tw_control_futex() -> *mut u32;
    pub fn tw_task_by_id(id: u32) -> TwTask;
}

/// Recording is on (or not yet initialised: the first call initialises). One load.
#[inline(always)]
pub fn on() -> bool {
    unsafe { std::ptr::read_volatile(&tw_state) >= 0 }
}

/// The resource id stored in task records (what `tw_res_id()` returns in C).
#[inline(always)]
pub fn res_id(r: TwRes) -> u32 {
    r as u32
}
#[inline(always)]
pub fn task_id(t: TwTask) -> u32 {
    t as u32
}

// enum tw_wait_kind
pub const WAIT_NONE: c_int = 0;
pub const WAIT_ACQUIRE: c_int = 1;
pub const WAIT_RECV: c_int = 2;
pub const WAIT_SEND: c_int = 3;
pub const WAIT_JOIN: c_int = 4;
pub const WAIT_SIGNAL: c_int = 5;
pub const WAIT_PARK: c_int = 6;
pub const WAIT_TIMER: c_int = 7;
pub const WAIT_IO: c_int = 8;

// enum tw_res_kind
pub const RES_MUTEX: c_int = 1;
pub const RES_RWLOCK: c_int = 2;
pub const RES_SEMAPHORE: c_int = 3;
pub const RES_CHANNEL: c_int = 4;
pub const RES_ONESHOT: c_int = 5;
pub const RES_NOTIFY: c_int = 6;
pub const RES_BARRIER: c_int = 8;
pub const RES_TIMER: c_int = 10;
pub const RES_OTHER: c_int = 11;

// enum tw_res_class
pub const CLASS_REUSABLE: c_int = 1;
pub const CLASS_CONSUMABLE: c_int = 2;

// enum tw_edge_role
pub const EDGE_SENDER: c_int = 2;
pub const EDGE_RECEIVER: c_int = 3;

// enum tw_event_type (the ones passed to tw__res_event / tw__edge / tw__waker)
pub const EV_WAKER_CLONE: c_int = 9;
pub const EV_WAKER_DROP: c_int = 10;
pub const EV_ACQUIRE_REQ: c_int = 18;
pub const EV_ACQUIRE: c_int = 19;
pub const EV_RELEASE: c_int = 20;
pub const EV_TRY_FAIL: c_int = 21;
pub const EV_SEND: c_int = 22;
pub const EV_RECV: c_int = 23;
pub const EV_BLOCK_FULL: c_int = 24;
pub const EV_BLOCK_EMPTY: c_int = 25;
pub const EV_HANDLE_ADD: c_int = 26;
pub const EV_HANDLE_DROP: c_int = 27;
pub const EV_CANCEL: c_int = 31;

// enum tw_poll_outcome
pub const POLL_PENDING: c_int = 0;
pub const POLL_READY: c_int = 1;

// enum tw_control_op
pub const CTL_PAUSE: c_int = 1;
pub const CTL_RESUME: c_int = 2;

// tw_region.h task states
pub const TASK_READY: u8 = 1;
pub const TASK_POLLING: u8 = 2;
pub const TASK_WAITING: u8 = 3;
pub const TASK_DONE: u8 = 4;

/// A NUL-terminated copy of a short string on the stack: the shim wants C strings, and the
/// adapter must not allocate. Longer strings keep their tail (the file name matters most).
pub struct CBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> CBuf<N> {
    pub const fn new() -> Self {
        CBuf { buf: [0; N], len: 0 }
    }
    pub fn from_str(s: &str) -> Self {
        let mut b = Self::new();
        b.push_tail(s);
        b
    }
    /// Appends the last bytes of `s` that fit (whole string when it fits).
    pub fn push_tail(&mut self, s: &str) {
        let room = N - 1 - self.len;
        let bytes = s.as_bytes();
        let bytes = if bytes.len() > room { &bytes[bytes.len() - room..] } else { bytes };
        for &c in bytes {
            // an interior NUL would cut the string short: replace it
            self.buf[self.len] = if c == 0 { b'?' } else { c };
            self.len += 1;
        }
        self.buf[self.len] = 0;
    }
    pub fn push_u64(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            digits[n] = b'0' + (v % 10) as u8;
            n += 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        while n > 0 && self.len < N - 1 {
            n -= 1;
            self.buf[self.len] = digits[n];
            self.len += 1;
        }
        self.buf[self.len] = 0;
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    pub fn as_ptr(&self) -> *const c_char {
        self.buf.as_ptr() as *const c_char
    }
}

impl<const N: usize> std::fmt::Write for CBuf<N> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = N - 1 - self.len;
        let take = s.len().min(room);
        for &c in &s.as_bytes()[..take] {
            self.buf[self.len] = if c == 0 { b'?' } else { c };
            self.len += 1;
        }
        self.buf[self.len] = 0;
        Ok(())
    }
}

/// The file name without its directories ("examples/tokio-deadlock.rs" -> "tokio-deadlock.rs").
pub fn basename(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}
