//! Wrong: after shutdown it sleeps a while before it looks at the log and the live tasks, and never checks when shutdown returned, so a shutdown that returns at once and lets the worker finish in the background gets through.
//! Caught by: mutants::returns_before_the_worker_finishes

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_34_test_clean_shutdown::{start, Closed};
use tokio::time::{sleep, timeout, Instant};

type Log = Arc<Mutex<Vec<(u64, String)>>>;

/// A job that logs "+name" when it starts and "-name" when it ends, in
/// virtual ms since `t0`.
fn job(
    log: &Log,
    t0: Instant,
    name: &str,
    millis: u64,
) -> impl Future<Output = ()> + Send + 'static {
    let (log, name) = (log.clone(), name.to_string());
    async move {
        let at = |t0: Instant| t0.elapsed().as_millis() as u64;
        log.lock().unwrap().push((at(t0), format!("+{name}")));
        sleep(Duration::from_millis(millis)).await;
        log.lock().unwrap().push((at(t0), format!("-{name}")));
    }
}

fn events(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|&(t, e)| (t, e.to_string())).collect()
}

fn alive() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

async fn guarded<F: Future>(fut: F) -> F::Output {
    timeout(Duration::from_secs(3600), fut)
        .await
        .expect("never returned")
}

#[tokio::test(start_paused = true)]
async fn the_queue_is_drained_in_order() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    for (name, millis) in [("a", 317), ("b", 45), ("c", 505)] {
        jobs.submit(job(&log, t0, name, millis)).await.unwrap();
    }
    sleep(Duration::from_millis(100)).await;
    guarded(worker.shutdown()).await;
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        *log.lock().unwrap(),
        events(&[
            (0, "+a"),
            (317, "-a"),
            (317, "+b"),
            (362, "-b"),
            (362, "+c"),
            (867, "-c")
        ])
    );
    assert_eq!(alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn refusals() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(1);
    jobs.submit(job(&log, t0, "a", 613)).await.unwrap();
    jobs.submit(job(&log, t0, "b", 29)).await.unwrap();
    let waiting = jobs.submit(job(&log, t0, "c", 1));
    let late = async {
        sleep(Duration::from_millis(200)).await;
        jobs.submit(job(&log, t0, "d", 1)).await
    };
    let stop = async {
        sleep(Duration::from_millis(50)).await;
        worker.shutdown().await
    };
    let (waiting, late, ()) = guarded(async { tokio::join!(waiting, late, stop) }).await;
    assert_eq!((waiting, late), (Err(Closed), Err(Closed)));
}

#[tokio::test(start_paused = true)]
async fn a_long_queue_is_all_done() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 14_009)).await.unwrap();
    jobs.submit(job(&log, t0, "b", 6_007)).await.unwrap();
    guarded(worker.shutdown()).await;
    sleep(Duration::from_secs(60)).await;
    assert_eq!(log.lock().unwrap().len(), 4);
    assert_eq!(alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_worker_goes_away() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 50)).await.unwrap();
    drop(worker);
    sleep(Duration::from_millis(60)).await;
    assert_eq!(jobs.submit(job(&log, t0, "b", 1)).await, Err(Closed));
    assert_eq!(alive(), 0);
}
