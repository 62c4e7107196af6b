//! tokio-bench: what the TurboWish layer adds per poll, in one run.
//!
//! A task loops on `tokio::task::yield_now()` on a current-thread runtime; each iteration is
//! one poll plus the scheduler's round trip, timed individually. Three configurations run
//! interleaved in rounds (so machine load hits them alike): no subscriber (plain), a Registry
//! with the TurboWish layer, tracing_subscriber::fmt at TRACE writing to /dev/null, and a bare
//! Registry (to split the layer's own cost from the Registry's span bookkeeping).
//! Prints one JSON object: per-poll median and p99.9 in ns for each, and the medians' difference.
use std::fs::File;
use std::sync::Mutex;
use std::time::Instant;
use tracing_subscriber::layer::SubscriberExt;

fn yield_loop(iters: usize) -> Vec<u64> {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async move {
        tokio::spawn(async move {
            let mut v = Vec::with_capacity(iters);
            let mut last = Instant::now();
            for _ in 0..iters {
                tokio::task::yield_now().await;
                let now = Instant::now();
                v.push((now - last).as_nanos() as u64);
                last = now;
            }
            v
        })
        .await
        .unwrap()
    })
}

fn stats(mut v: Vec<u64>) -> (u64, u64) {
    v.sort_unstable();
    (v[v.len() / 2], v[(v.len() * 999 / 1000).min(v.len() - 1)])
}

fn main() {
    let iters: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rounds: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let (mut plain, mut layer, mut fmt, mut reg) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let devnull = File::create("/dev/null").unwrap();
    let fmt_sub = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(Mutex::new(devnull))
        .finish();
    let fmt_dispatch = tracing::Dispatch::new(fmt_sub);
    // the Registry alone: what any Layer pays before its own code runs
    let reg_dispatch = tracing::Dispatch::new(tracing_subscriber::registry());
    let tw_dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(turbowish_tokio::TurboWishLayer::new()));
    // warm-up: first-use costs (region creation, site registration) are not per-poll costs
    tracing::dispatcher::with_default(&tw_dispatch, || yield_loop(1000));
    for _ in 0..rounds {
        plain.extend(yield_loop(iters));
        layer.extend(tracing::dispatcher::with_default(&tw_dispatch, || yield_loop(iters)));
        fmt.extend(tracing::dispatcher::with_default(&fmt_dispatch, || yield_loop(iters)));
        reg.extend(tracing::dispatcher::with_default(&reg_dispatch, || yield_loop(iters)));
    }
    let n = plain.len();
    let (pm, p9) = stats(plain);
    let (lm, l9) = stats(layer);
    let (fm, f9) = stats(fmt);
    let (rm, r9) = stats(reg);
    println!(
        "{{\"tokio_layer_poll_ns\": {{\"median\": {}, \"p999\": {}}}, \"tokio_plain_poll_ns\": {{\"median\": {}, \"p999\": {}}}, \"tokio_fmt_poll_ns\": {{\"median\": {}, \"p999\": {}}}, \"tokio_registry_poll_ns\": {{\"median\": {}, \"p999\": {}}}, \"tokio_layer_added_ns\": {}, \"tokio_layer_over_registry_ns\": {}, \"tokio_fmt_added_ns\": {}, \"polls_per_config\": {}}}",
        lm, l9, pm, p9, fm, f9, rm, r9, lm as i64 - pm as i64, lm as i64 - rm as i64, fm as i64 - pm as i64, n
    );
}
