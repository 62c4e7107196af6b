//! tokio-channel-cycle: two tasks play ping-pong over two bounded mpsc channels (the
//! turbowish_tokio::sync::mpsc wrappers); at round 3 "pong" forgets to answer, and each task
//! waits to receive from the other forever: ping -> pong_to_ping -> pong -> ping_to_pong -> ping.
//! Prints `tw-example: ready` once both are blocked, then stays until killed.
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use turbowish_tokio::sync::mpsc;

static ROUNDS: AtomicUsize = AtomicUsize::new(0);

async fn main_task() {
    let (to_pong, mut from_ping) = mpsc::channel_named::<u32>("ping_to_pong", 1);
    let (to_ping, mut from_pong) = mpsc::channel_named::<u32>("pong_to_ping", 1);
    turbowish_tokio::task::spawn_named("ping", async move {
        for i in 1.. {
            to_pong.send(i).await.unwrap();
            let _ = from_pong.recv().await; // round 3: waits for pong forever
            ROUNDS.fetch_add(1, Ordering::SeqCst);
        }
    });
    turbowish_tokio::task::spawn_named("pong", async move {
        loop {
            let v = from_ping.recv().await.unwrap(); // round 3: waits for ping forever
            if v == 3 {
                continue; // the bug: no answer to round 3
            }
            to_ping.send(v).await.unwrap();
        }
    });
    while ROUNDS.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut announced = false;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !announced {
            tokio::time::sleep(Duration::from_millis(200)).await;
            println!("tw-example: ready");
            std::io::stdout().flush().unwrap();
            announced = true;
        }
    }
}

fn main() {
    turbowish_tokio::init();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(main_task());
}
