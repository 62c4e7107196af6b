//! `turbowish_tokio::sync::Notify`: tokio's Notify, with its waiters recorded (a SIGNAL wait:
//! who will notify is unknown, so any running task may).
use super::{create, loc_site, ResGuard, TAG_NOTIFIED};
use crate::current;
use crate::ffi::{self, TwRes};
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

pub struct Notify {
    inner: tokio::sync::Notify,
    res: ResGuard,
}

impl Notify {
    #[track_caller]
    pub fn new() -> Notify {
        let res = create(ffi::RES_NOTIFY, ffi::CLASS_CONSUMABLE, -1, "Notify", None, Location::caller(), 0);
        Notify { inner: tokio::sync::Notify::new(), res: ResGuard(res) }
    }

    #[track_caller]
    pub fn with_name(name: &str) -> Notify {
        let res = create(ffi::RES_NOTIFY, ffi::CLASS_CONSUMABLE, -1, "Notify", Some(name), Location::caller(), 0);
        Notify { inner: tokio::sync::Notify::new(), res: ResGuard(res) }
    }

    /// Waits for a notification; the wait is recorded at the caller's line.
    #[track_caller]
    pub fn notified(&self) -> impl Future<Output = ()> + '_ {
        let site = loc_site(Location::caller(), TAG_NOTIFIED, "Notify::notified().await");
        Notified { inner: self.inner.notified(), res: self.res.0, site, waited: false }
    }

    pub fn notify_one(&self) {
        self.inner.notify_one()
    }
    pub fn notify_waiters(&self) {
        self.inner.notify_waiters()
    }
}

impl Default for Notify {
    #[track_caller]
    fn default() -> Self {
        Notify::new()
    }
}

struct Notified<F> {
    inner: F,
    res: TwRes,
    site: u32,
    waited: bool,
}

impl<F: Future<Output = ()>> Future for Notified<F> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `inner` is structurally pinned; the other fields are never pinned.
        let this = unsafe { self.get_unchecked_mut() };
        match unsafe { Pin::new_unchecked(&mut this.inner) }.poll(cx) {
            Poll::Ready(()) => {
                if this.waited {
                    current::cancel_wait(this.res);
                    this.waited = false;
                }
                Poll::Ready(())
            }
            Poll::Pending => {
                this.waited = true;
                current::assert_wait(current::AWAIT + ffi::WAIT_SIGNAL, this.res, this.site);
                Poll::Pending
            }
        }
    }
}

impl<F> Drop for Notified<F> {
    fn drop(&mut self) {
        if self.waited {
            current::cancel_wait(self.res);
        }
    }
}
