//! `turbowish_tokio::sync::mpsc`: tokio's mpsc channels, with sender and receiver holders and
//! the blocking direction recorded (tokio itself says nothing about either).
//!
//! A task blocked in `recv()` on an empty channel waits for the tasks holding a sender; a task
//! blocked in `send()` on a full channel waits for the task holding the receiver.
use super::credit::Credit;
use super::{create, loc_site, ResGuard, TAG_RECV, TAG_SEND};
use crate::current;
use crate::ffi::{self, TwRes};
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

pub use tokio::sync::mpsc::error;
use tokio::sync::mpsc::error::{SendError, TryRecvError, TrySendError};

/// A bounded channel of `buffer` messages (see `tokio::sync::mpsc::channel`).
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    channel_named_at(None, buffer, Location::caller())
}

/// A bounded channel shown as `name`.
#[track_caller]
pub fn channel_named<T>(name: &str, buffer: usize) -> (Sender<T>, Receiver<T>) {
    channel_named_at(Some(name), buffer, Location::caller())
}

fn channel_named_at<T>(name: Option<&str>, buffer: usize, loc: &'static Location<'static>) -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = current::suppressed(|| tokio::sync::mpsc::channel(buffer));
    let res = create(ffi::RES_CHANNEL, ffi::CLASS_CONSUMABLE, buffer as i64, "mpsc", name, loc, 0);
    let shared = Arc::new(ResGuard(res));
    (
        Sender { credit: Credit::new(res, ffi::EDGE_SENDER), res: shared.clone(), inner: tx },
        Receiver { credit: Credit::new(res, ffi::EDGE_RECEIVER), res: shared, inner: rx, site: 0 },
    )
}

/// An unbounded channel (see `tokio::sync::mpsc::unbounded_channel`).
#[track_caller]
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    unbounded_named_at(None, Location::caller())
}

#[track_caller]
pub fn unbounded_channel_named<T>(name: &str) -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    unbounded_named_at(Some(name), Location::caller())
}

fn unbounded_named_at<T>(name: Option<&str>, loc: &'static Location<'static>) -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let (tx, rx) = current::suppressed(tokio::sync::mpsc::unbounded_channel);
    let res = create(ffi::RES_CHANNEL, ffi::CLASS_CONSUMABLE, -1, "mpsc", name, loc, 0);
    let shared = Arc::new(ResGuard(res));
    (
        UnboundedSender { credit: Credit::new(res, ffi::EDGE_SENDER), res: shared.clone(), inner: tx },
        UnboundedReceiver { credit: Credit::new(res, ffi::EDGE_RECEIVER), res: shared, inner: rx },
    )
}

fn sent(res: TwRes) {
    if let Some((t, i)) = current::task_idx() {
        if ffi::on() {
            unsafe { ffi::tw__res_event(t, res, ffi::EV_SEND, 1, 0) };
            current::wait_cleared(crate::table::slot(i));
        }
    }
}

fn received(res: TwRes) {
    if let Some((t, i)) = current::task_idx() {
        if ffi::on() {
            unsafe { ffi::tw__res_event(t, res, ffi::EV_RECV, 1, 0) };
            current::wait_cleared(crate::table::slot(i));
        }
    }
}

/// Wraps a tokio send/recv future: Pending records the wait (`code` at `site`), the outcome is
/// handed to `done`.
struct Op<F, D> {
    inner: F,
    res: TwRes,
    code: i32,
    site: u32,
    waited: bool,
    done: Option<D>,
}

impl<F: Future, D: FnOnce(&F::Output)> Future for Op<F, D> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned; the other fields are never pinned.
        let this = unsafe { self.get_unchecked_mut() };
        match unsafe { Pin::new_unchecked(&mut this.inner) }.poll(cx) {
            Poll::Ready(v) => {
                if let Some(d) = this.done.take() {
                    d(&v);
                }
                if this.waited {
                    // a send that failed or a recv that found the channel closed still waited
                    current::cancel_wait(this.res);
                    this.waited = false;
                }
                Poll::Ready(v)
            }
            Poll::Pending => {
                this.waited = true;
                current::assert_wait(this.code, this.res, this.site);
                Poll::Pending
            }
        }
    }
}

impl<F, D> Drop for Op<F, D> {
    fn drop(&mut self) {
        if self.waited {
            current::cancel_wait(self.res);
        }
    }
}

/// The sending half of a bounded channel.
pub struct Sender<T> {
    inner: tokio::sync::mpsc::Sender<T>,
    res: Arc<ResGuard>,
    credit: Credit,
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender { inner: self.inner.clone(), res: self.res.clone(), credit: Credit::new(self.res.0, ffi::EDGE_SENDER) }
    }
}

impl<T> Sender<T> {
    /// Sends, waiting for room; a wait on a full channel is recorded at the caller's line.
    #[track_caller]
    pub fn send(&self, value: T) -> impl Future<Output = Result<(), SendError<T>>> + '_ {
        self.credit.touch();
        let site = loc_site(Location::caller(), TAG_SEND, "mpsc::Sender::send().await");
        let res = self.res.0;
        Op {
            inner: self.inner.send(value),
            res,
            code: ffi::EV_BLOCK_FULL,
            site,
            waited: false,
            done: Some(move |r: &Result<(), SendError<T>>| {
                if r.is_ok() {
                    sent(res)
                }
            }),
        }
    }

    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.credit.touch();
        let r = self.inner.try_send(value);
        if r.is_ok() {
            sent(self.res.0);
        }
        r
    }

    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }
    pub fn max_capacity(&self) -> usize {
        self.inner.max_capacity()
    }
    pub fn same_channel(&self, other: &Self) -> bool {
        self.inner.same_channel(&other.inner)
    }
}

impl<T> std::fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

/// The receiving half of a bounded channel.
pub struct Receiver<T> {
    inner: tokio::sync::mpsc::Receiver<T>,
    res: Arc<ResGuard>,
    credit: Credit,
    site: u32,
}

impl<T> Receiver<T> {
    /// Receives the next message; a wait on an empty channel is recorded at the caller's line.
    #[track_caller]
    pub fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
        self.credit.touch();
        let site = loc_site(Location::caller(), TAG_RECV, "mpsc::Receiver::recv().await");
        self.site = site;
        let res = self.res.0;
        Op {
            inner: self.inner.recv(),
            res,
            code: ffi::EV_BLOCK_EMPTY,
            site,
            waited: false,
            done: Some(move |r: &Option<T>| {
                if r.is_some() {
                    received(res)
                }
            }),
        }
    }

    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.credit.touch();
        let r = self.inner.try_recv();
        if r.is_ok() {
            received(self.res.0);
        }
        r
    }

    pub fn close(&mut self) {
        self.inner.close()
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

/// The sending half of an unbounded channel.
pub struct UnboundedSender<T> {
    inner: tokio::sync::mpsc::UnboundedSender<T>,
    res: Arc<ResGuard>,
    credit: Credit,
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender {
            inner: self.inner.clone(),
            res: self.res.clone(),
            credit: Credit::new(self.res.0, ffi::EDGE_SENDER),
        }
    }
}

impl<T> UnboundedSender<T> {
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.credit.touch();
        let r = self.inner.send(value);
        if r.is_ok() {
            sent(self.res.0);
        }
        r
    }
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }
}

/// The receiving half of an unbounded channel.
pub struct UnboundedReceiver<T> {
    inner: tokio::sync::mpsc::UnboundedReceiver<T>,
    res: Arc<ResGuard>,
    credit: Credit,
}

impl<T> UnboundedReceiver<T> {
    #[track_caller]
    pub fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
        self.credit.touch();
        let site = loc_site(Location::caller(), TAG_RECV, "mpsc::UnboundedReceiver::recv().await");
        let res = self.res.0;
        Op {
            inner: self.inner.recv(),
            res,
            code: ffi::EV_BLOCK_EMPTY,
            site,
            waited: false,
            done: Some(move |r: &Option<T>| {
                if r.is_some() {
                    received(res)
                }
            }),
        }
    }

    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.credit.touch();
        let r = self.inner.try_recv();
        if r.is_ok() {
            received(self.res.0);
        }
        r
    }

    pub fn close(&mut self) {
        self.inner.close()
    }
}
