//! tokio-blocking-in-task: blocking calls inside tasks of a multi-thread runtime.
//! - "mpsc-reader" calls `std::sync::mpsc::Receiver::recv()` inside its poll, on a channel
//!   nobody sends on: its worker thread sleeps in a futex for ever;
//! - "napper" calls `std::thread::sleep` in a loop inside one poll: its worker sleeps in
//!   nanosleep, awake a moment every 200 ms, never back in the scheduler;
//! - "ticker" sleeps the tokio way and keeps ticking on the third worker.
//! Both blocked tasks look "busy" to tokio; TurboWish names what each worker is asleep in.
//! Prints `tw-example: ready` once both are blocked and the ticker has ticked.
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

static BLOCKED: AtomicU64 = AtomicU64::new(0);
static TICKS: AtomicU64 = AtomicU64::new(0);

fn spawn_named<F>(name: &str, f: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::task::Builder::new().name(name).spawn(f).unwrap()
}

async fn main_task() {
    let (tx, rx) = mpsc::channel::<u64>();
    let reader = spawn_named("mpsc-reader", async move {
        BLOCKED.fetch_add(1, Ordering::SeqCst);
        let v = rx.recv(); // blocks the worker thread: nobody ever sends
        println!("got {:?}", v);
    });
    let napper = spawn_named("napper", async move {
        BLOCKED.fetch_add(1, Ordering::SeqCst);
        loop {
            std::thread::sleep(Duration::from_millis(200)); // blocks the worker thread
        }
    });
    let ticker = spawn_named("ticker", async move {
        loop {
            TICKS.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    while BLOCKED.load(Ordering::SeqCst) < 2 || TICKS.load(Ordering::Relaxed) < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await; // past the threshold (100 ms)
    println!("tw-example: ready");
    std::io::stdout().flush().unwrap();
    let _ = tokio::join!(reader, napper, ticker);
    drop(tx); // the sender lives as long as main: recv() never returns "disconnected"
}

fn main() {
    turbowish_tokio::init();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(3).enable_all().build().unwrap();
    rt.block_on(main_task());
}
