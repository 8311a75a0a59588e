//! Wrong: shuts down only while one job runs and the queue is empty, so a worker that drops the jobs still queued at shutdown (or runs them all at once) behaves exactly like a correct one.
//! Caught by: mutants::drops_queued_jobs

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
async fn the_running_job_is_finished() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 317)).await.unwrap();
    sleep(Duration::from_millis(100)).await;
    guarded(worker.shutdown()).await;
    assert_eq!(t0.elapsed(), Duration::from_millis(317));
    assert_eq!(*log.lock().unwrap(), events(&[(0, "+a"), (317, "-a")]));
    tokio::task::yield_now().await;
    assert_eq!(alive(), 0);
}

#[tokio::test(start_paused = true)]
async fn late_submits_are_refused() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 613)).await.unwrap();
    let late = async {
        sleep(Duration::from_millis(200)).await;
        jobs.submit(job(&log, t0, "late", 1)).await
    };
    let (late, ()) = guarded(async { tokio::join!(late, worker.shutdown()) }).await;
    assert_eq!(late, Err(Closed));
}

#[tokio::test(start_paused = true)]
async fn a_long_job_is_waited_for() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 25_001)).await.unwrap();
    sleep(Duration::from_millis(1)).await;
    guarded(worker.shutdown()).await;
    assert_eq!(t0.elapsed(), Duration::from_millis(25_001));
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
