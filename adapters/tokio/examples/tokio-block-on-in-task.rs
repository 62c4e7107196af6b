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
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

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

fn spawn_named<F: Future + 'static>(name: &str, f: F) {
    tokio::task::Builder::new().name(name).spawn_local(f).unwrap();
}

/// A heartbeat on a runtime of its own, on another thread (as in tokio-lock-across-await): it
/// keeps the process's clock provable for a reader that stops it or reads a core, and says when
/// the example is ready.
fn heartbeat() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let beat = tokio::task::Builder::new().name("heartbeat").spawn(async {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        while !WAITER_BLOCKING.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await; // past the threshold (100 ms)
        println!("tw-example: ready");
        std::io::stdout().flush().unwrap();
        let _ = beat.unwrap().await;
    });
}

fn main() {
    turbowish_tokio::init();
    thread::spawn(heartbeat);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        spawn_named("waiter", waiter(done_rx));
        spawn_named("sender", sender(done_tx));
        std::future::pending::<()>().await;
    });
}
