//! Who holds a channel handle or a lock guard, for the wait-for graph.
//!
//! An edge lives in the holder task's record and only the thread polling that task may write
//! it. A handle is credited to the task that created or cloned it; when another task first
//! uses it (send, recv, lock), that task takes the credit and posts "drop this edge" to the
//! old holder's inbox, which the old holder applies at its next poll. Until then the old
//! holder still counts as a possible waker: the model errs towards "possible", never towards
//! a false certain deadlock.
use crate::current;
use crate::ffi::{self, TwRes, TwTask};
use crate::table::{self, INBOX, KIND_TASK};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::*};

pub(crate) struct Credit {
    res: TwRes,
    role: c_int,
    owner: AtomicU64,
    owner_slot: AtomicUsize, // table index + 1
}

impl Credit {
    pub(crate) fn new(res: TwRes, role: c_int) -> Credit {
        let c = Credit { res, role, owner: AtomicU64::new(0), owner_slot: AtomicUsize::new(0) };
        c.touch();
        c
    }

    /// The current task uses the handle: it holds it from now on.
    #[inline]
    pub(crate) fn touch(&self) {
        if self.res == 0 {
            return;
        }
        if let Some((t, i)) = current::task_idx() {
            if self.owner.load(Relaxed) != t {
                self.move_to(t, i);
            }
        }
    }

    #[cold]
    fn move_to(&self, t: TwTask, i: usize) {
        if !ffi::on() {
            return;
        }
        let old = self.owner.load(Relaxed);
        if old != 0 {
            post(old, self.owner_slot.load(Relaxed), self.res, ffi::EV_HANDLE_DROP, self.role);
        }
        unsafe { ffi::tw__edge(t, self.res, ffi::EV_HANDLE_ADD, self.role, 0) };
        self.owner.store(t, Relaxed);
        self.owner_slot.store(i + 1, Relaxed);
    }
}

impl Drop for Credit {
    fn drop(&mut self) {
        let old = self.owner.load(Relaxed);
        if old == 0 || !ffi::on() {
            return;
        }
        if current::task_handle() == old {
            unsafe { ffi::tw__edge(old, self.res, ffi::EV_HANDLE_DROP, self.role, 0) };
        } else {
            post(old, self.owner_slot.load(Relaxed), self.res, ffi::EV_HANDLE_DROP, self.role);
        }
    }
}

/// Releases `units` of `res` held by `holder` (a guard dropped): directly when the holder is
/// polling on this thread, else through its inbox.
pub(crate) fn release(holder: TwTask, holder_slot: usize, res: TwRes, units: i64) {
    if holder == 0 || !ffi::on() {
        return;
    }
    if current::task_handle() == holder {
        unsafe { ffi::tw__res_event(holder, res, ffi::EV_RELEASE, units, 0) };
    } else {
        post(holder, holder_slot, res, ffi::EV_RELEASE, (units & 0xff) as c_int);
    }
}

/// Posts (event, arg) on `res` to task `owner`'s inbox (slot index + 1). If the inbox is full
/// or the task is gone, the edge stays (conservative, see above).
fn post(owner: TwTask, slot1: usize, res: TwRes, ev: c_int, arg: c_int) {
    if slot1 == 0 {
        return;
    }
    let s = table::slot(slot1 - 1);
    if s.kind.load(Relaxed) != KIND_TASK || s.handle.load(Relaxed) != owner {
        return;
    }
    for k in 0..INBOX / 2 {
        if s.inbox[2 * k].compare_exchange(0, res, Acquire, Relaxed).is_ok() {
            s.inbox[2 * k + 1].store(((ev as u64) << 8) | (arg as u64 & 0xff), Release);
            s.inbox_n.fetch_add(1, Release);
            return;
        }
    }
}
