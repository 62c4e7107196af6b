//! `turbowish_tokio::sync::oneshot`: tokio's oneshot channel with its sender's holder recorded,
//! so a task awaiting the receiver waits on the task holding the sender.
use super::credit::Credit;
use super::{create, loc_site, ResGuard, TAG_RECV};
use crate::current;
use crate::ffi::{self, TwRes};
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use tokio::sync::oneshot::error;
use tokio::sync::oneshot::error::{RecvError, TryRecvError};

#[track_caller]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    named_at(None, Location::caller())
}

#[track_caller]
pub fn channel_named<T>(name: &str) -> (Sender<T>, Receiver<T>) {
    named_at(Some(name), Location::caller())
}

fn named_at<T>(name: Option<&str>, loc: &'static Location<'static>) -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = current::suppressed(tokio::sync::oneshot::channel);
    let res = create(ffi::RES_ONESHOT, ffi::CLASS_CONSUMABLE, 1, "oneshot", name, loc, 0);
    // `rx.await` has no caller location: the wait is shown at the channel's creation line
    let site = loc_site(loc, TAG_RECV, "oneshot::Receiver.await (channel created here)");
    let g = std::sync::Arc::new(ResGuard(res));
    (
        Sender { inner: Some(tx), credit: Credit::new(res, ffi::EDGE_SENDER), _res: g.clone() },
        Receiver { inner: rx, credit: Credit::new(res, ffi::EDGE_RECEIVER), res: g, site, waited: false },
    )
}

pub struct Sender<T> {
    inner: Option<tokio::sync::oneshot::Sender<T>>,
    credit: Credit,
    _res: std::sync::Arc<ResGuard>,
}

impl<T> Sender<T> {
    pub fn send(mut self, value: T) -> Result<(), T> {
        self.credit.touch();
        let r = self.inner.take().expect("oneshot sender used once").send(value);
        if r.is_ok() {
            if let Some((t, _)) = current::task_idx() {
                if ffi::on() {
                    unsafe { ffi::tw__res_event(t, self._res.0, ffi::EV_SEND, 1, 0) };
                }
            }
        }
        r
    }
    pub fn is_closed(&self) -> bool {
        self.inner.as_ref().map_or(true, |s| s.is_closed())
    }
}

pub struct Receiver<T> {
    inner: tokio::sync::oneshot::Receiver<T>,
    credit: Credit,
    res: std::sync::Arc<ResGuard>,
    site: u32,
    waited: bool,
}

impl<T> Receiver<T> {
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.credit.touch();
        let r = self.inner.try_recv();
        if r.is_ok() {
            done(self.res.0);
        }
        r
    }
    pub fn close(&mut self) {
        self.inner.close()
    }
}

fn done(res: TwRes) {
    if let Some((t, i)) = current::task_idx() {
        if ffi::on() {
            unsafe { ffi::tw__res_event(t, res, ffi::EV_RECV, 1, 0) };
            current::wait_cleared(crate::table::slot(i));
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.credit.touch();
        match Pin::new(&mut this.inner).poll(cx) {
            Poll::Ready(r) => {
                if r.is_ok() {
                    done(this.res.0);
                } else if this.waited {
                    current::cancel_wait(this.res.0);
                }
                this.waited = false;
                Poll::Ready(r)
            }
            Poll::Pending => {
                this.waited = true;
                current::assert_wait(ffi::EV_BLOCK_EMPTY, this.res.0, this.site);
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.waited {
            current::cancel_wait(self.res.0);
        }
    }
}
