//! tokio-lock-across-await: a `std::sync::Mutex` guard held across an `.await`, on a
//! current-thread runtime — tokio's documentation warns about it first.
//!
//! A `std::sync::MutexGuard` is not `Send`, so the compiler refuses it in `tokio::spawn`; on a
//! current-thread runtime with `spawn_local` it compiles, and hangs:
//! - "updater" locks CONFIG and, still holding the guard, awaits a one-second sleep;
//! - "reader" then calls `CONFIG.lock()` inside its poll: the futex wait blocks the runtime's
//!   only thread, so the sleep never fires, "updater" is never polled again and never unlocks;
//! - "ticker", healthy on its own, is starved too: that is the point — one blocking poll stops
//!   every task of the thread.
//! The std Mutex is plain, unmodified code: it keeps no owner (Rust's futex mutex stores only
//! 0/1/2), so TurboWish can prove where "reader" is blocked, not who holds CONFIG.
//! Prints `tw-example: ready` (from another thread: this runtime's is blocked) once "reader" is
//! about to lock, then stays until killed.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

#[path = "common/heartbeat.rs"] // a task spawned there reads block_on@heartbeat.rs
mod common;

static CONFIG: Mutex<u64> = Mutex::new(0);
static READER_LOCKING: AtomicBool = AtomicBool::new(false);
static TICKS: AtomicU64 = AtomicU64::new(0);

async fn updater() {
    let mut cfg = CONFIG.lock().unwrap();
    *cfg += 1;
    // the bug: the guard lives across this await
    tokio::time::sleep(Duration::from_secs(1)).await;
    *cfg += 1;
}

async fn reader() {
    READER_LOCKING.store(true, Ordering::SeqCst);
    let cfg = CONFIG.lock().unwrap(); // blocks the only worker thread for ever
    println!("config {}", *cfg);
}

async fn ticker() {
    loop {
        TICKS.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn reader_blocking() -> bool {
    READER_LOCKING.load(Ordering::SeqCst) && TICKS.load(Ordering::Relaxed) != 0
}

fn main() {
    turbowish_tokio::init();
    std::thread::spawn(|| common::heartbeat(reader_blocking));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        common::spawn_local_named("ticker", ticker());
        common::spawn_local_named("updater", updater());
        tokio::time::sleep(Duration::from_millis(100)).await; // updater holds CONFIG by now
        common::spawn_local_named("reader", reader());
        std::future::pending::<()>().await;
    });
}
