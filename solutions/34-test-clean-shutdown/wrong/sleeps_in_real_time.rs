//! Wrong: runs on the real clock (no `start_paused`): its jobs really sleep 1.5 s and 1.7 s, so the test takes over 3 s and the grader stops it after 2 s.
//! Caught by: yours::shutdown_drains_in_real_time

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kata_34_test_clean_shutdown::start;

#[tokio::test]
async fn shutdown_drains_in_real_time() {
    let done = Arc::new(Mutex::new(Vec::new()));
    let (jobs, worker) = start(4);
    for (name, millis) in [("a", 1500), ("b", 1700)] {
        let done = done.clone();
        jobs.submit(async move {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            done.lock().unwrap().push(name);
        })
        .await
        .unwrap();
    }
    let start = Instant::now();
    worker.shutdown().await;
    assert!(start.elapsed() >= Duration::from_millis(3200));
    assert_eq!(*done.lock().unwrap(), ["a", "b"]);
}
