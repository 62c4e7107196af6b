//! TurboWish for tokio: ask a running (or crashed) tokio program "why is my task stuck?" from
//! gdb, lldb or the `tw` console.
//!
//! ```ignore
//! #[tokio::main]
//! async fn main() {
//!     turbowish_tokio::init(); // or: registry().with(turbowish_tokio::layer())
//!     ...
//! }
//! ```
//!
//! Build the program with `RUSTFLAGS="--cfg tokio_unstable"` and tokio's `tracing` feature, so
//! tokio emits the task and resource spans the layer turns into TurboWish events. The drop-in
//! wrappers in [`sync`] add what tokio does not say (channel holders, exact await lines).
//! See docs/tokio.md.

mod control;
#[doc(hidden)]
pub mod inspect;
mod current;
#[doc(hidden)]
pub mod ffi;
mod layer;
pub mod sync;
mod table;
pub mod task;

pub use layer::TurboWishLayer;

/// The TurboWish layer, to add to a `tracing_subscriber::Registry`. Also starts the thread
/// that applies `tw pause` / `tw resume` requests.
pub fn layer() -> TurboWishLayer {
    control::start();
    TurboWishLayer::new()
}

/// Installs `Registry + layer()` as the global default subscriber. Panics if one is set.
pub fn init() {
    try_init().expect("turbowish_tokio::init: a global tracing subscriber is already set")
}

/// Like [`init`], but returns an error if a global subscriber is already set.
pub fn try_init() -> Result<(), tracing_subscriber::util::TryInitError> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry().with(layer()).try_init()
}

/// Counters for tests and the curious: spans that did not fit the adapter's table.
pub fn spans_untracked() -> u64 {
    table::SPAN_TABLE_FULL.load(std::sync::atomic::Ordering::Relaxed)
}

#[doc(hidden)]
pub fn __apply_control(id: u32, op: i32) -> bool {
    control::apply(id, op)
}
