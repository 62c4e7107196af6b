//! Drop-in instrumented replacements for `tokio::sync` primitives.
//!
//! Swap `use tokio::sync::{mpsc, oneshot, Mutex, Notify}` for
//! `use turbowish_tokio::sync::{mpsc, oneshot, Mutex, Notify}`. Each wraps the tokio type and
//! additionally records what tokio's own instrumentation cannot tell: who holds a sender or a
//! receiver, which direction a task is blocked in, and the exact `file.rs:line` of each await
//! (through `#[track_caller]`). The inner tokio primitive's own resource spans are ignored by
//! the layer, so nothing is counted twice.
use crate::ffi::{self, CBuf, TwRes};
use crate::table;
use std::panic::Location;

mod credit;
pub mod mpsc;
mod mutex;
mod notify;
pub mod oneshot;

pub use mutex::{Mutex, MutexGuard};
pub use notify::Notify;

pub(crate) const TAG_NEW: u64 = 10 << 32;
pub(crate) const TAG_LOCK: u64 = 11 << 32;
pub(crate) const TAG_SEND: u64 = 12 << 32;
pub(crate) const TAG_RECV: u64 = 13 << 32;
pub(crate) const TAG_NOTIFIED: u64 = 14 << 32;

/// The site of a `#[track_caller]` location, registered once.
#[inline]
pub(crate) fn loc_site(loc: &'static Location<'static>, tag: u64, expr: &str) -> u32 {
    if !ffi::on() {
        return 0;
    }
    table::site(loc as *const Location<'static> as u64, tag, || {
        crate::layer::register_site(&CBuf::from_str(loc.file()), loc.line(), expr, "")
    })
}

/// Creates the TurboWish resource for a wrapper: named `name`, else `Type file.rs:line`.
pub(crate) fn create(
    kind: i32,
    class: i32,
    cap: i64,
    ty: &str,
    name: Option<&str>,
    loc: &'static Location<'static>,
    addr: u64,
) -> TwRes {
    if !ffi::on() {
        return 0;
    }
    let mut expr = CBuf::<64>::new();
    expr.push_tail(ty);
    expr.push_tail("::new");
    let site = loc_site(loc, TAG_NEW, std::str::from_utf8(expr.as_bytes()).unwrap_or("new"));
    let mut n = CBuf::<96>::new();
    match name {
        Some(s) => n.push_tail(s),
        None => {
            n.push_tail(ty);
            n.push_tail(" ");
            n.push_tail(ffi::basename(loc.file()));
            n.push_tail(":");
            n.push_u64(loc.line() as u64);
        }
    }
    unsafe { ffi::tw__res_create(kind, class, cap, n.as_ptr(), site, addr) }
}

/// Closes a wrapper's resource when the last handle goes.
pub(crate) struct ResGuard(pub(crate) TwRes);

impl Drop for ResGuard {
    fn drop(&mut self) {
        if self.0 != 0 && ffi::on() {
            unsafe { ffi::tw__res_close(self.0) };
        }
    }
}
