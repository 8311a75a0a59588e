//! Wrong: submits a job and checks only that shutdown returns: it asserts nothing about what ran, when, or what was left, so every implementation that returns passes.
//! Caught by: mutants::aborts_instead_of_draining

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_34_test_clean_shutdown::start;
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

async fn guarded<F: Future>(fut: F) -> F::Output {
    timeout(Duration::from_secs(3600), fut)
        .await
        .expect("never returned")
}

#[tokio::test(start_paused = true)]
async fn shutdown_returns() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    jobs.submit(job(&log, t0, "a", 100)).await.unwrap();
    guarded(worker.shutdown()).await;
}
