//! Wrong: expects a submit made right after `drop(worker)`, before the worker's task has had a chance to run, to be refused; the contract closes the intake when the worker's task runs (in the same virtual instant), so this test fails on the correct implementation.
//! Caught by: yours::a_dropped_worker_refuses_jobs

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_34_test_clean_shutdown::{start, Closed};
use tokio::time::{sleep, Instant};

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

#[tokio::test(start_paused = true)]
async fn a_dropped_worker_refuses_jobs() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 50)).await.unwrap();
    drop(worker);
    assert_eq!(jobs.submit(job(&log, t0, "b", 1)).await, Err(Closed));
}
