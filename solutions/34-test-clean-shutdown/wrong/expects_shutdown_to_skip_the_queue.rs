//! Wrong: misreads the contract and expects shutdown to finish only the running job and return then, with the queued jobs never run: it fails on the correct implementation, which runs the queue too.
//! Caught by: yours::shutdown_stops_after_the_running_job

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

fn events(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|&(t, e)| (t, e.to_string())).collect()
}

async fn guarded<F: Future>(fut: F) -> F::Output {
    timeout(Duration::from_secs(3600), fut)
        .await
        .expect("never returned")
}

#[tokio::test(start_paused = true)]
async fn shutdown_stops_after_the_running_job() {
    let (log, t0) = (Log::default(), Instant::now());
    let (jobs, worker) = start(4);
    for (name, millis) in [("a", 317), ("b", 45), ("c", 505)] {
        jobs.submit(job(&log, t0, name, millis)).await.unwrap();
    }
    sleep(Duration::from_millis(100)).await;
    guarded(worker.shutdown()).await;
    assert_eq!(t0.elapsed(), Duration::from_millis(317));
    assert_eq!(*log.lock().unwrap(), events(&[(0, "+a"), (317, "-a")]));
}
