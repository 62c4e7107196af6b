//! `turbowish_tokio::sync::Mutex`: tokio's Mutex, with the holder and the await line recorded.
use super::credit;
use super::{create, loc_site, ResGuard, TAG_LOCK};
use crate::current;
use crate::ffi::{self, TwRes, TwTask};
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An asynchronous mutex (see `tokio::sync::Mutex`) that TurboWish sees: a task waiting for it
/// waits on its holder, at the `file.rs:line` of the `.lock()` call.
pub struct Mutex<T: ?Sized> {
    res: ResGuard,
    inner: tokio::sync::Mutex<T>,
}

impl<T> Mutex<T> {
    #[track_caller]
    pub fn new(value: T) -> Self {
        Self::build(None, value, Location::caller())
    }

    /// A mutex shown as `name` (else as `Mutex file.rs:line` of its creation).
    #[track_caller]
    pub fn with_name(name: &str, value: T) -> Self {
        Self::build(Some(name), value, Location::caller())
    }

    fn build(name: Option<&str>, value: T, loc: &'static Location<'static>) -> Self {
        let inner = current::suppressed(|| tokio::sync::Mutex::new(value));
        let res = create(ffi::RES_MUTEX, ffi::CLASS_REUSABLE, 1, "Mutex", name, loc, 0);
        Mutex { res: ResGuard(res), inner }
    }

    pub fn into_inner(self) -> T {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks the mutex; the await is recorded at the caller's line.
    #[track_caller]
    pub fn lock(&self) -> impl Future<Output = MutexGuard<'_, T>> + '_ {
        let site = loc_site(Location::caller(), TAG_LOCK, "Mutex::lock().await");
        Lock { inner: self.inner.lock(), res: self.res.0, site, waited: false }
    }

    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, tokio::sync::TryLockError> {
        match self.inner.try_lock() {
            Ok(g) => Ok(guard(g, self.res.0)),
            Err(e) => {
                if let Some((t, _)) = current::task_idx() {
                    if ffi::on() {
                        unsafe { ffi::tw__res_event(t, self.res.0, ffi::EV_TRY_FAIL, 0, 0) };
                    }
                }
                Err(e)
            }
        }
    }

    pub fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut()
    }
}

impl<T: Default> Default for Mutex<T> {
    #[track_caller]
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

fn guard<'a, T: ?Sized>(g: tokio::sync::MutexGuard<'a, T>, res: TwRes) -> MutexGuard<'a, T> {
    let (holder, slot1) = match current::task_idx() {
        Some((t, i)) if res != 0 && ffi::on() => {
            unsafe { ffi::tw__res_event(t, res, ffi::EV_ACQUIRE, 1, 0) };
            current::wait_cleared(crate::table::slot(i));
            (t, i + 1)
        }
        _ => (0, 0),
    };
    MutexGuard { inner: g, res, holder, slot1 }
}

struct Lock<F> {
    inner: F,
    res: TwRes,
    site: u32,
    waited: bool,
}

impl<'a, T: ?Sized + 'a, F: Future<Output = tokio::sync::MutexGuard<'a, T>>> Future for Lock<F> {
    type Output = MutexGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `inner` is structurally pinned (never moved out of `self`); the other fields
        // are plain data.
        let this = unsafe { self.get_unchecked_mut() };
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        match inner.poll(cx) {
            Poll::Ready(g) => {
                this.waited = false;
                Poll::Ready(guard(g, this.res))
            }
            Poll::Pending => {
                this.waited = true;
                current::assert_wait(ffi::EV_ACQUIRE_REQ, this.res, this.site);
                Poll::Pending
            }
        }
    }
}

impl<F> Drop for Lock<F> {
    fn drop(&mut self) {
        if self.waited {
            current::cancel_wait(self.res);
        }
    }
}

/// The guard of a [`Mutex`]; dropping it releases the lock (recorded for its holder).
pub struct MutexGuard<'a, T: ?Sized> {
    inner: tokio::sync::MutexGuard<'a, T>,
    res: TwRes,
    holder: TwTask,
    slot1: usize,
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        credit::release(self.holder, self.slot1, self.res, 1);
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}
