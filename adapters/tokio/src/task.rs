//! `turbowish_tokio::task::spawn`: tokio::spawn, plus pause/resume from `tw pause`.
//!
//! tokio has no hook to skip scheduling a task, and blocking inside the layer would block a
//! worker thread. What can be done without blocking: a task spawned through this wrapper
//! checks its pause flag each time it is polled; while paused it returns Pending without
//! polling the future inside (its wait, and so any deadlock it is part of, stays as it was),
//! and a resume wakes it. Tasks spawned with plain `tokio::spawn` cannot be paused.
use crate::current;
use crate::ffi;
use crate::table::{self, TF_PAUSABLE, TF_PAUSED, TF_PAUSE_REQ};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::*;
use std::task::{Context, Poll};
use tokio::task::JoinHandle;

/// Spawns `future` like `tokio::spawn` (its spawn location is the caller's), pausable by
/// `tw pause`.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(Pausable { inner: future })
}

/// Spawns a task named `name` (tokio's task name, shown by TurboWish and tokio-console).
#[track_caller]
pub fn spawn_named<F>(name: &str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[cfg(tokio_unstable)]
    {
        tokio::task::Builder::new().name(name).spawn(Pausable { inner: future }).expect("tokio spawn")
    }
    #[cfg(not(tokio_unstable))]
    {
        let _ = name;
        tokio::spawn(Pausable { inner: future })
    }
}

/// A future that honours pause requests for the task polling it.
pub struct Pausable<F> {
    inner: F,
}

impl<F> Pausable<F> {
    pub fn new(inner: F) -> Self {
        Pausable { inner }
    }
}

impl<F: Future> Future for Pausable<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if let Some((t, i)) = current::task_idx() {
            let s = table::slot(i);
            let flags = s.mode.load(Acquire);
            if flags & TF_PAUSABLE == 0 {
                s.mode.fetch_or(TF_PAUSABLE, Relaxed);
            }
            if s.waker.load(Relaxed).is_null() {
                // the control thread takes this waker to wake the task on pause/resume
                let w = Box::into_raw(Box::new(cx.waker().clone()));
                if s.waker.compare_exchange(std::ptr::null_mut(), w, AcqRel, Relaxed).is_err() {
                    drop(unsafe { Box::from_raw(w) });
                }
            }
            if flags & TF_PAUSE_REQ != 0 {
                if flags & TF_PAUSED == 0 {
                    s.mode.fetch_or(TF_PAUSED, Relaxed);
                    if ffi::on() {
                        unsafe { ffi::tw__task_pause(t, 1) };
                    }
                }
                current::keep_wait();
                return Poll::Pending;
            }
            if flags & TF_PAUSED != 0 {
                s.mode.fetch_and(!TF_PAUSED, Relaxed);
                if ffi::on() {
                    unsafe { ffi::tw__task_pause(t, 0) };
                }
            }
        }
        // SAFETY: `inner` is structurally pinned.
        unsafe { self.map_unchecked_mut(|p| &mut p.inner) }.poll(cx)
    }
}
