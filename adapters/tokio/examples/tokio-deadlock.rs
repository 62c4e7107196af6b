//! tokio-deadlock: two tasks take two tokio Mutexes in opposite orders (ABBA) and hang.
//!
//! By default the mutexes are plain `tokio::sync::Mutex`: TurboWish sees them only through
//! tokio's own tracing (unmodified tokio). With `--wrapped` they are
//! `turbowish_tokio::sync::Mutex`, which also records the exact line of each `.lock().await`.
//! Prints `tw-example: ready` once both tasks are blocked, then stays until killed.
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

static HOLDING: AtomicUsize = AtomicUsize::new(0);

async fn ready_when_both_hold() {
    while HOLDING.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // both tasks now hold their first lock and are about to request the second
    tokio::time::sleep(Duration::from_millis(300)).await;
    println!("tw-example: ready");
    std::io::stdout().flush().unwrap();
}

async fn plain() {
    let accounts = Arc::new(tokio::sync::Mutex::new(100u64));
    let audit_log = Arc::new(tokio::sync::Mutex::new(Vec::<u64>::new()));
    let (a1, l1) = (accounts.clone(), audit_log.clone());
    let transfer = tokio::task::Builder::new()
        .name("transfer")
        .spawn(async move {
            let mut bal = a1.lock().await;
            HOLDING.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut log = l1.lock().await; // waits for "audit" forever
            log.push(*bal);
            *bal -= 1;
        })
        .unwrap();
    let (a2, l2) = (accounts.clone(), audit_log.clone());
    let audit = tokio::task::Builder::new()
        .name("audit")
        .spawn(async move {
            let log = l2.lock().await;
            HOLDING.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            let bal = a2.lock().await; // waits for "transfer" forever
            println!("{} {}", log.len(), *bal);
        })
        .unwrap();
    ready_when_both_hold().await;
    let _ = transfer.await;
    let _ = audit.await;
}

async fn wrapped() {
    use turbowish_tokio::sync::Mutex;
    let accounts = Arc::new(Mutex::with_name("accounts", 100u64));
    let audit_log = Arc::new(Mutex::with_name("audit_log", Vec::<u64>::new()));
    let (a1, l1) = (accounts.clone(), audit_log.clone());
    let transfer = turbowish_tokio::task::spawn_named("transfer", async move {
        let mut bal = a1.lock().await;
        HOLDING.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut log = l1.lock().await; // waits for "audit" forever
        log.push(*bal);
        *bal -= 1;
    });
    let (a2, l2) = (accounts.clone(), audit_log.clone());
    let audit = turbowish_tokio::task::spawn_named("audit", async move {
        let log = l2.lock().await;
        HOLDING.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let bal = a2.lock().await; // waits for "transfer" forever
        println!("{} {}", log.len(), *bal);
    });
    ready_when_both_hold().await;
    let _ = transfer.await;
    let _ = audit.await;
}

fn main() {
    turbowish_tokio::init();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    if std::env::args().any(|a| a == "--wrapped") {
        rt.block_on(wrapped());
    } else {
        rt.block_on(plain());
    }
}
