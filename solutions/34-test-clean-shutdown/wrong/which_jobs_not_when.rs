//! Wrong: checks which jobs ended by the time shutdown returned, but not when they started or when shutdown returned, so a worker that runs the queued jobs all at once at shutdown (they overlap) gets through.
//! Caught by: mutants::drains_all_at_once

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

fn ended(log: &Log) -> Vec<String> {
    let mut names: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, e)| e.starts_with('-'))
        .map(|(_, e)| e.clone())
        .collect();
    names.sort();
    names
}

#[tokio::test(start_paused = true)]
async fn every_job_is_done_when_shutdown_returns() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    for (name, millis) in [("a", 317), ("b", 45), ("c", 505)] {
        jobs.submit(job(&log, t0, name, millis)).await.unwrap();
    }
    sleep(Duration::from_millis(100)).await;
    guarded(worker.shutdown()).await;
    assert_eq!(ended(&log), ["-a", "-b", "-c"]);
    tokio::task::yield_now().await;
    assert_eq!(alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn refusals() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(1);
    jobs.submit(job(&log, t0, "a", 613)).await.unwrap();
    jobs.submit(job(&log, t0, "b", 29)).await.unwrap();
    let waiting = jobs.submit(job(&log, t0, "c", 1));
    let stop = async {
        sleep(Duration::from_millis(50)).await;
        worker.shutdown().await
    };
    let (waiting, ()) = guarded(async { tokio::join!(waiting, stop) }).await;
    assert_eq!(waiting, Err(Closed));
    assert_eq!(ended(&log), ["-a", "-b"]);
}

#[tokio::test(start_paused = true)]
async fn a_long_queue_is_all_done() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    for (name, millis) in [("a", 4_001), ("b", 7_333), ("c", 9_017)] {
        jobs.submit(job(&log, t0, name, millis)).await.unwrap();
    }
    guarded(worker.shutdown()).await;
    assert_eq!(ended(&log), ["-a", "-b", "-c"]);
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
