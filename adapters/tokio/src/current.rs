//! What this thread is doing right now, as the layer sees it: the task being polled and the
//! tokio resource spans entered. Thread-local and const-initialised: reading it is a TLS load.
//!
//! Waits. A task's wait is recorded when a future inside it returns Pending on a resource
//! (`assert_wait`). At the end of each poll the layer keeps a wait only if this poll asserted
//! it again: a wait that is no longer re-asserted (a `select!` branch that lost, a cancelled
//! lock) is replaced, so a cancelled wait never lingers in the model. A Pending poll that
//! asserted nothing and was not woken is an "unknown" wait (I/O, a JoinHandle, a timer or a
//! primitive nobody instruments), recorded as TW_WAIT_IO: never part of a certain deadlock.
#![allow(clippy::declare_interior_mutable_const)]

use crate::ffi::{self, TwRes, TwTask};
use crate::table::{self, Slot};
use std::cell::Cell;
use std::os::raw::c_int;
use std::sync::atomic::Ordering::*;

pub const RES_STACK: usize = 8;

pub struct Tl {
    pub task: Cell<TwTask>,
    pub slot: Cell<usize>, // table index + 1; 0 = none
    pub span: Cell<u64>,
    pub asserted: Cell<bool>,
    pub woken: Cell<bool>,
    /// the task this thread was polling before (a nested block_on / block_in_place)
    pub outer: Cell<(TwTask, usize, u64)>,
    /// resource spans entered: table index + 1 (0 = an ignored resource span)
    pub res: [Cell<usize>; RES_STACK],
    pub res_span: [Cell<u64>; RES_STACK],
    pub res_depth: Cell<usize>,
    /// > 0 while a wrapper creates its inner tokio primitive (its spans are not modelled)
    pub suppress: Cell<u32>,
}

const CU: Cell<usize> = Cell::new(0);
const C64: Cell<u64> = Cell::new(0);

impl Tl {
    const fn new() -> Tl {
        Tl {
            task: Cell::new(0),
            slot: Cell::new(0),
            span: Cell::new(0),
            asserted: Cell::new(false),
            woken: Cell::new(false),
            outer: Cell::new((0, 0, 0)),
            res: [CU; RES_STACK],
            res_span: [C64; RES_STACK],
            res_depth: Cell::new(0),
            suppress: Cell::new(0),
        }
    }
}

thread_local! {
    pub static TL: Tl = const { Tl::new() };
}

/// The task polling on this thread and its table slot.
#[inline]
pub fn task() -> Option<(TwTask, &'static Slot)> {
    TL.try_with(|tl| {
        let s = tl.slot.get();
        if s == 0 {
            None
        } else {
            Some((tl.task.get(), table::slot(s - 1)))
        }
    })
    .ok()
    .flatten()
}

/// The task polling on this thread and its table index.
#[inline]
pub fn task_idx() -> Option<(TwTask, usize)> {
    TL.try_with(|tl| {
        let s = tl.slot.get();
        if s == 0 {
            None
        } else {
            Some((tl.task.get(), s - 1))
        }
    })
    .ok()
    .flatten()
}

/// The task handle polling on this thread, 0 if none.
#[inline]
pub fn task_handle() -> TwTask {
    TL.try_with(|tl| tl.task.get()).unwrap_or(0)
}

// A wait, packed for comparison: code(8) | site(24) | resource id(32).
// code: a tw event type (ACQUIRE_REQ, BLOCK_FULL, BLOCK_EMPTY) or AWAIT + wait kind.
pub const AWAIT: c_int = 100;
pub const UNKNOWN_WAIT: u64 = pack(AWAIT + ffi::WAIT_IO, 0, 0);

#[inline(always)]
pub const fn pack(code: c_int, site: u32, res_id: u32) -> u64 {
    ((code as u64 & 0xff) << 56) | ((site as u64 & 0xff_ffff) << 32) | res_id as u64
}

/// The current task now waits: `code` is EV_ACQUIRE_REQ / EV_BLOCK_FULL / EV_BLOCK_EMPTY on
/// `res`, or AWAIT + a wait kind on resource id `on`. Records an event only when the wait
/// changes; re-asserting the same wait on a later poll is two loads and a store.
#[inline]
pub fn assert_wait(code: c_int, res: TwRes, site: u32) {
    TL.with(|tl| {
        let s = tl.slot.get();
        if s == 0 {
            return;
        }
        let slot = table::slot(s - 1);
        let t = tl.task.get();
        let p = pack(code, site, ffi::res_id(res));
        tl.asserted.set(true);
        if slot.wait.load(Relaxed) == p || !ffi::on() {
            return;
        }
        slot.wait.store(p, Relaxed);
        unsafe {
            if code >= AWAIT {
                let kind = code - AWAIT;
                ffi::tw__await_begin(t, site, kind, ffi::res_id(res), (kind == ffi::WAIT_TIMER) as c_int);
            } else {
                ffi::tw__res_event(t, res, code, 1, site);
            }
        }
    })
}

/// Keep the current task's wait as it is through this poll (a paused task's poll).
pub fn keep_wait() {
    let _ = TL.try_with(|tl| tl.asserted.set(true));
}

/// The wait ended in the shim by an event that clears it (ACQUIRE, SEND, RECV, CANCEL): forget it.
#[inline]
pub fn wait_cleared(slot: &Slot) {
    if slot.wait.load(Relaxed) != 0 {
        slot.wait.store(0, Relaxed);
    }
}

/// A future that waited on `res` is dropped or finished without the event that clears the
/// wait: if the current task's wait is on `res`, end it (a CANCEL event).
pub fn cancel_wait(res: TwRes) {
    if let Some((t, slot)) = task() {
        let w = slot.wait.load(Relaxed);
        if w != 0 && (w as u32) == ffi::res_id(res) && ((w >> 56) as c_int) < AWAIT {
            slot.wait.store(0, Relaxed);
            if ffi::on() {
                unsafe { ffi::tw__res_event(t, res, ffi::EV_CANCEL, 0, 0) };
            }
        } else if w != 0 && (w as u32) == ffi::res_id(res) {
            slot.wait.store(0, Relaxed);
            if ffi::on() {
                unsafe { ffi::tw__await_end(t) };
            }
        }
    }
}

/// Runs `f` with the layer ignoring the resource spans it creates (a wrapper's inner primitive).
pub fn suppressed<R>(f: impl FnOnce() -> R) -> R {
    let _ = TL.try_with(|tl| tl.suppress.set(tl.suppress.get() + 1));
    let r = f();
    let _ = TL.try_with(|tl| tl.suppress.set(tl.suppress.get() - 1));
    r
}

pub fn is_suppressed() -> bool {
    TL.try_with(|tl| tl.suppress.get() > 0).unwrap_or(false)
}

/// The innermost resource span entered on this thread: table index, if it is modelled.
#[inline]
pub fn current_res() -> Option<usize> {
    TL.try_with(|tl| {
        let d = tl.res_depth.get();
        if d == 0 || d > RES_STACK {
            return None;
        }
        let i = tl.res[d - 1].get();
        if i == 0 {
            None
        } else {
            Some(i - 1)
        }
    })
    .ok()
    .flatten()
}
