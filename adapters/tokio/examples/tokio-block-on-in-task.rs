//! tokio-block-on-in-task: a task that calls a synchronous `block_on` inside its poll, on a
//! future only its own runtime can complete.
//!
//! tokio's `Runtime::block_on` panics inside a runtime ("Cannot start a runtime from within a
//! runtime"), so programs reach for the twenty lines below (what `futures::executor::block_on`
//! does: poll, and park the thread until the waker unparks it). On a current-thread runtime:
//! - "waiter" calls `block_on(done_rx)` inside its poll: the oneshot is not ready, the thread
//!   parks, and the runtime's only thread is gone;
//! - "sender", spawned on the same LocalSet, would send on that oneshot at its first poll — but
//!   it can only be polled by the thread "waiter" parked. Neither ever runs again.
//! Prints `tw-example: ready` (from another thread: this runtime's is parked) once "waiter" is
//! about to park, then stays until killed.
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

#[path = "common/heartbeat.rs"] // a task spawned there reads block_on@heartbeat.rs
mod common;

static WAITER_BLOCKING: AtomicBool = AtomicBool::new(false);

/// Wakes the thread that called `block_on`.
struct Unparker(Thread);

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// The executor users write or borrow: poll the future on this thread, park between polls.
fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = Box::pin(fut);
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park(); // the runtime's only thread sleeps here
    }
}

async fn waiter(done_rx: tokio::sync::oneshot::Receiver<u64>) {
    WAITER_BLOCKING.store(true, Ordering::SeqCst);
    let v = block_on(done_rx); // the bug: a blocking wait inside a task
    println!("got {:?}", v);
}

async fn sender(done_tx: tokio::sync::oneshot::Sender<u64>) {
    let _ = done_tx.send(42);
}

fn waiter_blocking() -> bool {
    WAITER_BLOCKING.load(Ordering::SeqCst)
}

fn main() {
    turbowish_tokio::init();
    thread::spawn(|| common::heartbeat(waiter_blocking));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        common::spawn_local_named("waiter", waiter(done_rx));
        common::spawn_local_named("sender", sender(done_tx));
        std::future::pending::<()>().await;
    });
}
