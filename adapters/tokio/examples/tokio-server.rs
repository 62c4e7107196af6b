//! tokio-server: a healthy line-echo server. An acceptor task, one task per connection, a pool
//! of workers fed through an mpsc channel (turbowish_tokio wrappers), a shared counter behind a
//! turbowish_tokio Mutex, and a client task sending a request every 50 ms. Nothing is stuck:
//! TurboWish must report no deadlock. Prints `tw-example: ready` after the first answer.
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use turbowish_tokio::sync::{mpsc, oneshot, Mutex};

type Job = (String, oneshot::Sender<String>);

async fn worker(id: usize, jobs: Arc<Mutex<mpsc::Receiver<Job>>>, served: Arc<Mutex<u64>>) {
    loop {
        let job = { jobs.lock().await.recv().await };
        let (line, reply) = match job {
            Some(j) => j,
            None => return,
        };
        *served.lock().await += 1;
        let _ = reply.send(format!("worker {} says {}", id, line.to_uppercase()));
    }
}

async fn connection(sock: TcpStream, jobs: mpsc::Sender<Job>) {
    let (rd, mut wr) = sock.into_split();
    let mut lines = BufReader::new(rd).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let (tx, rx) = oneshot::channel();
        if jobs.send((line, tx)).await.is_err() {
            return;
        }
        let answer = rx.await.unwrap_or_else(|_| "error".into());
        if wr.write_all(format!("{}\n", answer).as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn client(port: u16) {
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (rd, mut wr) = sock.into_split();
    let mut lines = BufReader::new(rd).lines();
    let mut announced = false;
    for i in 0u64.. {
        wr.write_all(format!("hello {}\n", i).as_bytes()).await.unwrap();
        let _ = lines.next_line().await.unwrap();
        if !announced {
            println!("tw-example: ready");
            std::io::stdout().flush().unwrap();
            announced = true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn main_task() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (jobs_tx, jobs_rx) = mpsc::channel_named::<Job>("jobs", 16);
    let jobs_rx = Arc::new(Mutex::with_name("jobs_rx", jobs_rx));
    let served = Arc::new(Mutex::with_name("served", 0u64));
    for id in 0..3 {
        turbowish_tokio::task::spawn_named(&format!("worker-{}", id), worker(id, jobs_rx.clone(), served.clone()));
    }
    turbowish_tokio::task::spawn_named("acceptor", async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            turbowish_tokio::task::spawn_named("connection", connection(sock, jobs_tx.clone()));
        }
    });
    turbowish_tokio::task::spawn_named("client", client(port));
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn main() {
    turbowish_tokio::init();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(main_task());
}
