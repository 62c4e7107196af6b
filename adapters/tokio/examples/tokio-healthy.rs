//! tokio-healthy: busy tasks that never hang, for tests/healthy. "ping" and "pong" bounce a
//! number through two one-slot mpsc channels (the turbowish_tokio wrappers), and two more
//! tasks pass a turn through two Notify permits, all without sleeping. The main task then
//! awaits them, so at most instants every task is waiting. TurboWish must never call this
//! a certain deadlock. Prints `tw-example: ready` once every pair has gone round.
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use turbowish_tokio::sync::{mpsc, Notify};
use turbowish_tokio::task::spawn_named;

static ROUNDS: AtomicU64 = AtomicU64::new(0);
static TURNS: AtomicU64 = AtomicU64::new(0);

async fn main_task() {
    let (to_pong, mut from_ping) = mpsc::channel_named::<u64>("ping_to_pong", 1);
    let (to_ping, mut from_pong) = mpsc::channel_named::<u64>("pong_to_ping", 1);
    let ping = spawn_named("ping", async move {
        for i in 0.. {
            if to_pong.send(i).await.is_err() || from_pong.recv().await.is_none() {
                return;
            }
            ROUNDS.fetch_add(1, Ordering::Relaxed);
        }
    });
    let pong = spawn_named("pong", async move {
        while let Some(v) = from_ping.recv().await {
            if to_ping.send(v).await.is_err() {
                return;
            }
        }
    });
    let left_turn = Arc::new(Notify::with_name("left_turn"));
    let right_turn = Arc::new(Notify::with_name("right_turn"));
    let (l, r) = (left_turn.clone(), right_turn.clone());
    let left = spawn_named("left", async move {
        loop {
            r.notify_one();
            l.notified().await;
            TURNS.fetch_add(1, Ordering::Relaxed);
        }
    });
    let (l, r) = (left_turn, right_turn);
    let right = spawn_named("right", async move {
        loop {
            r.notified().await;
            l.notify_one();
        }
    });
    while ROUNDS.load(Ordering::Relaxed) == 0 || TURNS.load(Ordering::Relaxed) == 0 {
        tokio::task::yield_now().await;
    }
    println!("tw-example: ready");
    std::io::stdout().flush().unwrap();
    let _ = tokio::join!(ping, pong, left, right);
}

fn main() {
    turbowish_tokio::init();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(main_task());
}
