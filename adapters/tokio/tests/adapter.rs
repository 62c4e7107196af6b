//! Behaviour of the layer and the wrappers, checked in this process's own region.
//! Every test spawns tasks with unique names; one global subscriber serves them all.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};
use turbowish_tokio::inspect::{self, Task};

const READY: u8 = 1;
const WAITING: u8 = 3;
const DONE: u8 = 4;
const WAIT_ACQUIRE: u8 = 1;
const WAIT_RECV: u8 = 2;
const WAIT_SEND: u8 = 3;
const WAIT_SIGNAL: u8 = 5;
const WAIT_TIMER: u8 = 7;
const EDGE_HOLD: u8 = 1;
const EDGE_SENDER: u8 = 2;
const EDGE_RECEIVER: u8 = 3;

fn setup() -> tokio::runtime::Runtime {
    static INIT: Once = Once::new();
    INIT.call_once(turbowish_tokio::init);
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// Polls the region until `f` holds for the task named `name` (guards against hangs only).
fn wait_for(name: &str, f: impl Fn(&Task) -> bool) -> Task {
    let t0 = Instant::now();
    loop {
        if let Some(t) = inspect::task(name) {
            if f(&t) {
                return t;
            }
            if t0.elapsed() > Duration::from_secs(10) {
                panic!("task {} never reached the expected state: {:?}", name, t);
            }
        } else if t0.elapsed() > Duration::from_secs(10) {
            panic!("task {} never appeared; tasks: {:?}", name, inspect::tasks());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn holds(t: &Task, res: u32) -> bool {
    t.edges.iter().any(|&(r, role, n)| r == res && role == EDGE_HOLD && n > 0)
}

#[test]
fn spawn_span_becomes_a_named_task_with_its_rs_spawn_site() {
    let rt = setup();
    let line = line!() + 2;
    rt.block_on(async {
        tokio::task::Builder::new().name("t-named").spawn(tokio::time::sleep(Duration::from_secs(30))).unwrap();
    });
    let t = wait_for("t-named", |t| t.state == WAITING);
    assert!(t.spawn_site.file.ends_with("tests/adapter.rs"), "{:?}", t.spawn_site);
    assert_eq!(t.spawn_site.line, line);
    assert_eq!(t.wait_kind, WAIT_TIMER, "a sleeping task waits on time: {:?}", t);
    rt.shutdown_background();
}

#[test]
fn unnamed_task_is_named_after_its_spawn_location() {
    let rt = setup();
    let line = line!() + 1;
    let h = rt.spawn(async { 7 });
    assert_eq!(rt.block_on(h).unwrap(), 7);
    let name = format!("task@adapter.rs:{}", line);
    let t = wait_for(&name, |t| t.state == DONE);
    assert!(t.polls >= 1);
}

#[test]
fn runtime_worker_threads_are_not_tasks() {
    let rt = setup();
    rt.block_on(async { tokio::task::yield_now().await });
    assert!(
        !inspect::tasks().iter().any(|t| t.name.starts_with("blocking@") && t.spawn_site.file.contains("/src/runtime/")),
        "{:?}",
        inspect::tasks()
    );
}

#[test]
fn plain_tokio_mutex_abba_records_holders_and_acquire_waits() {
    let rt = setup();
    let m1 = Arc::new(tokio::sync::Mutex::new(0));
    let m2 = Arc::new(tokio::sync::Mutex::new(0));
    let (a1, a2, b1, b2) = (m1.clone(), m2.clone(), m1.clone(), m2.clone());
    rt.spawn(async move {
        tokio::task::Builder::new()
            .name("abba-a")
            .spawn(async move {
                let _g = a1.lock().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _h = a2.lock().await;
            })
            .unwrap();
        tokio::task::Builder::new()
            .name("abba-b")
            .spawn(async move {
                let _g = b2.lock().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _h = b1.lock().await;
            })
            .unwrap();
    });
    let a = wait_for("abba-a", |t| t.state == WAITING && t.wait_kind == WAIT_ACQUIRE);
    let b = wait_for("abba-b", |t| t.state == WAITING && t.wait_kind == WAIT_ACQUIRE);
    assert!(holds(&b, a.waiting_on), "a waits on {} which b holds: {:?} {:?}", a.waiting_on, a, b);
    assert!(holds(&a, b.waiting_on), "b waits on {} which a holds: {:?} {:?}", b.waiting_on, a, b);
    assert!(a.await_site.file.ends_with(".rs"));
    rt.shutdown_background();
}

#[test]
fn wrapped_mutex_wait_is_recorded_at_the_lock_line() {
    let rt = setup();
    let m = Arc::new(turbowish_tokio::sync::Mutex::with_name("w-mutex", ()));
    let guard = rt.block_on(m.lock());
    let m2 = m.clone();
    let line = Arc::new(AtomicU64::new(0));
    let l2 = line.clone();
    rt.spawn(async move {
        turbowish_tokio::task::spawn_named("w-waiter", async move {
            l2.store(line!() as u64 + 1, Ordering::SeqCst);
            let _g = m2.lock().await;
        });
    });
    let t = wait_for("w-waiter", |t| t.state == WAITING && t.wait_kind == WAIT_ACQUIRE);
    assert_eq!(t.await_site.line as u64, line.load(Ordering::SeqCst));
    assert_eq!(t.await_site.expr, "Mutex::lock().await");
    assert_eq!(t.waiting_on, inspect::resource("w-mutex").unwrap().id);
    drop(guard);
    let t = wait_for("w-waiter", |t| t.state == DONE);
    assert!(t.edges.iter().all(|&(_, _, n)| n == 0), "lock released at the end: {:?}", t);
    rt.shutdown_background();
}

#[test]
fn mpsc_wrappers_record_holders_and_direction() {
    let rt = setup();
    rt.block_on(async {
        let (tx, mut rx) = turbowish_tokio::sync::mpsc::channel_named::<u32>("m-chan", 1);
        turbowish_tokio::task::spawn_named("m-recv", async move {
            while rx.recv().await.is_some() {}
        });
        turbowish_tokio::task::spawn_named("m-send", async move {
            tx.send(1).await.unwrap();
            tx.send(2).await.unwrap();
            std::future::pending::<()>().await;
        });
    });
    let chan = inspect::resource("m-chan").unwrap().id;
    let r = wait_for("m-recv", |t| t.state == WAITING && t.wait_kind == WAIT_RECV);
    assert_eq!(r.waiting_on, chan);
    assert!(r.edges.iter().any(|&(res, role, n)| res == chan && role == EDGE_RECEIVER && n == 1), "{:?}", r);
    let s = wait_for("m-send", |t| t.state == WAITING);
    assert!(s.edges.iter().any(|&(res, role, n)| res == chan && role == EDGE_SENDER && n == 1), "{:?}", s);
    rt.shutdown_background();
}

#[test]
fn full_bounded_channel_is_a_send_wait() {
    let rt = setup();
    rt.block_on(async {
        let (tx, rx) = turbowish_tokio::sync::mpsc::channel_named::<u32>("f-chan", 1);
        turbowish_tokio::task::spawn_named("f-send", async move {
            let _keep = rx;
            tx.send(1).await.unwrap();
            tx.send(2).await.unwrap(); // full: nobody receives
        });
    });
    let t = wait_for("f-send", |t| t.state == WAITING && t.wait_kind == WAIT_SEND);
    assert_eq!(t.waiting_on, inspect::resource("f-chan").unwrap().id);
    assert!(t.await_site.file.ends_with("tests/adapter.rs"));
    rt.shutdown_background();
}

#[test]
fn abandoned_lock_wait_is_not_left_behind() {
    let rt = setup();
    let m = Arc::new(tokio::sync::Mutex::new(()));
    let g = rt.block_on(m.clone().lock_owned());
    rt.spawn(async move {
        tokio::task::Builder::new()
            .name("c-timeout")
            .spawn(async move {
                let _ = tokio::time::timeout(Duration::from_millis(30), m.lock()).await;
                let n = turbowish_tokio::sync::Notify::with_name("c-notify");
                n.notified().await;
            })
            .unwrap();
    });
    let t = wait_for("c-timeout", |t| t.state == WAITING && t.wait_kind == WAIT_SIGNAL);
    assert_eq!(t.waiting_on, inspect::resource("c-notify").unwrap().id);
    drop(g);
    rt.shutdown_background();
}

#[test]
fn oneshot_receiver_waits_on_the_sender_holder() {
    let rt = setup();
    rt.block_on(async {
        let (tx, rx) = turbowish_tokio::sync::oneshot::channel_named::<u32>("o-shot");
        turbowish_tokio::task::spawn_named("o-recv", async move {
            let _ = rx.await;
        });
        turbowish_tokio::task::spawn_named("o-send", async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            let _ = tx.send(1);
        });
    });
    let r = wait_for("o-recv", |t| t.state == WAITING && t.wait_kind == WAIT_RECV);
    assert_eq!(r.waiting_on, inspect::resource("o-shot").unwrap().id);
    rt.shutdown_background();
}

#[test]
fn pause_stops_polling_without_blocking_the_runtime_and_resume_restarts() {
    let rt = setup();
    let ticks = Arc::new(AtomicU64::new(0));
    let other = Arc::new(AtomicU64::new(0));
    let (t1, o1) = (ticks.clone(), other.clone());
    rt.spawn(async move {
        turbowish_tokio::task::spawn_named("p-ticker", async move {
            loop {
                t1.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        });
        tokio::spawn(async move {
            loop {
                o1.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        });
    });
    let t = wait_for("p-ticker", |t| t.polls > 3);
    assert!(turbowish_tokio::__apply_control(t.id, 1), "pause accepted");
    let t = wait_for("p-ticker", |t| t.paused);
    std::thread::sleep(Duration::from_millis(50));
    let (a, oa) = (ticks.load(Ordering::SeqCst), other.load(Ordering::SeqCst));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(ticks.load(Ordering::SeqCst), a, "a paused task is not polled");
    assert!(other.load(Ordering::SeqCst) > oa + 10, "the other tasks keep running");
    assert!(turbowish_tokio::__apply_control(t.id, 2), "resume accepted");
    wait_for("p-ticker", |t| !t.paused);
    std::thread::sleep(Duration::from_millis(100));
    assert!(ticks.load(Ordering::SeqCst) > a + 5, "a resumed task runs again");
    rt.shutdown_background();
}

#[test]
fn plain_tokio_spawn_cannot_be_paused() {
    let rt = setup();
    rt.spawn(async {
        tokio::task::Builder::new().name("np-task").spawn(tokio::time::sleep(Duration::from_secs(30))).unwrap();
    });
    let t = wait_for("np-task", |t| t.state == WAITING);
    assert!(!turbowish_tokio::__apply_control(t.id, 1));
    assert!(!inspect::task("np-task").unwrap().paused);
    rt.shutdown_background();
}

#[test]
fn yield_loop_wakes_are_recorded_and_the_task_ends_done() {
    let rt = setup();
    rt.block_on(async {
        tokio::task::Builder::new()
            .name("y-loop")
            .spawn(async {
                for _ in 0..100 {
                    tokio::task::yield_now().await;
                }
            })
            .unwrap()
            .await
            .unwrap();
    });
    let t = wait_for("y-loop", |t| t.state == DONE);
    assert!(t.polls >= 101, "{:?}", t);
    assert!(t.wakes >= 100, "{:?}", t);
    let _ = READY;
}
