//! What the current-thread examples that block their only thread share (tokio-lock-across-await,
//! tokio-block-on-in-task), included with `#[path]`: cargo builds only examples/*.rs and
//! examples/*/main.rs as examples.
use std::future::Future;
use std::io::Write;
use std::time::Duration;

/// `spawn_local` under a name TurboWish shows.
pub fn spawn_local_named<F: Future + 'static>(name: &str, f: F) {
    tokio::task::Builder::new().name(name).spawn_local(f).unwrap();
}

/// A heartbeat on a runtime of its own, on the calling thread (start it on another thread than
/// the one the example blocks), which also says when the example is ready: once `blocking()`
/// holds and 300 ms more — past the blocking_in_poll threshold (100 ms). It keeps emitting
/// events while the example's thread is stuck: that is what dates the block for a reader that
/// stops the process (gdb, lldb) or reads a core, whose "now" is the last moment a thread
/// provably ran. With every thread asleep nothing proves how long ago the task blocked, and
/// TurboWish then says it is blocked without raising the alert.
pub fn heartbeat(blocking: fn() -> bool) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let beat = tokio::task::Builder::new().name("heartbeat").spawn(async {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        while !blocking() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        println!("tw-example: ready");
        std::io::stdout().flush().unwrap();
        let _ = beat.unwrap().await;
    });
}
